package dev.bgtasks.host;

import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Canceled} event of one instance: it fires at most once, with one reason, and reaches late listeners
 * too (SPEC X6).
 */
final class CancellationSignal {

    private final UUID instanceId;
    private final Object lock = new Object();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private BackgroundTaskCancellationReason reason;

    CancellationSignal(UUID instanceId) {
        this.instanceId = instanceId;
    }

    /**
     * Records the cancellation and calls every subscribed listener with {@code cancelReason}.
     *
     * @return false if the instance was already cancelled; then nothing is called
     */
    boolean cancel(BackgroundTaskCancellationReason cancelReason) {
        Objects.requireNonNull(cancelReason, "reason");
        List<Subscription> toCall;
        synchronized (lock) {
            if (reason != null) {
                return false;
            }
            reason = cancelReason;
            toCall = new ArrayList<>(subscriptions);
            subscriptions.clear();
        }
        // Listeners run outside the lock: one that subscribes or closes from inside its callback must not deadlock.
        Error firstError = null;
        for (Subscription subscription : toCall) {
            try {
                subscription.deliver(cancelReason);
            } catch (Error e) {
                // An Error is not ours to swallow, but it must not rob the remaining listeners of the event.
                if (firstError == null) {
                    firstError = e;
                } else {
                    firstError.addSuppressed(e);
                }
            }
        }
        if (firstError != null) {
            throw firstError;
        }
        return true;
    }

    AutoCloseable subscribe(Consumer<BackgroundTaskCancellationReason> listener) {
        Subscription subscription = new Subscription(Objects.requireNonNull(listener, "listener"));
        BackgroundTaskCancellationReason recorded;
        synchronized (lock) {
            recorded = reason;
            if (recorded == null) {
                subscriptions.add(subscription);
                return subscription;
            }
        }
        subscription.deliver(recorded);
        return subscription;
    }

    private final class Subscription implements AutoCloseable {
        private final Consumer<BackgroundTaskCancellationReason> listener;
        // Set once delivered or closed, whichever comes first: a listener is never called twice nor after close.
        private final AtomicBoolean done = new AtomicBoolean();

        Subscription(Consumer<BackgroundTaskCancellationReason> listener) {
            this.listener = listener;
        }

        void deliver(BackgroundTaskCancellationReason cancelReason) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            try {
                listener.accept(cancelReason);
            } catch (RuntimeException e) {
                Log.LOG.warn("onCanceled listener of instance {} threw on {}", instanceId, cancelReason, e);
            }
        }

        @Override
        public void close() {
            done.set(true);
            synchronized (lock) {
                subscriptions.remove(this);
            }
        }
    }

    /** SLF4J starts with the first line logged, not with this class: a task host's start logs nothing (issue 15). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(CancellationSignal.class);
    }
}
