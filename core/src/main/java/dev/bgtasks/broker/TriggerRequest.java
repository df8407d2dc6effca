package dev.bgtasks.broker;

import dev.bgtasks.IfRunning;
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
 * @param ifRunning what to do when an instance holds the trigger (SPEC P3); null is {@code KEEP}
 * @param debugPort for a Java task, the local port at which the new instance's JVM waits for a debugger (JDWP,
 *     {@code bgtask trigger --debug}); null for none
 */
public record TriggerRequest(String appId, String triggerName, byte[] arguments, String callerRunToken,
                             IfRunning ifRunning, Integer debugPort) {
    public TriggerRequest {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(triggerName, "triggerName");
        Objects.requireNonNull(arguments, "arguments");
        ifRunning = Objects.requireNonNullElse(ifRunning, IfRunning.KEEP);
    }

    /** A request without a debugger. */
    public TriggerRequest(String appId, String triggerName, byte[] arguments, String callerRunToken,
                          IfRunning ifRunning) {
        this(appId, triggerName, arguments, callerRunToken, ifRunning, null);
    }

    /** A request that keeps a running instance (SPEC T4). */
    public TriggerRequest(String appId, String triggerName, byte[] arguments, String callerRunToken) {
        this(appId, triggerName, arguments, callerRunToken, IfRunning.KEEP);
    }
}
