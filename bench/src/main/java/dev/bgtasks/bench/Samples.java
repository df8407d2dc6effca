package dev.bgtasks.bench;

import java.util.Arrays;

/**
 * A fixed number of duration samples in nanoseconds, filled in order.
 *
 * <pre>{@code
 * Samples s = new Samples(100);
 * s.add(System.nanoTime() - start);
 * Summary summary = s.summary();
 * }</pre>
 */
final class Samples {
    private final long[] nanos;
    private int size;

    public Samples(int capacity) {
        this.nanos = new long[capacity];
    }

    /** Adds one sample; fails when full. */
    public void add(long durationNanos) {
        if (size == nanos.length) {
            throw new IllegalStateException("already " + size + " samples");
        }
        nanos[size++] = durationNanos;
    }

    public int size() {
        return size;
    }

    /** The spread of the samples added so far. */
    public Summary summary() {
        return Summary.ofNanos(Arrays.copyOf(nanos, size));
    }

    /** "median 1.2 ms, p95 3.4 ms". */
    public static String medianP95(Summary s) {
        return "median " + Numbers.format(s.medianMillis()) + " ms, p95 " + Numbers.format(s.p95Millis()) + " ms";
    }

    /** "p50 0.12 ms, p99 0.3 ms". */
    public static String p50P99(Summary s) {
        return "p50 " + Numbers.format(s.medianMillis()) + " ms, p99 " + Numbers.format(s.p99Millis()) + " ms";
    }
}
