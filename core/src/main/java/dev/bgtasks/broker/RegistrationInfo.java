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
 */
public record RegistrationInfo(UUID taskId, String appId, Instant registeredAt, TaskDefinition definition) {
}
