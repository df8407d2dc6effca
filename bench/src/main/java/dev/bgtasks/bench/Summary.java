package dev.bgtasks.bench;

/**
 * The spread of one series of samples, in milliseconds.
 *
 * <pre>{@code
 * Summary s = Summary.ofNanos(new long[] {1_000_000, 2_000_000, 3_000_000});
 * s.medianMillis();   // 2.0
 * }</pre>
 *
 * @param count how many samples
 * @param medianMillis the median (the mean of the two middle samples for an even count)
 * @param p95Millis the 95th percentile (nearest rank)
 * @param p99Millis the 99th percentile (nearest rank)
 * @param minMillis the smallest sample
 * @param maxMillis the largest sample
 * @param meanMillis the arithmetic mean
 */
record Summary(int count, double medianMillis, double p95Millis, double p99Millis, double minMillis,
                      double maxMillis, double meanMillis) {
    private static final double NANOS_PER_MILLI = 1e6;

    /** Summarizes durations given in nanoseconds; fails on an empty series. */
    public static Summary ofNanos(long[] nanos) {
        double[] millis = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            millis[i] = nanos[i] / NANOS_PER_MILLI;
        }
        return ofMillis(millis);
    }

    /** Summarizes values given in milliseconds; fails on an empty series. */
    public static Summary ofMillis(double[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("no samples: nothing to summarize");
        }
        double[] sorted = millis.clone();
        java.util.Arrays.sort(sorted);
        double sum = 0;
        for (double value : sorted) {
            sum += value;
        }
        return new Summary(sorted.length, Percentiles.median(sorted), Percentiles.nearestRank(sorted, 95),
                Percentiles.nearestRank(sorted, 99), sorted[0], sorted[sorted.length - 1], sum / sorted.length);
    }
}
