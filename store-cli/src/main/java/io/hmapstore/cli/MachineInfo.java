package io.hmapstore.cli;

import io.hmapstore.memory.MappedRegion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line naming what a memory experiment ran on: the kernel, page size, transparent huge page
 * mode and swap decide what release policies do, so results mean little without them.
 */
final class MachineInfo {

    private static final Pattern SELECTED = Pattern.compile("\\[(\\w+)]");

    private MachineInfo() {
    }

    /** e.g. {@code "machine: Linux 6.18.4, page 4096 B, THP madvise, swap none, JDK 25.0.1+8-LTS (Eclipse Adoptium)"}. */
    static String describe() {
        return "machine: Linux " + kernel()
                + ", page " + MappedRegion.pageSize() + " B"
                + ", THP " + transparentHugePages()
                + ", swap " + swap()
                + ", JDK " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")";
    }

    /** @return the kernel release, e.g. {@code "6.18.4"} */
    static String kernel() {
        return read("/proc/sys/kernel/osrelease");
    }

    /** The file system a directory is on, e.g. {@code "/tmp (ext4)"}. */
    static String fileSystem(Path directory) {
        try {
            return directory.toAbsolutePath() + " (" + Files.getFileStore(directory).type() + ")";
        } catch (IOException e) {
            return directory.toAbsolutePath() + " (unknown)";
        }
    }

    /** @return the transparent huge page mode, e.g. {@code "madvise"} */
    static String transparentHugePages() {
        Matcher m = SELECTED.matcher(read("/sys/kernel/mm/transparent_hugepage/enabled"));
        return m.find() ? m.group(1) : "unknown";
    }

    /**
     * What {@code PAGEOUT} and {@code COLD} do to anonymous memory here, when that needs saying: with
     * no swap the kernel has nowhere to write anonymous pages, so they stay resident and keep their
     * bytes. Without this note a reader sees "old bytes" and unchanged residency and suspects a bug.
     *
     * @return the note, or "" on a machine with swap
     */
    static String noSwapNote() {
        return swap().equals("none")
                ? "PAGEOUT and COLD on anonymous memory: this machine has no swap, so the kernel has nowhere to page "
                        + "anonymous pages out to; they stay resident and keep their old bytes (file pages are written "
                        + "back and dropped, and pages already given up with MADV_FREE are discarded: FREE+PAGEOUT)."
                : "";
    }

    /** @return the swap configured, e.g. {@code "none"} or {@code "8388604 kB"} */
    static String swap() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("SwapTotal:"))
                    .map(line -> line.substring("SwapTotal:".length()).trim())
                    .map(total -> total.equals("0 kB") ? "none" : total)
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
