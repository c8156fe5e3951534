package io.hmapstore.memory;

/**
 * What one release did to a region whose every page held the pattern: residency (mincore) and
 * process RSS just before and just after the call, then what every page read afterwards.
 */
record Observation(long residentBefore, long residentAfter, long rssBefore, long rssAfter,
                   RegionTestSupport.PageCounts pages) {

    /** Writes the pattern over the whole region, releases all of it with {@code policy}, and measures. */
    static Observation of(MappedRegion region, ReleasePolicy policy) {
        RegionTestSupport.writePattern(region.segment());
        long residentBefore = region.residentBytes(0, region.size());
        long rssBefore = RegionTestSupport.rss();
        region.release(0, region.size(), policy);
        // Residency first: reading the pages afterwards would fault them back in.
        long residentAfter = region.residentBytes(0, region.size());
        long rssAfter = RegionTestSupport.rss();
        return new Observation(residentBefore, residentAfter, rssBefore, rssAfter,
                RegionTestSupport.classify(region.segment()));
    }

    long rssDrop() {
        return rssBefore - rssAfter;
    }
}
