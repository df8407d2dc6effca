package dev.bgtasks.generic;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, checking at most 20 times a second; never sleeps for semantics. */
final class Await {
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails with {@code what} at the deadline. */
    static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            LockSupport.parkNanos(CHECK_NANOS);
        }
    }
}
