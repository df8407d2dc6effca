package dev.bgtasks.broker;

import java.time.Instant;
import java.util.UUID;

/**
 * A registration as the broker stored it.
 *
 * <pre>{@code
 * for (RegistrationInfo r : broker.registrations(appId)) { log.info("{} {}", r.taskId(), r.definition().name()); }
 * }</pre>
 *
 * @param taskId its id (SPEC R4)
 * @param appId the app
 * @param registeredAt when
 * @param definition what was registered
 * @param nextFireAt when a time or maintenance trigger fires next (SPEC Y5); null for other triggers, a one-shot
 *     trigger that has fired (a maintenance fire waiting for AC power shows its past due time)
 */
public record RegistrationInfo(UUID taskId, String appId, Instant registeredAt, TaskDefinition definition,
                               Instant nextFireAt) {
    /** A registration with no schedule. */
    public RegistrationInfo(UUID taskId, String appId, Instant registeredAt, TaskDefinition definition) {
        this(taskId, appId, registeredAt, definition, null);
    }
}
