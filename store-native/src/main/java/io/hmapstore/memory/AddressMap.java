package io.hmapstore.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * This process's mappings as {@code /proc/self/maps} lists them, for fault reports: which mapping,
 * with which permissions, holds an address that a corrupt offset pointed at; and, from
 * {@code /proc/self/smaps}, the flags the kernel keeps for each (what {@code madvise} advice it took).
 */
public final class AddressMap {

    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final Path SMAPS = Path.of("/proc/self/smaps");
    private static final String VM_FLAGS = "VmFlags:";
    /** How an smaps entry opens: its maps line; the entry's other lines are {@code "Name:   value"}. */
    private static final Pattern MAPS_LINE = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    private AddressMap() {
    }

    /**
     * One line of {@code /proc/self/maps}.
     *
     * @param start  the first address of the mapping
     * @param end    the address one past its last byte
     * @param perms  the permissions as the kernel prints them, e.g. {@code "rw-p"} or {@code "r--s"}
     * @param offset the offset into the mapped file (0 for anonymous memory)
     * @param path   the file or pseudo-file, e.g. {@code "/tmp/a.map"} or {@code "[heap]"}; empty for anonymous memory
     */
    public record Mapping(long start, long end, String perms, long offset, String path) {

        /**
         * Whether the mapping holds {@code address}.
         *
         * @param address an address
         * @return {@code start <= address < end}
         */
        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }

        /** The mapping as a maps line prints it, less the device and inode columns. */
        @Override
        public String toString() {
            return String.format("%x-%x %s %08x %s", start, end, perms, offset, path).stripTrailing();
        }
    }

    /**
     * Finds the mapping that holds an address.
     *
     * @param address the address
     * @return the mapping, or empty if nothing is mapped there
     * @throws UncheckedIOException if {@code /proc/self/maps} cannot be read
     */
    public static Optional<Mapping> find(long address) {
        return all().stream().filter(m -> m.contains(address)).findFirst();
    }

    /**
     * Reads every mapping of the process, in address order.
     *
     * @return the mappings
     * @throws UncheckedIOException if {@code /proc/self/maps} cannot be read
     */
    public static List<Mapping> all() {
        List<String> lines;
        try {
            lines = Files.readAllLines(MAPS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MAPS, e);
        }
        List<Mapping> mappings = new ArrayList<>(lines.size());
        for (String line : lines) {
            mappings.add(parse(line));
        }
        return mappings;
    }

    /**
     * Every mapping with its {@code VmFlags}, in address order: the kernel's two-letter codes, such as
     * {@code hg} for a range advised {@code MADV_HUGEPAGE} and {@code nh} for {@code MADV_NOHUGEPAGE}.
     * One read of {@code /proc/self/smaps}, whose entries open with the mapping's maps line.
     *
     * @return each mapping and its flags
     * @throws UncheckedIOException if {@code /proc/self/smaps} cannot be read
     */
    public static Map<Mapping, List<String>> vmFlags() {
        List<String> lines;
        try {
            lines = Files.readAllLines(SMAPS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SMAPS, e);
        }
        Map<Mapping, List<String>> flags = new LinkedHashMap<>();
        Mapping mapping = null;
        for (String line : lines) {
            if (line.startsWith(VM_FLAGS)) {
                flags.put(mapping, List.of(line.substring(VM_FLAGS.length()).trim().split("\\s+")));
            } else if (MAPS_LINE.matcher(line).lookingAt()) {
                mapping = parse(line);
            }
        }
        return flags;
    }

    /**
     * The {@code VmFlags} of the mapping that holds an address ({@link #vmFlags()}).
     *
     * @param address the address
     * @return its mapping's flags, or empty if nothing is mapped there
     * @throws UncheckedIOException if {@code /proc/self/smaps} cannot be read
     */
    public static Optional<List<String>> vmFlags(long address) {
        return vmFlags().entrySet().stream().filter(e -> e.getKey().contains(address)).map(Map.Entry::getValue)
                .findFirst();
    }

    /** Parses {@code "start-end perms offset dev inode   path"}; the path may hold spaces. */
    static Mapping parse(String line) {
        String[] fields = line.trim().split("\\s+", 6);
        if (fields.length < 5) {
            throw new IllegalArgumentException("not a maps line: \"" + line + "\"");
        }
        int dash = fields[0].indexOf('-');
        long start = Long.parseUnsignedLong(fields[0].substring(0, dash), 16);
        long end = Long.parseUnsignedLong(fields[0].substring(dash + 1), 16);
        long offset = Long.parseUnsignedLong(fields[2], 16);
        return new Mapping(start, end, fields[1], offset, fields.length == 6 ? fields[5] : "");
    }
}
