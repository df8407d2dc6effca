package dev.bgtasks.broker;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.util.UUID;

/**
 * What the broker pushes to an app's subscribers.
 *
 * <pre>{@code
 * broker.subscribe(appId, event -> {
 *     if (event instanceof AppEvent.Progress p) { bar.setValue(p.progress()); }
 * });
 * }</pre>
 */
public sealed interface AppEvent {
    UUID taskId();

    UUID instanceId();

    /**
     * A task reported progress (SPEC X2).
     *
     * @param taskId the registration
     * @param instanceId the instance
     * @param progress 0 to 100
     */
    record Progress(UUID taskId, UUID instanceId, int progress) implements AppEvent {
    }

    /**
     * An instance was cancelled (SPEC X6).
     *
     * @param taskId the registration
     * @param instanceId the instance
     * @param reason why
     */
    record Canceled(UUID taskId, UUID instanceId, BackgroundTaskCancellationReason reason) implements AppEvent {
    }

    /**
     * An instance completed; stored before it is sent (SPEC B4).
     *
     * @param instance the completed instance
     */
    record Completed(InstanceInfo instance) implements AppEvent {
        @Override
        public UUID taskId() {
            return instance.taskId();
        }

        @Override
        public UUID instanceId() {
            return instance.instanceId();
        }
    }
}
