package io.hmapstore.table;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The table's JFR events, as Go's {@code gctrace} would show them: growth, evacuation, and corruption
 * found and not followed.
 * Events that are not enabled cost a field read: each site asks its {@link EventType} before it makes
 * anything. Their names are {@code io.hmapstore.*}, the same in every layer, so one
 * {@code jcmd <pid> JFR.start} shows them all.
 */
public final class TableEvents {
    // Checked before an event object is made, so hot paths allocate nothing while JFR is off
    // (escape analysis would usually remove the object, but not in methods too big to inline).
    static final EventType GROW = EventType.getEventType(Grow.class);
    static final EventType EVACUATE = EventType.getEventType(Evacuate.class);
    static final EventType CORRUPTION = EventType.getEventType(Corruption.class);

    private TableEvents() {
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
