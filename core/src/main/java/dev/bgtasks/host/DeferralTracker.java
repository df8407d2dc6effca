package dev.bgtasks.host;

import dev.bgtasks.task.BackgroundTaskDeferral;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the open deferrals of one instance and decides when it is settled: {@code run} has returned and no
 * deferral is open (SPEC X3), or the runner gave up waiting.
 */
final class DeferralTracker {
    private final Lock lock = new ReentrantLock();
    private final Condition settledCondition = lock.newCondition();
    private int open;
    private boolean runReturned;
    private boolean settled;

    /**
     * Opens a deferral. Allowed while {@code run} executes, and after it only while another deferral still holds
     * the instance open: once settled, the completion has been (or is being) reported and cannot be taken back.
     */
    BackgroundTaskDeferral take() {
        lock.lock();
        try {
            if (settled) {
                throw new IllegalStateException("the instance has completed; no deferral can be taken");
            }
            open++;
        } finally {
            lock.unlock();
        }
        return new Deferral();
    }

    /**
     * Marks {@code run} as returned and blocks until every deferral is completed. On interrupt the instance is
     * settled anyway, so deferrals completed later stay no-ops and none can be taken.
     */
    void awaitSettled() throws InterruptedException {
        lock.lock();
        try {
            runReturned = true;
            settleIfDone();
            while (!settled) {
                try {
                    settledCondition.await();
                } catch (InterruptedException e) {
                    settled = true;
                    throw e;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Settles without waiting, for a {@code run} that threw: its deferrals no longer matter. */
    void abandon() {
        lock.lock();
        try {
            runReturned = true;
            settled = true;
            settledCondition.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int openCount() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        lock.lock();
        try {
            open--;
            settleIfDone();
        } finally {
            lock.unlock();
        }
    }

    private void settleIfDone() {
        if (runReturned && open == 0 && !settled) {
            settled = true;
            settledCondition.signalAll();
        }
    }

    private final class Deferral implements BackgroundTaskDeferral {
        private final AtomicBoolean completed = new AtomicBoolean();

        @Override
        public void complete() {
            // Only the first call counts (SPEC X3); a deferral completed after the instance settled changes nothing.
            if (completed.compareAndSet(false, true)) {
                release();
            }
        }
    }
}
