package io.hmapstore.jcache;

import java.util.function.Supplier;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

/**
 * A cache's {@link ExpiryPolicy}, asked as JSR-107 says and turned into the wall-clock expiry times
 * that {@link CacheRecord records} carry.
 *
 * <p>Implementation notes. JSR-107 asks the policy at three moments, and a missing answer means
 * something different at each:
 * <ul>
 *   <li>creation ({@link #onCreation}): a {@code null} duration, or a policy that throws, makes the
 *       entry eternal; a zero duration expires it at once, so the cache does not store it;</li>
 *   <li>access ({@link #onAccess}) and update ({@link #onUpdate}): {@code null}, or a policy that
 *       throws, leaves the expiry time as it was ({@link #UNCHANGED}).</li>
 * </ul>
 * That a throwing policy is tolerated, and which operations count as an access or an update, follow
 * the reference implementation, which the TCK was written against. A duration is added to the
 * clock at the moment of the operation; a sum that overflows is as good as eternal. An entry is
 * expired at and after its expiry millisecond ({@link CacheRecord#expired}).
 */
final class ExpiryRules {
    /** Returned by {@link #onAccess} and {@link #onUpdate}: leave the expiry time as it is. */
    static final long UNCHANGED = Long.MIN_VALUE;

    private final ExpiryPolicy policy;

    ExpiryRules(ExpiryPolicy policy) {
        this.policy = policy;
    }

    /** The policy itself, so that closing the cache can close it. */
    ExpiryPolicy policy() {
        return policy;
    }

    /** @return the wall clock in milliseconds, the scale of every expiry time */
    static long now() {
        return System.currentTimeMillis();
    }

    private static long at(Duration duration, long now) {
        if (duration.isEternal()) {
            return CacheRecord.NEVER;
        }
        long at = duration.getAdjustedTime(now);
        return at < now ? CacheRecord.NEVER : at; // overflow: as good as eternal
    }

    /** @return when an entry created at {@code now} expires (possibly at once) */
    long onCreation(long now) {
        Duration d;
        try {
            d = policy.getExpiryForCreation();
        } catch (RuntimeException e) {
            CacheResources.LOG.log(System.Logger.Level.DEBUG, "expiry policy failed on creation; entry is eternal", e);
            return CacheRecord.NEVER;
        }
        return d == null ? CacheRecord.NEVER : at(d, now);
    }

    /** @return when an entry read at {@code now} expires, or {@link #UNCHANGED} */
    long onAccess(long now) {
        return orUnchanged(policy::getExpiryForAccess, "access", now);
    }

    /** @return when an entry updated at {@code now} expires, or {@link #UNCHANGED} */
    long onUpdate(long now) {
        return orUnchanged(policy::getExpiryForUpdate, "update", now);
    }

    private long orUnchanged(Supplier<Duration> question, String moment, long now) {
        try {
            Duration d = question.get();
            return d == null ? UNCHANGED : at(d, now);
        } catch (RuntimeException e) {
            CacheResources.LOG.log(System.Logger.Level.DEBUG, "expiry policy failed on " + moment + "; expiry unchanged", e);
            return UNCHANGED;
        }
    }
}
