package dev.bgtasks.macos.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * When the watchdog samples a task's process group next: the closer the group is to a limit, the sooner. Far from
 * every limit it samples every {@code far} interval; from {@code midFraction} of a limit on every {@code mid};
 * from {@code nearFraction} on every {@code near}. It also samples at {@code near} during the first {@code far}
 * interval after launch (nothing is known about the growth yet, and programs grow fastest at start), and tightens
 * when the growth since the last sample would reach a limit before the interval it picked is over.
 *
 * <pre>{@code
 * WatchdogPolicy policy = WatchdogPolicy.DEFAULT;      // 200 ms, 50 ms from 50 %, 10 ms from 80 %
 * Duration next = policy.nextDelay(0.85, 0.84, 10_000_000L, 5_000_000_000L);   // 10 ms
 * }</pre>
 *
 * @param far the interval far from every limit
 * @param mid the interval from {@code midFraction} of a limit
 * @param near the interval from {@code nearFraction} of a limit, after launch and when a limit is close in time
 * @param midFraction the share of a limit where {@code mid} starts
 * @param nearFraction the share of a limit where {@code near} starts
 */
record WatchdogPolicy(Duration far, Duration mid, Duration near, double midFraction, double nearFraction) {
    /** 200 ms far away, 50 ms from 50 % of a limit, 10 ms from 80 %. */
    static final WatchdogPolicy DEFAULT = new WatchdogPolicy(Duration.ofMillis(200), Duration.ofMillis(50),
            Duration.ofMillis(10), 0.5, 0.8);

    WatchdogPolicy {
        Objects.requireNonNull(far, "far");
        Objects.requireNonNull(mid, "mid");
        Objects.requireNonNull(near, "near");
        if (near.isNegative() || near.isZero() || near.compareTo(mid) > 0 || mid.compareTo(far) > 0) {
            throw new IllegalArgumentException("intervals must be positive and near <= mid <= far, got near " + near
                    + ", mid " + mid + ", far " + far);
        }
        if (!(midFraction > 0 && midFraction <= nearFraction && nearFraction < 1)) {
            throw new IllegalArgumentException("fractions must satisfy 0 < mid <= near < 1, got mid " + midFraction
                    + ", near " + nearFraction);
        }
    }

    /**
     * The delay before the next sample for one limit.
     *
     * @param fraction the group's use now as a share of the limit (0 when there is no limit)
     * @param previousFraction the share at the previous sample, negative before the first
     * @param sinceLastNanos nanoseconds since the previous sample
     * @param sinceStartNanos nanoseconds since the watchdog took the group on
     */
    Duration nextDelay(double fraction, double previousFraction, long sinceLastNanos, long sinceStartNanos) {
        if (sinceStartNanos < far.toNanos() || fraction >= nearFraction) {
            return near;
        }
        Duration band = fraction >= midFraction ? mid : far;
        if (previousFraction >= 0 && sinceLastNanos > 0 && fraction > previousFraction) {
            double perNano = (fraction - previousFraction) / sinceLastNanos;
            double nanosToLimit = (1.0 - fraction) / perNano;
            if (nanosToLimit < band.toNanos()) {
                return nanosToLimit > mid.toNanos() ? mid : near;
            }
        }
        return band;
    }

    /** For {@code describe()}: the intervals and where they change. */
    String describe() {
        return "every " + far.toMillis() + " ms, " + mid.toMillis() + " ms from " + Math.round(midFraction * 100)
                + " % of a limit, " + near.toMillis() + " ms from " + Math.round(nearFraction * 100)
                + " %, in the first " + far.toMillis() + " ms and when the growth would reach a limit sooner";
    }
}
