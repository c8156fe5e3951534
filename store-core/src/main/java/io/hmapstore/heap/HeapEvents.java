package io.hmapstore.heap;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The entry heap's JFR events: blocks retired and memory handed to the release policy.
 * Events that are not enabled cost a field read: each site asks its {@link EventType} before it makes
 * anything. Their names are {@code io.hmapstore.*}, the same in every layer, so one
 * {@code jcmd <pid> JFR.start} shows them all.
 */
public final class HeapEvents {
    // Checked before an event object is made, so hot paths allocate nothing while JFR is off
    // (escape analysis would usually remove the object, but not in methods too big to inline).
    static final EventType RETIRE = EventType.getEventType(Retire.class);
    static final EventType RELEASE = EventType.getEventType(Release.class);

    private HeapEvents() {
    }

    /** A block left use: an old bucket array, an overflow bucket or an entry. */
    @Name("io.hmapstore.Retire")
    @Enabled(false) // one per freed block: on only when a recording asks for it
    @Label("Retire")
    @Category({"hmapstore", "Memory"})
    @StackTrace(false)
    static final class Retire extends Event {
        @Label("Offset") long offset;
        @Label("Bytes") @DataAmount public long bytes;
        @Label("Kind") String kind;
    }

    /** Memory handed to the release policy; the event's duration is the call's. */
    @Name("io.hmapstore.Release")
    @Label("Release")
    @Category({"hmapstore", "Memory"})
    @StackTrace(false)
    static final class Release extends Event {
        @Label("Offset") long offset;
        @Label("Bytes") @DataAmount public long bytes;
        @Label("Policy") String policy;
    }
}
