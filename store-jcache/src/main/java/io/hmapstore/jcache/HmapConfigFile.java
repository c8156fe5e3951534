package io.hmapstore.jcache;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjLongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.CacheException;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;

/**
 * The cache settings a cache manager's URI names: the standard JCache route to configuration outside
 * code, which Hibernate ({@code hibernate.javax.cache.uri}) and Spring Boot
 * ({@code spring.cache.jcache.config}) take. Without it, the caches they create by name get
 * "provider-specific defaults", which here means unbounded.
 *
 * <pre>
 * # hmapstore-cache.properties
 * default.maxEntries=100_000                       # every cache created by name
 * default.expireAfterWrite=PT10M                   # ISO-8601, or 10m, 30s, 500ms, 2h, 1d, or eternal
 * cache.com.example.Book.maxEntries=50             # a named cache: its own section wins
 * cache.products.maxBytes=64MiB                    # bytes, or KiB, MiB, GiB, TiB
 * cache.products.persistTo=products.hmap           # relative to the file's folder
 * cache.products.transparentHugePages=true         # for a large cache: see HmapConfiguration
 * </pre>
 *
 * <p>Implementation notes. A URI is read as a file only when its scheme is {@code file}, {@code jar}
 * (what Hibernate and Spring make of a class-path resource) or {@code classpath}; any other URI stays a
 * name, as the provider's default URI is. The file is read once, when the manager is made, and every
 * value is checked then, so a typo fails the application's start rather than its first cache. The
 * format is a properties file read line by line (so an error can name its line): {@code key=value} or
 * {@code key: value}, {@code #} and {@code !} comment lines, a {@code #} after a space ending a value, no
 * continuation lines. A setting's name is the
 * key's last dot-separated part, so cache names may hold dots, as Hibernate's region names do.
 *
 * <p>A cache takes its section's settings over the default section's, and a value its configuration
 * set in code over both: the file fills in what code left unset (no bound, no file, the eternal expiry
 * policy, the default sizing hint, statistics off, no huge pages).
 */
final class HmapConfigFile {

    /** No file: caches get what their configuration says and nothing more. */
    static final HmapConfigFile NONE = new HmapConfigFile(new Settings(), Map.of());

    private static final String DEFAULT_PREFIX = "default.";
    private static final String CACHE_PREFIX = "cache.";
    private static final String KNOWN = "maxEntries, maxBytes, expireAfterWrite, persistTo, expectedEntries,"
            + " statisticsEnabled, transparentHugePages";
    private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s+#.*$");
    private static final Pattern SIZE = Pattern.compile("([0-9][0-9_]*)\\s*([a-zA-Z]*)");
    /** {@code expireAfterWrite=eternal}: a section that keeps the default section's expiry off its cache. */
    private static final Duration ETERNAL = Duration.ofSeconds(Long.MAX_VALUE);
    private static final Pattern SHORT_DURATION = Pattern.compile("([0-9][0-9_]*)\\s*(ms|s|m|h|d)");

    private final Settings defaults;
    private final Map<String, Settings> caches;

    private HmapConfigFile(Settings defaults, Map<String, Settings> caches) {
        this.defaults = defaults;
        this.caches = caches;
    }

    /**
     * Reads the file a cache manager's URI names, if it names one.
     *
     * @param uri the cache manager's URI
     * @param loader the class loader a {@code classpath:} URI is looked up in
     * @return the file's settings, or {@link #NONE} for a URI that is only a name
     * @throws CacheException if the file cannot be read or holds a bad line, naming the file and the line
     */
    static HmapConfigFile forUri(URI uri, ClassLoader loader) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> {
                Path file = Path.of(uri);
                yield parse(file.toString(), read(uri, () -> Files.newInputStream(file)),
                        file.toAbsolutePath().getParent());
            }
            case "jar" -> parse(uri.toString(), read(uri, () -> uri.toURL().openStream()), null);
            case "classpath" -> {
                String resource = uri.getSchemeSpecificPart().replaceFirst("^/+", "");
                URL url = loader.getResource(resource);
                if (url == null) {
                    throw new CacheException("cache configuration " + uri + ": no resource '" + resource
                            + "' on the class path of " + loader);
                }
                yield parse(uri.toString(), read(uri, url::openStream), null);
            }
            default -> NONE;
        };
    }

    /** Opens a stream; the one place the URI's kinds differ. */
    private interface Source {
        InputStream open() throws IOException;
    }

    private static String read(URI uri, Source source) {
        try (InputStream in = source.open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CacheException("cache configuration " + uri + ": no such file " + e.getFile(), e);
        } catch (IOException e) {
            throw new CacheException("cache configuration " + uri + " could not be read: " + e, e);
        }
    }

    /**
     * Parses a configuration's text.
     *
     * @param source what the text came from, for messages
     * @param text the file's contents
     * @param baseDir the folder relative {@code persistTo} paths are resolved against, or {@code null} for
     *     the working directory
     * @return the settings
     * @throws CacheException naming the source, the line, the key and the value of the first bad line
     */
    static HmapConfigFile parse(String source, String text, Path baseDir) {
        Settings defaults = new Settings();
        Map<String, Settings> caches = new HashMap<>();
        Map<String, Integer> seenKeys = new HashMap<>();
        Map<Path, String> files = new HashMap<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            Line line = new Line(source, i + 1, lines[i].strip());
            if (line.text.isEmpty() || line.text.startsWith("#") || line.text.startsWith("!")) {
                continue;
            }
            if (line.text.endsWith("\\")) {
                throw line.error("continuation lines are not supported; put the whole value on one line");
            }
            int separator = firstSeparator(line.text);
            if (separator < 0) {
                throw line.error("expected key=value");
            }
            line.key = line.text.substring(0, separator).strip();
            // A '#' after a space ends the value: the file's own examples comment their lines.
            line.value = TRAILING_COMMENT.matcher(line.text.substring(separator + 1)).replaceFirst("").strip();
            Integer earlier = seenKeys.putIfAbsent(line.key, line.number);
            if (earlier != null) {
                throw line.error("set twice (first on line " + earlier + ")");
            }
            String setting = line.key.substring(line.key.lastIndexOf('.') + 1);
            Settings target;
            String cacheName;
            if (line.key.startsWith(DEFAULT_PREFIX) && line.key.indexOf('.', DEFAULT_PREFIX.length()) < 0) {
                target = defaults;
                cacheName = null;
            } else if (line.key.startsWith(CACHE_PREFIX) && line.key.lastIndexOf('.') > CACHE_PREFIX.length()) {
                cacheName = line.key.substring(CACHE_PREFIX.length(), line.key.lastIndexOf('.'));
                target = caches.computeIfAbsent(cacheName, n -> new Settings());
            } else {
                throw line.error("unknown key; keys are default.<setting> or cache.<cache name>.<setting>,"
                        + " where a setting is one of " + KNOWN);
            }
            if (line.value.isEmpty()) {
                throw line.error("no value");
            }
            switch (setting) {
                case "maxEntries" -> target.maxEntries = line.check(count(line), HmapConfiguration::maxEntries);
                case "expectedEntries" -> target.expectedEntries =
                        line.check(count(line), HmapConfiguration::expectedEntries);
                case "maxBytes" -> target.maxBytes = line.check(size(line), HmapConfiguration::maxBytes);
                case "expireAfterWrite" -> target.expireAfterWrite = duration(line);
                case "statisticsEnabled" -> target.statisticsEnabled = bool(line);
                case "transparentHugePages" -> target.transparentHugePages = bool(line);
                case "persistTo" -> {
                    if (cacheName == null) {
                        throw line.error("a file holds one cache, so persistTo belongs in a cache.<name> section");
                    }
                    Path file = (baseDir == null ? Path.of(line.value) : baseDir.resolve(line.value))
                            .toAbsolutePath().normalize();
                    String other = files.putIfAbsent(file, cacheName);
                    if (other != null) {
                        throw line.error("caches " + other + " and " + cacheName + " both name the file " + file
                                + "; a file holds one cache");
                    }
                    target.persistTo = file;
                }
                default -> throw line.error("unknown setting '" + setting + "'; the settings are " + KNOWN);
            }
        }
        return new HmapConfigFile(defaults, Map.copyOf(caches));
    }

    private static int firstSeparator(String text) {
        int equals = text.indexOf('=');
        int colon = text.indexOf(':');
        return equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
    }

    private static long count(Line line) {
        if (!line.value.matches("[0-9][0-9_]*")) {
            throw line.error("not a whole number of entries");
        }
        return parseLong(line, line.value);
    }

    private static long size(Line line) {
        Matcher m = SIZE.matcher(line.value);
        if (!m.matches()) {
            throw line.error("not a size; write bytes, or a number with KiB, MiB, GiB or TiB (64MiB)");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 0;
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            case "tib" -> 40;
            default -> throw line.error("unknown size unit '" + m.group(2)
                    + "'; write bytes, or KiB, MiB, GiB or TiB (powers of 1024)");
        };
        long n = parseLong(line, m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw line.error("too large");
        }
        return n << shift;
    }

    private static long parseLong(Line line, String digits) {
        try {
            return Long.parseLong(digits.replace("_", ""));
        } catch (NumberFormatException e) {
            throw line.error("too large");
        }
    }

    private static Duration duration(Line line) {
        if (line.value.equals("eternal")) {
            return ETERNAL;
        }
        Duration d;
        Matcher m = SHORT_DURATION.matcher(line.value);
        if (m.matches()) {
            long n = parseLong(line, m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(line.value);
            } catch (DateTimeParseException e) {
                throw line.error("not a duration; write ISO-8601 (PT10M), a number with ms, s, m, h or d (10m),"
                        + " or eternal");
            }
        }
        if (d.isNegative() || d.toMillis() == 0) {
            throw line.error("an expiry must be at least 1 ms");
        }
        return d;
    }

    private static boolean bool(Line line) {
        return switch (line.value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw line.error("not true or false");
        };
    }

    /**
     * Fills in what a cache's configuration left unset from the file: its own section first, then the
     * default section.
     *
     * @param cacheName the cache being created
     * @param config its configuration, a copy the cache will own; changed in place
     * @param <K> key type
     * @param <V> value type
     * @return {@code config}
     */
    <K, V> HmapConfiguration<K, V> applyTo(String cacheName, HmapConfiguration<K, V> config) {
        Settings own = caches.getOrDefault(cacheName, new Settings());
        Long maxEntries = own.maxEntries != null ? own.maxEntries : defaults.maxEntries;
        Long maxBytes = own.maxBytes != null ? own.maxBytes : defaults.maxBytes;
        Long expected = own.expectedEntries != null ? own.expectedEntries : defaults.expectedEntries;
        Duration expiry = own.expireAfterWrite != null ? own.expireAfterWrite : defaults.expireAfterWrite;
        Boolean statistics = own.statisticsEnabled != null ? own.statisticsEnabled : defaults.statisticsEnabled;
        Boolean hugePages = own.transparentHugePages != null ? own.transparentHugePages : defaults.transparentHugePages;
        if (maxEntries != null && config.getMaxEntries() == 0) {
            config.maxEntries(maxEntries);
        }
        if (maxBytes != null && config.getMaxBytes() == 0) {
            config.maxBytes(maxBytes);
        }
        if (expected != null && config.getExpectedEntries() == HmapConfiguration.DEFAULT_EXPECTED_ENTRIES) {
            config.expectedEntries(expected);
        }
        if (own.persistTo != null && config.getPersistPath() == null) {
            config.persistTo(own.persistTo);
        }
        if (expiry != null && expiry != ETERNAL
                && config.getExpiryPolicyFactory().create() instanceof EternalExpiryPolicy) {
            // Written or updated, the entry lives this long: Caffeine's and Spring's expireAfterWrite.
            config.setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(
                    new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, expiry.toMillis())));
        }
        if (statistics != null && !config.isStatisticsEnabled()) {
            config.setStatisticsEnabled(statistics);
        }
        if (hugePages != null && !config.isTransparentHugePages()) {
            config.transparentHugePages(hugePages);
        }
        return config;
    }

    /** One section's settings; {@code null} where the section says nothing. */
    private static final class Settings {
        Long maxEntries;
        Long maxBytes;
        Long expectedEntries;
        Duration expireAfterWrite;
        Path persistTo;
        Boolean statisticsEnabled;
        Boolean transparentHugePages;
    }

    /** A line being parsed, which every error names. */
    private static final class Line {
        final String source;
        final int number;
        final String text;
        String key;
        String value;

        Line(String source, int number, String text) {
            this.source = source;
            this.number = number;
            this.text = text;
        }

        /** Runs the configuration's own check of a value, so the file's limits are the code's. */
        long check(long parsed, ObjLongConsumer<HmapConfiguration<Object, Object>> setter) {
            try {
                setter.accept(new HmapConfiguration<>(), parsed);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
            return parsed;
        }

        CacheException error(String what) {
            String where = key == null ? "'" + text + "'" : key + "=" + value;
            return new CacheException("cache configuration " + source + ", line " + number + ": " + where + ": "
                    + what);
        }
    }
}
