package io.hmapstore.bench.subjects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every subject that runs in the test JVM behind {@link Store}/{@link Handle}: fill, hit, miss, update,
 * remove, both value kinds. Chronicle Map and LMDB are left to the smoke profile, which starts JVMs with
 * the flags they need on JDK 25 ({@code PeerJvm}).
 */
class SubjectsTest {

    private static final int N = 5_000;

    @ParameterizedTest
    @EnumSource(value = Subject.class, mode = EnumSource.Mode.EXCLUDE,
            names = {"ChronicleMap", "LmdbTxnPerBatch", "LmdbTxnPerOp"})
    void everyOperation_answersAsAMapWould(Subject subject) {
        for (ValueKind kind : ValueKind.values()) {
            boolean boxes = subject.boxedKeys();
            try (Store store = subject.open(kind, N, N)) {
                try (Handle h = store.loader()) {
                    for (int i = 0; i < N; i++) {
                        h.put(i * 7919L, boxes ? i * 7919L : null, i);
                    }
                }
                try (Handle h = store.handle()) {
                    for (int i = 0; i < N; i++) {
                        long k = i * 7919L;
                        assertEquals(i, h.get(k, boxes ? k : null), () -> subject + " " + kind + " get " + k);
                    }
                    assertEquals(Handle.ABSENT, h.get(-1, boxes ? -1L : null));
                    h.put(7919, boxes ? 7919L : null, 123);
                    assertEquals(123, h.get(7919, boxes ? 7919L : null));
                    assertTrue(h.remove(7919, boxes ? 7919L : null));
                    assertEquals(Handle.ABSENT, h.get(7919, boxes ? 7919L : null));
                }
                assertTrue(store.offHeapBytes() >= 0);
            }
        }
    }

    @Test
    void newSubjects_declareHowTheyAreCalled() {
        assertFalse(Subject.BareBucket.concurrentWrites());
        assertFalse(Subject.BareBucket.boxedKeys());
        for (Subject s : EnumSet.of(Subject.Caffeine, Subject.EhcacheOffHeap)) {
            assertTrue(s.concurrentWrites(), s::name);
            assertTrue(s.boxedKeys(), s::name);
        }
    }
}
