package dev.bgtasks.task;

import java.util.Map;
import java.util.Objects;

/**
 * What the app passed to {@code ApplicationTrigger.requestAsync(arguments)}: an immutable deep copy.
 *
 * <pre>{@code
 * String file = (String) task.triggerDetails().arguments().get("file");
 * }</pre>
 *
 * @param arguments the arguments; empty for the no-argument call, never null (SPEC T6)
 */
public record ApplicationTriggerDetails(Map<String, Object> arguments) {
    /**
     * Rejects null arguments.
     *
     * @param arguments the arguments
     */
    public ApplicationTriggerDetails {
        Objects.requireNonNull(arguments, "arguments");
    }
}
