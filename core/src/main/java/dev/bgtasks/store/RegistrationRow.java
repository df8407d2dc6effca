package dev.bgtasks.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored registration. The definition (target, conditions, limits) is the broker's JSON, opaque to the store;
 * the columns the store indexes are kept apart.
 *
 * <pre>{@code
 * Optional<RegistrationRow> slot = store.read(tx -> tx.registrationForTrigger("com.example.notes", ""));
 * }</pre>
 *
 * @param taskId the registration's id
 * @param appId the app that registered it
 * @param name the task's name (not unique)
 * @param triggerName the application trigger slot ({@code ""} is the default slot)
 * @param definitionJson the broker's encoding of the rest of the registration
 * @param registeredAt when it was registered
 */
public record RegistrationRow(UUID taskId, String appId, String name, String triggerName, String definitionJson,
                              Instant registeredAt) {
    public RegistrationRow {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(triggerName, "triggerName");
        Objects.requireNonNull(definitionJson, "definitionJson");
        Objects.requireNonNull(registeredAt, "registeredAt");
    }
}
