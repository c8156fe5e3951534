package io.hmapstore.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hmapstore.memory.MappedRegion;
import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.cache.CacheManager;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hibernate ORM 7's second-level and query caches through this provider, configured as a user would:
 * the four cache properties and {@code hibernate.javax.cache.uri} naming the class-path file
 * {@code hmapstore-hibernate.properties}, which bounds the {@code books} region to 50 entries. Hits are
 * read from Hibernate's statistics; that a region stays in its bound, from the JCache cache under it.
 */
class HibernateCacheTest {

    /** An entity in a bounded region, with a cached collection. */
    @Entity(name = "Book")
    @Cacheable
    @Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "books")
    public static class Book {
        @Id
        Long id;
        String title;
        @OneToMany(mappedBy = "book", fetch = FetchType.LAZY)
        @Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "book-chapters")
        Set<Chapter> chapters = new HashSet<>();

        /** For Hibernate. */
        public Book() {
        }

        Book(long id, String title) {
            this.id = id;
            this.title = title;
        }
    }

    /** The collection's element, cached in its own region (the file's default section). */
    @Entity(name = "Chapter")
    @Cacheable
    @Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "chapters")
    public static class Chapter {
        @Id
        Long id;
        String title;
        @ManyToOne(fetch = FetchType.LAZY)
        Book book;

        /** For Hibernate. */
        public Chapter() {
        }

        Chapter(long id, String title, Book book) {
            this.id = id;
            this.title = title;
            this.book = book;
        }
    }

    private long regionsBefore;
    private SessionFactory sessions;
    private Statistics stats;

    @BeforeEach
    void open() {
        regionsBefore = MappedRegion.openRegions();
        sessions = new Configuration()
                .addAnnotatedClass(Book.class)
                .addAnnotatedClass(Chapter.class)
                .setProperty("hibernate.connection.url", "jdbc:h2:mem:hibernate-cache-test;DB_CLOSE_DELAY=-1")
                .setProperty("hibernate.hbm2ddl.auto", "create-drop")
                .setProperty("hibernate.generate_statistics", "true")
                // What store-jcache/README.md tells a Hibernate user to set.
                .setProperty("hibernate.cache.use_second_level_cache", "true")
                .setProperty("hibernate.cache.use_query_cache", "true")
                .setProperty("hibernate.cache.region.factory_class", "jcache")
                .setProperty("hibernate.javax.cache.provider", HmapCachingProvider.class.getName())
                .setProperty("hibernate.javax.cache.uri", "hmapstore-hibernate.properties")
                .setProperty("hibernate.javax.cache.missing_cache_strategy", "create")
                .setProperty("hibernate.cache.auto_evict_collection_cache", "true")
                .buildSessionFactory();
        stats = sessions.getStatistics();
        inTransaction(s -> {
            Book book = new Book(1, "Dune");
            s.persist(book);
            for (long c = 1; c <= 3; c++) {
                s.persist(new Chapter(c, "chapter " + c, book));
            }
        });
    }

    @AfterEach
    void close() {
        sessions.close();
        assertEquals(regionsBefore, MappedRegion.openRegions(), "closing Hibernate unmapped every region's store");
    }

    private void inTransaction(Consumer<Session> work) {
        sessions.inTransaction(work);
    }

    private <T> T inSession(Function<Session, T> work) {
        return sessions.fromSession(work);
    }

    private CacheManager cacheManager() {
        SessionFactoryImplementor factory = (SessionFactoryImplementor) sessions;
        return ((JCacheRegionFactory) factory.getCache().getRegionFactory()).getCacheManager();
    }

    private HmapCache<?, ?> region(String name) {
        javax.cache.Cache<Object, Object> cache = cacheManager().getCache(name);
        assertNotNull(cache, () -> "region " + name);
        return cache.unwrap(HmapCache.class);
    }

    @Test
    void regions_areHmapCaches_madeFromTheConfigurationFile() {
        assertEquals("file", cacheManager().getURI().getScheme(), "Hibernate turned the resource into a file URI");
        assertTrue(cacheManager().getURI().getPath().endsWith("/hmapstore-hibernate.properties"));
        assertEquals(50, ProviderTestBase.configurationOf(region("books")).getMaxEntries());
        assertEquals(10_000, ProviderTestBase.configurationOf(region("chapters")).getMaxEntries(), "the default section");
        assertEquals(10_000, ProviderTestBase.configurationOf(region("book-chapters")).getMaxEntries());
    }

    @Test
    void entity_isReadFromTheCache_withoutSql() {
        stats.clear();
        assertEquals("Dune", inSession(s -> s.find(Book.class, 1L).title));
        assertEquals(1, stats.getDomainDataRegionStatistics("books").getHitCount());
        assertEquals(0, stats.getPrepareStatementCount(), "no SQL for a cached entity");
    }

    @Test
    void collection_isCachedAfterItsFirstLoad() {
        assertEquals(3, (int) inSession(s -> s.find(Book.class, 1L).chapters.size()));
        stats.clear();
        assertEquals(Set.of("chapter 1", "chapter 2", "chapter 3"), inSession(s -> titles(s.find(Book.class, 1L))));
        assertEquals(1, stats.getDomainDataRegionStatistics("book-chapters").getHitCount());
        assertEquals(3, stats.getDomainDataRegionStatistics("chapters").getHitCount());
        assertEquals(0, stats.getPrepareStatementCount(), "book, collection and chapters all from the cache");
    }

    private static Set<String> titles(Book book) {
        Set<String> titles = new HashSet<>();
        for (Chapter c : book.chapters) {
            titles.add(c.title);
        }
        return titles;
    }

    @Test
    void update_isSeenThroughTheCache() {
        inTransaction(s -> s.find(Book.class, 1L).title = "Dune Messiah");
        stats.clear();
        assertEquals("Dune Messiah", inSession(s -> s.find(Book.class, 1L).title));
        assertEquals(1, stats.getDomainDataRegionStatistics("books").getHitCount(), "the updated entry is cached");
        assertEquals(0, stats.getPrepareStatementCount());
    }

    @Test
    void delete_isSeenThroughTheCache_byTheEntityAndTheCollection() {
        assertEquals(3, (int) inSession(s -> s.find(Book.class, 1L).chapters.size()));
        // Deleting the owning side; auto_evict_collection_cache (set above) evicts the cached
        // inverse collection, which Hibernate otherwise leaves to the application (the JSR-107
        // reference implementation under Hibernate shows the same stale collection without it).
        inTransaction(s -> s.remove(s.find(Chapter.class, 2L)));
        assertNull(inSession(s -> s.find(Chapter.class, 2L)));
        assertEquals(Set.of("chapter 1", "chapter 3"), inSession(s -> titles(s.find(Book.class, 1L))));
    }

    private List<String> cachedQuery(Session s) {
        return s.createSelectionQuery("select b.title from Book b order by b.id", String.class)
                .setCacheable(true)
                .getResultList();
    }

    @Test
    void query_isAnsweredFromTheQueryCache_untilATableChanges() {
        assertEquals(List.of("Dune"), inSession(this::cachedQuery));
        stats.clear();
        assertEquals(List.of("Dune"), inSession(this::cachedQuery));
        assertEquals(1, stats.getQueryCacheHitCount());
        assertEquals(0, stats.getPrepareStatementCount());

        inTransaction(s -> s.persist(new Book(2, "Children of Dune")));
        stats.clear();
        assertEquals(List.of("Dune", "Children of Dune"), inSession(this::cachedQuery),
                "the insert made the cached result stale (update timestamps region)");
        assertEquals(0, stats.getQueryCacheHitCount());
        assertEquals(1, stats.getQueryCacheMissCount());
    }

    @Test
    void boundedRegion_neverHoldsMoreThanTheFileSays_andEveryRowStillReadsRight() {
        HmapCache<?, ?> books = region("books");
        for (long id = 100; id < 400; id++) {
            long bookId = id;
            inTransaction(s -> s.persist(new Book(bookId, "book " + bookId)));
            assertTrue(books.size() <= 50, () -> "books region holds " + books.size() + " after book " + bookId);
        }
        for (long id = 100; id < 400; id++) {
            long bookId = id;
            assertEquals("book " + bookId, inSession(s -> s.find(Book.class, bookId).title));
            assertTrue(books.size() <= 50, () -> "books region holds " + books.size() + " after reading " + bookId);
        }
        assertTrue(books.storeStats().evictions() >= 250, () -> "evictions: " + books.storeStats().evictions());
        assertTrue(stats.getDomainDataRegionStatistics("books").getMissCount() >= 250,
                "books evicted from the bound were read from the database");
    }
}
