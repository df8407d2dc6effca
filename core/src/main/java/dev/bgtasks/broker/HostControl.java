package dev.bgtasks.broker;

import dev.bgtasks.task.BackgroundTaskCancellationReason;

/**
 * The broker's line to a connected task host: how a Java task learns it was cancelled.
 *
 * <pre>{@code
 * broker.attachHost(token, reason -> connection.send(new CancelFrame(reason)));
 * }</pre>
 */
@FunctionalInterface
public interface HostControl {
    /** Must not block: it queues the cancellation for the host. */
    void cancel(BackgroundTaskCancellationReason reason);
}
