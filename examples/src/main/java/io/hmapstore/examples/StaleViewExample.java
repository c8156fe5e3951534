package io.hmapstore.examples;

import io.hmapstore.Codecs;
import io.hmapstore.Concurrency;
import io.hmapstore.Guard;
import io.hmapstore.OffHeapMap;
import io.hmapstore.StaleViewException;
import io.hmapstore.ValueView;
import java.nio.charset.StandardCharsets;

/**
 * A {@link ValueView} reads a value in place, without copying. If the entry is removed and its memory reused by
 * another entry, an unchecked view would read the other entry's bytes — Go's dangling pointer into a reused
 * bucket. The {@link Guard#STALE_VIEW_CHECK} guard (on by default) makes such a view throw
 * {@link StaleViewException} instead.
 *
 * <pre>mvn -q -pl examples compile exec:exec -Dexample=StaleViewExample</pre>
 */
public final class StaleViewExample {

    private StaleViewExample() {
    }

    /** @param args unused */
    public static void main(String[] args) {
        System.out.println("== guard off: withoutGuards(Guard.STALE_VIEW_CHECK)");
        try (OffHeapMap<Long, String> map = open().withoutGuards(Guard.STALE_VIEW_CHECK).open()) {
            ValueView view = viewThenReuse(map);
            System.out.println("   the view of key 1 now reads \"" + text(view) + "\" -- key 2's bytes, not key 1's");
        }

        System.out.println("== guard on (the default)");
        try (OffHeapMap<Long, String> map = open().open()) {
            ValueView view = viewThenReuse(map);
            System.out.println("   view.isValid() = " + view.isValid());
            try {
                System.out.println("   the view of key 1 reads \"" + text(view) + "\"");
            } catch (StaleViewException e) {
                System.out.println("   refused: StaleViewException: " + e.getMessage());
            }
        }
    }

    /**
     * A single-writer store reuses a freed block at once (its free lists are LIFO). A CONCURRENT store
     * holds freed blocks back until no lock-free reader can still see them (epochs), so the reuse, and the
     * hazard, come later there.
     */
    private static OffHeapMap.Builder<Long, String> open() {
        return OffHeapMap.of(Codecs.longs(), Codecs.utf8()).concurrency(Concurrency.SINGLE_WRITER);
    }

    /** Takes a view of key 1, removes key 1, then stores key 2 with a value of the same size. */
    private static ValueView viewThenReuse(OffHeapMap<Long, String> map) {
        map.put(1L, "alice-secret-0001");
        ValueView view = map.view(1L);
        System.out.println("   view of key 1 reads \"" + text(view) + "\"");
        map.remove(1L);
        map.put(2L, "bobby-secret-0002"); // same length: the freed block is reused at once
        System.out.println("   removed key 1, then put key 2 = \"bobby-secret-0002\"");
        return view;
    }

    private static String text(ValueView view) {
        return new String(view.toArray(), StandardCharsets.UTF_8);
    }
}
