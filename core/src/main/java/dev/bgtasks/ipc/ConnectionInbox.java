package dev.bgtasks.ipc;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * What one connection received and has not handled yet, handled in order on a shared pool, one piece at a time:
 * the connection's requests and its end keep their order without a thread of their own. When {@code maxQueued}
 * pieces wait, the connection stops reading (its peer's further frames wait in the socket) until half are done.
 *
 * <pre>{@code
 * ConnectionInbox inbox = new ConnectionInbox(workers, 32, reading);
 * inbox.add(() -> handle(frame));   // the I/O thread
 * inbox.stopReading();              // for good: the connection is ending
 * }</pre>
 */
final class ConnectionInbox {
    /** Turns the connection's reading off and on; called under the inbox's lock, so each only flags. */
    interface Reading {
        void pause();

        void resume();
    }

    /** Pieces handled in one turn on a worker before the other connections get theirs. */
    private static final int PER_TURN = 16;

    private final Executor executor;
    private final int maxQueued;
    private final Reading reading;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean paused;
    private boolean stopped;

    ConnectionInbox(Executor executor, int maxQueued, Reading reading) {
        this.executor = executor;
        this.maxQueued = maxQueued;
        this.reading = reading;
    }

    /** Runs {@code work} after everything added before it, on the executor. */
    void add(Runnable work) {
        synchronized (queue) {
            queue.add(work);
            if (queue.size() >= maxQueued && !paused) {
                paused = true;
                reading.pause();
            }
            if (draining) {
                return;
            }
            draining = true;
        }
        executor.execute(this::drain);
    }

    /** The connection reads no more, however short the queue gets. */
    void stopReading() {
        synchronized (queue) {
            stopped = true;
            reading.pause();
        }
    }

    private void drain() {
        for (int i = 0; i < PER_TURN; i++) {
            Runnable work;
            synchronized (queue) {
                work = queue.poll();
                if (work == null) {
                    draining = false;
                    return;
                }
                if (paused && queue.size() <= maxQueued / 2) {
                    paused = false;
                    if (!stopped) {
                        reading.resume();
                    }
                }
            }
            work.run();
        }
        executor.execute(this::drain);
    }
}
