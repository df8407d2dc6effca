package dev.bgtasks.bench.chaos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the suite must undo even when its JVM is stopped by a signal (bench/chaos's trap sends SIGTERM, which runs
 * shutdown hooks but no {@code finally} block): brokers, their task processes and homes, mounts, app processes.
 * Each holder registers itself when made and unregisters when it has cleaned up normally.
 */
final class Cleanups {
    private static final Deque<AutoCloseable> PENDING = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Cleanups::runAll, "chaos-cleanup"));
    }

    private Cleanups() {
    }

    static synchronized void register(AutoCloseable resource) {
        PENDING.push(resource);
    }

    static synchronized void unregister(AutoCloseable resource) {
        PENDING.remove(resource);
    }

    /** Closes what is still registered, newest first (a broker before the mount under it). */
    static void runAll() {
        List<AutoCloseable> left;
        synchronized (Cleanups.class) {
            left = new ArrayList<>(PENDING);
            PENDING.clear();
        }
        for (AutoCloseable resource : left) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("chaos: cleanup of " + resource + " failed: " + e);
            }
        }
    }
}
