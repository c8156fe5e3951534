package io.hmapstore.cli;

import io.hmapstore.StoreFileInfo;
import io.hmapstore.StoreFileSnapshot;
import io.hmapstore.StoreStats;
import io.hmapstore.VerifyReport;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code hmapstore inspect FILE}: what a store file is and how its table looks — the superblock
 * (format, page size, codecs and sizes, clean or dirty, whether a writer is attached), then per
 * segment B, entries, overflow buckets and load, the chain-length histogram, heap bytes by block
 * size, and how many problems a check finds — read from a read-only mapping, as the file is.
 */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        header = "Shows a store file's format, codecs, segments, chain lengths and heap bytes.",
        description = {
            "Shows a store file's format, codecs and state (clean, dirty, a writer attached), its segments (B, "
                    + "entries, overflow buckets, load), chain lengths, heap bytes by block size and resident bytes, "
                    + "and how many problems a check finds (hmapstore verify lists them).",
            StoreFileCommand.READ_ONLY_NOTE,
            "Exit code 0: shown; 2: not a store file, or it cannot be read."})
final class InspectCommand extends StoreFileCommand {

    @Override
    int run(PrintWriter out, StoreFileSnapshot snapshot) {
        StoreFileInfo info = snapshot.info();
        StoreStats stats = snapshot.stats();
        VerifyReport check = snapshot.verify();
        out.println("file        " + info.path());
        out.println("bytes       " + info.fileBytes() + " (heap top 0x" + Long.toHexString(info.heapTop()) + ")");
        out.println("format      version " + info.formatVersion() + ", page size " + info.pageSize());
        out.println("keys        " + codec(info.keyCodec(), info.keySize()));
        out.println("values      " + codec(info.valueCodec(), info.valueSize()));
        out.println("state       " + (info.clean()
                ? snapshot.writerAttached() ? "clean (open in a writer that has not written to it yet)" : "clean"
                : snapshot.writerAttached() ? "dirty (open in a writer)"
                : "dirty (not closed cleanly; hmapstore recover FILE recovers it)"));
        out.println("writer      " + (snapshot.writerAttached()
                ? "attached: these figures are a snapshot, which may be caught mid-write" : "none"));
        out.println("seed        0x" + Long.toHexString(info.seed()));
        out.println("segments    " + stats.segments() + " (initial B " + info.initialLog2Buckets() + ")");
        out.println("entries     " + stats.entries());
        out.println("buckets     " + stats.buckets() + " primary, " + stats.overflowBuckets() + " overflow, load "
                + load(stats.entries(), stats.buckets()));
        out.println("check       " + summary(check) + (check.isClean() ? "" : " (hmapstore verify lists them)"));
        out.println();

        TextTable segments = new TextTable(new String[] {"segment", "B", "count", "overflow", "load"},
                new boolean[] {true, true, true, true, true});
        for (int s = 0; s < stats.segments(); s++) {
            long buckets = 1L << stats.bucketsLog2()[s];
            segments.add(Integer.toString(s), Integer.toString(stats.bucketsLog2()[s]),
                    Long.toString(stats.segmentEntries()[s]), Long.toString(stats.segmentOverflowBuckets()[s]),
                    load(stats.segmentEntries()[s], buckets));
        }
        segments.print(out);
        out.println();

        TextTable chains = new TextTable(new String[] {"chain length", "buckets"}, new boolean[] {true, true});
        long[] histogram = stats.chainLengthHistogram();
        for (int n = 1; n < histogram.length; n++) {
            if (histogram[n] != 0) {
                chains.add((n == histogram.length - 1 ? ">=" : "") + n, Long.toString(histogram[n]));
            }
        }
        chains.print(out);
        out.println();

        TextTable classes = new TextTable(new String[] {"block size", "bytes in use"}, new boolean[] {true, true});
        for (Map.Entry<Long, Long> e : stats.bytesBySizeClass().entrySet()) {
            classes.add(Long.toString(e.getKey()), Long.toString(e.getValue()));
        }
        classes.print(out);
        out.println();

        out.println("heap in use     " + stats.heapBytesInUse());
        out.println("resident bytes  " + stats.residentBytes() + " (of the file, in the page cache)");
        return 0;
    }

    private static String codec(String id, int size) {
        return "'" + id + "' (" + (size < 0 ? "variable size, in the entry heap" : size + " bytes, inline") + ")";
    }

    private static String load(long entries, long buckets) {
        return buckets == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) entries / buckets);
    }
}
