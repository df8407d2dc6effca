package dev.bgtasks;

import java.time.Duration;
import java.util.Objects;

/**
 * How a registration's instance is run again after an attempt that asked for it (SPEC P1): a Java task through
 * {@code instance.requestRetry()}, a command by exiting 75 ({@code EX_TEMPFAIL}), and, when the policy says so, an
 * attempt that could not start ({@code LAUNCH_FAILED}) or that a broker restart lost ({@code BROKER_LOST}).
 * Every attempt runs as the same instance: {@code requestAsync} answers {@code CURRENTLY_RUNNING} between attempts
 * and the app hears one completion, for the last attempt.
 *
 * <pre>{@code
 * bg.newTask().name("upload").command(List.of("/usr/bin/upload"))
 *         .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(30), Duration.ofMinutes(10), 5)
 *                 .retryingLaunchFailures().retryingBrokerLost())
 *         .setTrigger(bg.applicationTrigger()).register();
 * }</pre>
 *
 * <p>The wait after attempt {@code n} (1-based) is {@code initialDelay * n} for {@link Backoff#LINEAR} and
 * {@code initialDelay * 2^(n-1)} for {@link Backoff#EXPONENTIAL}, never more than {@code maxDelay}. It is measured
 * on the broker's clock from the attempt's end; the next attempt still waits for the registration's conditions.
 *
 * @param backoff how the wait grows
 * @param initialDelay the wait after the first attempt; at least one millisecond
 * @param maxDelay the longest wait; not below {@code initialDelay}
 * @param maxAttempts attempts in all, the first included; 1 means never again, at most {@value #MAX_ATTEMPTS}
 * @param retryLaunchFailed whether an attempt that ended {@code LAUNCH_FAILED} is retried
 * @param retryBrokerLost whether an attempt that ended {@code BROKER_LOST} is retried
 */
public record RetryPolicy(Backoff backoff, Duration initialDelay, Duration maxDelay, int maxAttempts,
                          boolean retryLaunchFailed, boolean retryBrokerLost) {
    /** The most attempts a policy may allow. */
    public static final int MAX_ATTEMPTS = 100;

    /** How the wait between attempts grows. */
    public enum Backoff {
        /** {@code initialDelay * n} after attempt {@code n}. */
        LINEAR,
        /** {@code initialDelay * 2^(n-1)} after attempt {@code n}. */
        EXPONENTIAL
    }

    /**
     * Checks the policy.
     *
     * @param backoff how the wait grows
     * @param initialDelay the wait after the first attempt; at least one millisecond
     * @param maxDelay the longest wait; not below {@code initialDelay}
     * @param maxAttempts attempts in all, the first included; 1 means never again, at most {@value #MAX_ATTEMPTS}
     * @param retryLaunchFailed whether an attempt that ended {@code LAUNCH_FAILED} is retried
     * @param retryBrokerLost whether an attempt that ended {@code BROKER_LOST} is retried
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.toMillis() < 1) {
            throw new IllegalArgumentException("initialDelay must be at least 1 ms, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is below initialDelay " + initialDelay);
        }
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("maxAttempts must be 1 to " + MAX_ATTEMPTS + ", was " + maxAttempts);
        }
    }

    /**
     * A linear policy that retries only what the task asks for.
     *
     * @param initialDelay the wait after the first attempt
     * @param maxDelay the longest wait
     * @param maxAttempts attempts in all, the first included
     * @return the policy
     */
    public static RetryPolicy linear(Duration initialDelay, Duration maxDelay, int maxAttempts) {
        return new RetryPolicy(Backoff.LINEAR, initialDelay, maxDelay, maxAttempts, false, false);
    }

    /**
     * An exponential policy that retries only what the task asks for.
     *
     * @param initialDelay the wait after the first attempt
     * @param maxDelay the longest wait
     * @param maxAttempts attempts in all, the first included
     * @return the policy
     */
    public static RetryPolicy exponential(Duration initialDelay, Duration maxDelay, int maxAttempts) {
        return new RetryPolicy(Backoff.EXPONENTIAL, initialDelay, maxDelay, maxAttempts, false, false);
    }

    /** {@return this policy, also retrying an attempt that could not start ({@code LAUNCH_FAILED})} */
    public RetryPolicy retryingLaunchFailures() {
        return new RetryPolicy(backoff, initialDelay, maxDelay, maxAttempts, true, retryBrokerLost);
    }

    /** {@return this policy, also retrying an attempt a broker restart lost ({@code BROKER_LOST})} */
    public RetryPolicy retryingBrokerLost() {
        return new RetryPolicy(backoff, initialDelay, maxDelay, maxAttempts, retryLaunchFailed, true);
    }

    /**
     * The wait after an attempt.
     *
     * @param attempt the attempt that just ended, 1 for the first
     * @return the backoff before attempt {@code attempt + 1}, at most {@code maxDelay}
     */
    public Duration delayAfter(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        long factor = backoff == Backoff.LINEAR ? attempt : 1L << Math.min(attempt - 1, 62);
        long maxMillis = maxDelay.toMillis();
        long initialMillis = initialDelay.toMillis();
        // Compared before multiplying, so a long run of attempts cannot overflow.
        if (factor > maxMillis / initialMillis) {
            return maxDelay;
        }
        Duration delay = initialDelay.multipliedBy(factor);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
