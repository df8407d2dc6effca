package dev.bgtasks.bench;

/**
 * Order statistics over an ascending array: the median and nearest-rank percentiles (no interpolation, so a
 * reported p95 is always a sample that was really measured).
 *
 * <pre>{@code
 * double[] sorted = {1, 2, 3, 4};
 * Percentiles.median(sorted);           // 2.5
 * Percentiles.nearestRank(sorted, 95);  // 4.0
 * }</pre>
 */
final class Percentiles {
    private Percentiles() {
    }

    /** The middle value, or the mean of the two middle values for an even count. */
    public static double median(double[] sorted) {
        requireSamples(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * The smallest sample with at least {@code percent} % of the samples at or below it.
     *
     * @param sorted ascending samples
     * @param percent in (0, 100]
     * @return that sample
     */
    public static double nearestRank(double[] sorted, double percent) {
        requireSamples(sorted);
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("a percentile must be in (0, 100], got " + percent);
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    private static void requireSamples(double[] sorted) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
    }
}
