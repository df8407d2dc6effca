package dev.bgtasks.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * What the broker keeps of ended work, and for how long (SPEC B7). Per registration it keeps the newest {@code
 * keepEnded} ended instances and none that ended more than {@code maxAge} ago; pending and running instances are
 * always kept, and so is a completion no listener has received yet, until it is {@code maxAge} old (then it is
 * dropped with a log line). A pruned instance's run log goes with it, and a run log keeps at most {@code
 * runLogMaxBytes}: its head and its tail, with the cut marked in the file.
 *
 * <pre>{@code
 * BrokerConfig.builder().home(dir).platform(platform)
 *         .retention(new Retention(20, Duration.ofDays(7), Retention.DEFAULT_RUN_LOG_MAX_BYTES)).build();
 * }</pre>
 *
 * @param keepEnded how many ended instances to keep per registration, at least 1
 * @param maxAge how long an ended instance is kept at most, at least a minute
 * @param runLogMaxBytes the largest run log, at least 16 KiB
 */
public record Retention(int keepEnded, Duration maxAge, long runLogMaxBytes) {
    public static final int DEFAULT_KEEP_ENDED = 100;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    public static final long DEFAULT_RUN_LOG_MAX_BYTES = 1024L * 1024;
    /** The defaults: 100 ended instances per registration, 30 days, run logs of 1 MiB. */
    public static final Retention DEFAULT = new Retention(DEFAULT_KEEP_ENDED, DEFAULT_MAX_AGE,
            DEFAULT_RUN_LOG_MAX_BYTES);
    private static final long MIN_RUN_LOG_BYTES = 16 * 1024;

    public Retention {
        Objects.requireNonNull(maxAge, "maxAge");
        if (keepEnded < 1) {
            throw new IllegalArgumentException("keepEnded must be at least 1, not " + keepEnded);
        }
        if (maxAge.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("maxAge must be at least a minute, not " + maxAge);
        }
        if (runLogMaxBytes < MIN_RUN_LOG_BYTES) {
            throw new IllegalArgumentException("runLogMaxBytes must be at least " + MIN_RUN_LOG_BYTES + ", not "
                    + runLogMaxBytes);
        }
    }

    public Retention withKeepEnded(int value) {
        return new Retention(value, maxAge, runLogMaxBytes);
    }

    public Retention withMaxAge(Duration value) {
        return new Retention(keepEnded, value, runLogMaxBytes);
    }

    public Retention withRunLogMaxBytes(long value) {
        return new Retention(keepEnded, maxAge, value);
    }
}
