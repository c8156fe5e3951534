package io.hmapstore.table;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The store's JFR events, so {@code jcmd <pid> JFR.start} shows growth, evacuation, retirement,
 * release, stale views and corruption as Go's {@code gctrace} and pprof would. Events that are not
 * enabled cost a field read: each site asks its {@link EventType} before it makes anything.
 */
final class StoreEvents {
    // Checked before an event object is made, so hot paths allocate nothing while JFR is off
    // (escape analysis would usually remove the object, but not in methods too big to inline).
    static final EventType GROW = EventType.getEventType(Grow.class);
    static final EventType EVACUATE = EventType.getEventType(Evacuate.class);
    static final EventType RETIRE = EventType.getEventType(Retire.class);
    static final EventType RELEASE = EventType.getEventType(Release.class);
    static final EventType STALE_ACCESS = EventType.getEventType(StaleAccess.class);
    static final EventType CORRUPTION = EventType.getEventType(Corruption.class);

    private StoreEvents() {
    }

    /** A segment started to double, grow at the same size, or halve. */
    @Name("io.hmapstore.Grow")
    @Label("Grow")
    @Category({"hmapstore", "Table"})
    @Description("A segment's bucket array is replaced by one of another (or the same) size; evacuation follows")
    @StackTrace(false)
    static final class Grow extends Event {
        @Label("Segment") int segment;
        @Label("Old B") int oldLog2Buckets;
        @Label("New B") int newLog2Buckets;
        @Label("Entries") long entries;
        @Label("Overflow buckets") int overflowBuckets;
    }

    /** One old bucket (and its chain) moved to the new array. */
    @Name("io.hmapstore.Evacuate")
    @Enabled(false) // one per evacuated bucket: on only when a recording asks for it
    @Label("Evacuate")
    @Category({"hmapstore", "Table"})
    @StackTrace(false)
    static final class Evacuate extends Event {
        @Label("Segment") int segment;
        @Label("Old bucket") long oldBucket;
        @Label("Overflow buckets freed") int overflowFreed;
    }

    /** A block left use: an old bucket array, an overflow bucket or an entry. */
    @Name("io.hmapstore.Retire")
    @Enabled(false) // one per freed block: on only when a recording asks for it
    @Label("Retire")
    @Category({"hmapstore", "Memory"})
    @StackTrace(false)
    static final class Retire extends Event {
        @Label("Offset") long offset;
        @Label("Bytes") @DataAmount long bytes;
        @Label("Kind") String kind;
    }

    /** Memory handed to the release policy; the event's duration is the call's. */
    @Name("io.hmapstore.Release")
    @Label("Release")
    @Category({"hmapstore", "Memory"})
    @StackTrace(false)
    static final class Release extends Event {
        @Label("Offset") long offset;
        @Label("Bytes") @DataAmount long bytes;
        @Label("Policy") String policy;
    }

    /** A view was used after its memory was retired or reused, and refused. */
    @Name("io.hmapstore.StaleAccess")
    @Label("Stale access")
    @Category({"hmapstore", "Guards"})
    static final class StaleAccess extends Event {
        @Label("Segment") int segment;
        @Label("Offset") long offset;
        @Label("Stamp held") long held;
        @Label("Stamp found") long found;
    }

    /** An impossible offset or field was found and not followed. */
    @Name("io.hmapstore.Corruption")
    @Label("Corruption")
    @Category({"hmapstore", "Guards"})
    static final class Corruption extends Event {
        @Label("Segment") int segment;
        @Label("Bucket") long bucket;
        @Label("Offset") long offset;
        @Label("Message") String message;
    }
}
