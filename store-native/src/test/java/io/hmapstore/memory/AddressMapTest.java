package io.hmapstore.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AddressMap finds the real /proc/self/maps line that holds an address. */
class AddressMapTest extends RegionTestSupport {

    @TempDir
    Path dir;

    @Test
    void find_anonymousRegion_returnsTheReadWriteMappingHoldingIt() throws IOException {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, 2 * SIZE)) {
            long address = region.address() + SIZE / 2;
            AddressMap.Mapping mapping = AddressMap.find(address).orElseThrow();
            assertTrue(mapping.start() <= address && address < mapping.end(), mapping.toString());
            assertEquals("rw-p", mapping.perms());
            assertEquals("", mapping.path());
            // The reserved tail beyond size() is a separate PROT_NONE mapping.
            assertEquals("---p", AddressMap.find(region.address() + SIZE).orElseThrow().perms());
            String range = mapping.toString().substring(0, mapping.toString().indexOf(' '));
            assertTrue(Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .anyMatch(line -> line.startsWith(range + " rw-p 00000000 ")), mapping.toString());
        }
    }

    @Test
    void find_fileRegion_namesThePathAndPrintsLikeAMapsLine() {
        Path path = dir.resolve("named.map");
        try (MappedRegion region = MappedRegion.file(path, SIZE, SIZE)) {
            AddressMap.Mapping mapping = AddressMap.find(region.address() + SIZE - 1).orElseThrow();
            assertEquals(path.toAbsolutePath().toString(), mapping.path());
            assertEquals(String.format("%x-%x rw-s 00000000 %s", region.address(), region.address() + SIZE,
                    path.toAbsolutePath()), mapping.toString());
        }
    }

    @Test
    void find_unmappedAddress_returnsEmpty() {
        assertTrue(AddressMap.find(0x1000).isEmpty());
    }

    @Test
    void vmFlags_giveEachMappingsFlags_andTheAdviceARangeTook() {
        try (MappedRegion region = MappedRegion.anonymous(SIZE, 2 * SIZE)) {
            Map<AddressMap.Mapping, List<String>> flags = AddressMap.vmFlags();
            AddressMap.Mapping mapping = AddressMap.find(region.address()).orElseThrow();
            assertEquals(List.of("rd", "wr"), flags.get(mapping).subList(0, 2), flags.get(mapping).toString());
            assertFalse(flags.get(mapping).contains("hg"));
            assertTrue(flags.keySet().stream().anyMatch(m -> m.path().equals("[stack]")), "and the others");

            region.adviseHugePages(0, SIZE);
            assertTrue(AddressMap.vmFlags(region.address()).orElseThrow().contains("hg"));
            assertTrue(AddressMap.vmFlags(0x1000).isEmpty(), "nothing is mapped there");
        }
    }

    @Test
    void parse_pathWithSpacesAndDeletedMarker_keepsTheWholePath() {
        AddressMap.Mapping m = AddressMap.parse(
                "7f0000001000-7f0000003000 r--s 00002000 fd:01 1234                       /tmp/a b.map (deleted)");
        assertEquals(0x7f0000001000L, m.start());
        assertEquals(0x7f0000003000L, m.end());
        assertEquals(0x2000, m.offset());
        assertEquals("/tmp/a b.map (deleted)", m.path());
        assertEquals("7f0000001000-7f0000003000 r--s 00002000 /tmp/a b.map (deleted)", m.toString());
    }
}
