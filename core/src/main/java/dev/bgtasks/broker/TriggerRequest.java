package dev.bgtasks.broker;

import java.util.Objects;

/**
 * A call of {@code ApplicationTrigger.requestAsync}.
 *
 * <pre>{@code
 * new TriggerRequest("com.example.notes", "", ValueMapCodec.encode(args), null);
 * }</pre>
 *
 * @param appId the calling app
 * @param triggerName the trigger slot
 * @param arguments the encoded arguments (already validated by the caller's library, checked again for size)
 * @param callerRunToken the run token in the caller's environment: set when the caller runs inside a task (SPEC
 *     T1), else null
 */
public record TriggerRequest(String appId, String triggerName, byte[] arguments, String callerRunToken) {
    public TriggerRequest {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(triggerName, "triggerName");
        Objects.requireNonNull(arguments, "arguments");
    }
}
