package dev.bgtasks.broker;

/**
 * The broker's line to a connected standby task host (SPEC W1): how it is handed an instance, and, once it runs
 * one, how it learns of a cancellation.
 *
 * <pre>{@code
 * broker.attachStandby(token, new StandbyControl() {
 *     public void take(HostAttachment a, String resultFile) { connection.send(takeFrame(a, resultFile)); }
 *     public void cancel(BackgroundTaskCancellationReason r) { connection.send(cancelFrame(r)); }
 * });
 * }</pre>
 */
public interface StandbyControl extends HostControl {
    /**
     * Hands the standby its instance. Called under the broker's lock: it must not block, it queues the frame.
     *
     * @param attachment what a cold-started host learns when it attaches
     * @param resultFile where the host leaves how its run ended (SPEC B5), or null for none
     */
    void take(HostAttachment attachment, String resultFile);
}
