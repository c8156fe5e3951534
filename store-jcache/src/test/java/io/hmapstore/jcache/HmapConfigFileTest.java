package io.hmapstore.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.Codecs;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache manager URI that names a configuration file: caches created by name (as Hibernate and Spring
 * create theirs) take its bounds, expiry and file; a bad file fails with its name, line, key and value.
 */
class HmapConfigFileTest extends ProviderTestBase {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private CacheManager manager(Path file) {
        return provider.getCacheManager(file.toUri(), getClass().getClassLoader());
    }

    private static Cache<Object, Object> byName(CacheManager manager, String name) {
        return manager.createCache(name, new MutableConfiguration<>());
    }

    @Test
    void createCache_byName_takesItsSectionOverTheDefault() throws IOException {
        CacheManager manager = manager(write("hmapstore-cache.properties", """
                # every cache created by name
                default.maxEntries = 1_000      # a comment after the value
                default.expectedEntries: 500
                cache.com.example.Book.maxEntries=50
                cache.com.example.Book.maxBytes=64MiB
                cache.products.maxBytes=2GiB
                """));
        HmapConfiguration<?, ?> book = configurationOf(byName(manager, "com.example.Book"));
        assertEquals(50, book.getMaxEntries(), "the named section's bound, over the default's");
        assertEquals(64L << 20, book.getMaxBytes());
        assertEquals(500, book.getExpectedEntries(), "the default section fills in what the section leaves out");

        HmapConfiguration<?, ?> products = configurationOf(byName(manager, "products"));
        assertEquals(1_000, products.getMaxEntries());
        assertEquals(2L << 30, products.getMaxBytes());

        HmapConfiguration<?, ?> other = configurationOf(byName(manager, "anything-else"));
        assertEquals(1_000, other.getMaxEntries(), "a cache the file does not name takes the default");
        assertEquals(0, other.getMaxBytes());
    }

    @Test
    void createCache_byName_staysWithinTheFilesBound() throws IOException {
        CacheManager manager = manager(write("bounded.properties", "cache.books.maxEntries=50\n"));
        Cache<Object, Object> books = byName(manager, "books");
        for (long id = 0; id < 2_000; id++) {
            books.put(id, "book " + id);
            assertTrue(books.unwrap(HmapCache.class).size() <= 50, "entries after put " + id);
        }
        assertTrue(books.unwrap(HmapCache.class).storeStats().evictions() >= 1_950);
    }

    @Test
    void withoutAFile_aCacheCreatedByNameIsUnbounded() {
        CacheManager manager = provider.getCacheManager();
        HmapConfiguration<?, ?> config = configurationOf(byName(manager, "books"));
        assertEquals(0, config.getMaxEntries());
        assertEquals(0, config.getMaxBytes());
    }

    @Test
    void valuesSetInCode_winOverTheFile() throws IOException {
        CacheManager manager = manager(write("c.properties", """
                default.maxEntries=50
                default.expireAfterWrite=PT10M
                """));
        Cache<Long, String> users = manager.createCache("users", HmapConfiguration.of(Codecs.longs(), Codecs.utf8())
                .maxEntries(10)
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(Duration.ONE_HOUR)));
        HmapConfiguration<?, ?> config = configurationOf(users);
        assertEquals(10, config.getMaxEntries());
        assertInstanceOf(CreatedExpiryPolicy.class, config.getExpiryPolicyFactory().create());
    }

    @Test
    void expireAfterWrite_isAModifiedExpiryPolicy_andExpiresEntries() throws Exception {
        CacheManager manager = manager(write("e.properties", """
                default.expireAfterWrite=PT10M
                cache.short.expireAfterWrite=200ms
                cache.short.statisticsEnabled=true
                """));
        @SuppressWarnings("unchecked")
        CompleteConfiguration<Object, Object> config =
                byName(manager, "long").getConfiguration(CompleteConfiguration.class);
        ExpiryPolicy policy = config.getExpiryPolicyFactory().create();
        assertInstanceOf(ModifiedExpiryPolicy.class, policy);
        assertEquals(new Duration(TimeUnit.MILLISECONDS, 600_000), policy.getExpiryForCreation());
        assertEquals(new Duration(TimeUnit.MILLISECONDS, 600_000), policy.getExpiryForUpdate());

        Cache<Object, Object> cache = byName(manager, "short");
        assertTrue(configurationOf(cache).isStatisticsEnabled());
        cache.put("k", "v");
        assertEquals("v", cache.get("k"));
        Thread.sleep(400);
        assertNull(cache.get("k"), "expired 200 ms after it was written");
    }

    @Test
    void persistTo_relativeToTheFile_keepsEntriesAcrossManagers() throws IOException {
        Path file = write("p.properties", "cache.users.persistTo=data/users.hmap\n");
        Files.createDirectories(dir.resolve("data"));
        CacheManager manager = manager(file);
        Cache<Object, Object> users = byName(manager, "users");
        assertEquals(dir.resolve("data/users.hmap"), configurationOf(users).getPersistPath());
        users.put(42L, "alice");
        manager.close();
        assertTrue(Files.exists(dir.resolve("data/users.hmap")));

        Cache<Object, Object> again = byName(manager(file), "users");
        assertEquals("alice", again.get(42L));
    }

    @Test
    void classpathUri_readsTheResource() {
        CacheManager manager = provider.getCacheManager(URI.create("classpath:hmapstore-hibernate.properties"),
                getClass().getClassLoader());
        HmapConfiguration<?, ?> books = configurationOf(byName(manager, "books"));
        assertEquals(50, books.getMaxEntries());
        assertInstanceOf(ModifiedExpiryPolicy.class, books.getExpiryPolicyFactory().create());
        assertInstanceOf(EternalExpiryPolicy.class, configurationOf(byName(manager,
                "default-update-timestamps-region")).getExpiryPolicyFactory().create(),
                "expireAfterWrite=eternal keeps the default section's expiry off a cache");
    }

    @Test
    void jarUri_readsTheEntry() throws IOException {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("config/hmapstore-cache.properties"));
            out.write("default.maxEntries=77\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        URI uri = URI.create("jar:" + jar.toUri() + "!/config/hmapstore-cache.properties");
        CacheManager manager = provider.getCacheManager(uri, getClass().getClassLoader());
        assertEquals(77, configurationOf(byName(manager, "any")).getMaxEntries());
    }

    /** Makes a manager over a one-line file and returns the error's message. */
    private String errorFor(String text) throws IOException {
        Path file = write("bad.properties", "# line 1\n" + text + "\n");
        CacheException e = assertThrows(CacheException.class, () -> manager(file));
        assertTrue(e.getMessage().contains(file.toString()), () -> "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), () -> "names the line: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + part + "' in: " + message);
        }
    }

    @Test
    void badFile_failsNamingTheFileLineKeyAndValue() throws IOException {
        assertContains(errorFor("cache.books.maxBytes=64MB"), "cache.books.maxBytes=64MB", "unknown size unit 'MB'");
        assertContains(errorFor("cache.books.maxBytes=lots"), "cache.books.maxBytes=lots", "not a size");
        assertContains(errorFor("cache.books.maxBytes=512KiB"), "512KiB", "at least 1 MiB");
        assertContains(errorFor("default.maxEntries=-5"), "default.maxEntries=-5", "not a whole number");
        assertContains(errorFor("default.maxEntries=0"), "default.maxEntries=0", "at least 1");
        assertContains(errorFor("default.expireAfterWrite=10 minutes"), "default.expireAfterWrite=10 minutes",
                "not a duration");
        assertContains(errorFor("default.expireAfterWrite=PT0S"), "PT0S", "at least 1 ms");
        assertContains(errorFor("default.maxEntrys=5"), "default.maxEntrys=5", "unknown setting 'maxEntrys'");
        assertContains(errorFor("maxEntries=5"), "maxEntries=5", "unknown key");
        assertContains(errorFor("cache.maxEntries=5"), "cache.maxEntries=5", "unknown key");
        assertContains(errorFor("default.persistTo=x.hmap"), "default.persistTo=x.hmap", "cache.<name>");
        assertContains(errorFor("default.statisticsEnabled=yes"), "yes", "not true or false");
        assertContains(errorFor("cache.big.transparentHugePages=on"), "cache.big.transparentHugePages=on",
                "not true or false");
        assertContains(errorFor("just some words"), "'just some words'", "expected key=value");
        assertContains(errorFor("default.maxEntries="), "no value");
        assertContains(errorFor("default.maxEntries=5\\"), "continuation");
    }

    @Test
    void badFile_twoCachesOnOneFile_orAKeySetTwice_fail() throws IOException {
        Path file = write("twice.properties", """
                cache.a.persistTo=x.hmap
                cache.b.persistTo=./x.hmap
                """);
        assertContains(assertThrows(CacheException.class, () -> manager(file)).getMessage(),
                "line 2", "caches a and b both name the file");
        Path other = write("dup.properties", "default.maxEntries=5\ndefault.maxEntries=6\n");
        assertContains(assertThrows(CacheException.class, () -> manager(other)).getMessage(),
                "line 2", "set twice (first on line 1)");
    }

    @Test
    void missingFile_orResource_fails() {
        Path missing = dir.resolve("nowhere.properties");
        assertContains(assertThrows(CacheException.class, () -> manager(missing)).getMessage(),
                missing.toString(), "no such file");
        assertContains(assertThrows(CacheException.class, () -> provider.getCacheManager(
                        URI.create("classpath:nowhere.properties"), getClass().getClassLoader())).getMessage(),
                "nowhere.properties", "no resource");
    }
}
