package dev.bgtasks;

import java.util.Objects;
import java.util.UUID;

/**
 * The broker's answer to a trigger request.
 *
 * <pre>{@code
 * TriggerResponse r = broker.requestTrigger(request);
 * if (r.result() == ApplicationTriggerResult.ALLOWED) { log.info("instance {}", r.instanceId()); }
 * }</pre>
 *
 * @param result the UWP result
 * @param instanceId the new instance for ALLOWED, the occupying one for CURRENTLY_RUNNING, else null
 */
public record TriggerResponse(ApplicationTriggerResult result, UUID instanceId) {
    /**
     * Rejects a missing result.
     *
     * @param result the UWP result
     * @param instanceId the instance, or null
     */
    public TriggerResponse {
        Objects.requireNonNull(result, "result");
    }
}
