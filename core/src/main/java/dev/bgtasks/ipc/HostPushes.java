package dev.bgtasks.ipc;

import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.util.function.Consumer;

/**
 * What the broker pushes to a task host's connection ({@code cancel}, a standby's {@code take}), held back until
 * the host's {@code hello-ok} is queued: the broker may push from its own thread before the attach has answered,
 * and the host must read {@code hello-ok} first. Thread-safe.
 *
 * <pre>{@code
 * HostPushes pushes = new HostPushes(connection::send);
 * pushes.cancel(reason);                      // before hello-ok: kept
 * pushes.opened(ServerFrames.helloOk(a));     // hello-ok, then what was kept, in a fixed order
 * }</pre>
 */
final class HostPushes {
    private final Consumer<byte[]> send;
    private boolean opened;
    /** A standby's {@code take} that came before its hello-ok was queued. */
    private byte[] earlyTake;
    private BackgroundTaskCancellationReason earlyCancel;

    HostPushes(Consumer<byte[]> send) {
        this.send = send;
    }

    /** Queues the hello answer, then a take and a cancellation that came before it, in that order. */
    synchronized void opened(byte[] helloAnswer) {
        send.accept(helloAnswer);
        opened = true;
        if (earlyTake != null) {
            send.accept(earlyTake);
        }
        if (earlyCancel != null) {
            send.accept(ServerFrames.cancel(earlyCancel));
        }
    }

    /** SPEC X6: the instance is cancelled. Called under the broker's lock, so it only queues. */
    synchronized void cancel(BackgroundTaskCancellationReason reason) {
        if (!opened) {
            earlyCancel = reason;
            return;
        }
        send.accept(ServerFrames.cancel(reason));
    }

    /** SPEC W1: the standby's instance, as its {@code take} frame. */
    synchronized void take(byte[] frame) {
        if (!opened) {
            earlyTake = frame;
            return;
        }
        send.accept(frame);
    }
}
