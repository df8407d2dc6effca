package dev.bgtasks.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An ended instance as retention sees it (SPEC B7): enough to delete it, its run log, and to say so when it was
 * never delivered.
 *
 * <pre>{@code
 * List<EndedInstance> old = tx.instancesToPrune(100, now.minus(Duration.ofDays(30)), 500);
 * tx.deleteEndedInstances(old.stream().map(EndedInstance::instanceId).toList());
 * }</pre>
 *
 * @param instanceId the instance
 * @param taskId its registration (which may be gone)
 * @param appId its app
 * @param endedAt when it completed
 * @param delivered whether a listener of the app received its completion
 */
public record EndedInstance(UUID instanceId, UUID taskId, String appId, Instant endedAt, boolean delivered) {
    public EndedInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(endedAt, "endedAt");
    }
}
