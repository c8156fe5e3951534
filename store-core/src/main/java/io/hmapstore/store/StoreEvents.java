package io.hmapstore.store;

import io.hmapstore.heap.HeapEvents;
import io.hmapstore.table.TableEvents;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * The store layer's JFR events: a stale view refused, a compaction run. The heap's and the table's events are
 * {@code HeapEvents} and {@code TableEvents}.
 * Events that are not enabled cost a field read: each site asks its {@link EventType} before it makes
 * anything. Their names are {@code io.hmapstore.*}, the same in every layer, so one
 * {@code jcmd <pid> JFR.start} shows them all.
 */
final class StoreEvents {
    // Checked before an event object is made, so hot paths allocate nothing while JFR is off
    // (escape analysis would usually remove the object, but not in methods too big to inline).
    static final EventType STALE_ACCESS = EventType.getEventType(StaleAccess.class);

    private StoreEvents() {
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

    /**
     * One compaction run: from the plan that chose the slabs to empty to the end of the walk over every
     * segment (a run done a little per write spans many writes; the event's duration is all of it).
     */
    @Name("io.hmapstore.Compact")
    @Label("Compact")
    @Category({"hmapstore", "Memory"})
    static final class Compact extends Event {
        @Label("Explicit") boolean explicit;
        @Label("Slabs chosen") long slabs;
        @Label("Bytes planned") @DataAmount long plannedBytes;
        @Label("Bytes moved") @DataAmount long movedBytes;
        @Label("Blocks moved") long movedBlocks;
        @Label("Fragmentation before") double fragmentationBefore;
        @Label("Fragmentation after") double fragmentationAfter;
    }
}
