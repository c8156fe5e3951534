package io.hmapstore.jcstress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * jcstress finds its tests through {@code META-INF/TestList}, written by its annotation processor.
 * JDK 25's javac runs processors only when asked ({@code <proc>full</proc>}); without them the list is
 * empty and jcstress passes having run nothing, so this checks that every test is listed.
 */
class TestListTest {

    @Test
    void testList_namesEveryTest_whenTheProcessorRan() throws IOException {
        String list;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/TestList")) {
            assertNotNull(in, "META-INF/TestList: the jcstress annotation processor did not run");
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TreeSet<String> listed = new TreeSet<>();
        for (String name : List.of("NoTornValues.Bytes", "NoTornValues.Longs", "NoLostMerge.Absent",
                "NoLostMerge.Present", "NoLostMerge.Compute", "PresentThroughGrowth", "PresentThroughShrink", "RelocationRace",
                "InPlaceUpdateRace.Primitive", "InPlaceUpdateRace.Boxed")) {
            if (list.contains("io.hmapstore.jcstress." + name)) {
                listed.add(name);
            }
        }
        assertEquals(10, listed.size(), "listed: " + listed + " in " + Arrays.toString(list.split("\n")));
    }
}
