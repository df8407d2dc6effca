package dev.bgtasks.bench.chaos;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A restarted broker keeps an instance {@code RUNNING} while it waits for the task's host to reconnect (SPEC B3,
 * 10 s by default), even when that host died with the old broker: then it records {@code BROKER_LOST}. This
 * excuses such an instance for a grace period from when the suite first saw it with no process, so a kill cycle
 * need not sit out the window; past the grace it is a violation, and the final drain checks every instance ended.
 */
final class ReadoptGrace {
    private final long graceNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Long> firstSeen = new HashMap<>();

    ReadoptGrace(Duration grace, LongSupplier nanoClock) {
        this.graceNanos = grace.toNanos();
        this.nanoClock = nanoClock;
    }

    /** True while the instance is within its grace; the first call for an instance starts it. */
    synchronized boolean inGrace(String instanceId) {
        long now = nanoClock.getAsLong();
        long since = firstSeen.computeIfAbsent(instanceId, id -> now);
        return now - since <= graceNanos;
    }

    synchronized int watched() {
        return firstSeen.size();
    }
}
