package dev.bgtasks;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TriggerRequest;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Starts the task registered on it (UWP {@code ApplicationTrigger}). Each app has a default trigger and may name
 * more; one instance per trigger runs at a time.
 *
 * <pre>{@code
 * ApplicationTrigger trigger = bg.applicationTrigger();
 * ApplicationTriggerResult r = trigger.requestAsync(Map.of("file", "notes.db")).join();
 * }</pre>
 */
public final class ApplicationTrigger {
    private final BackgroundTasks owner;
    private final String name;

    ApplicationTrigger(BackgroundTasks owner, String name) {
        this.owner = owner;
        this.name = name;
    }

    /**
     * The trigger's name; {@code ""} is the app's default trigger.
     *
     * @return the trigger's name, {@code ""} for the default trigger
     */
    public String name() {
        return name;
    }

    BackgroundTasks owner() {
        return owner;
    }

    /**
     * Same as {@code requestAsync(Map.of())}.
     *
     * @return the broker's answer (SPEC T1–T7)
     */
    public CompletableFuture<ApplicationTriggerResult> requestAsync() {
        return requestAsync(Map.of());
    }

    /**
     * Asks for the registered task to run with these arguments (SPEC T1–T7). The arguments are validated and
     * deep-copied before this returns.
     *
     * @param arguments strings, characters, numbers, booleans, UUIDs, instants, durations, byte arrays, and lists
     *     and maps of them (SPEC T6)
     * @return completes with the broker's answer; fails with {@link BrokerUnavailableException} when no broker answers
     * @throws IllegalArgumentException at once, for an argument of a type that is not allowed or arguments over
     *     64 KiB encoded (SPEC T6)
     */
    public CompletableFuture<ApplicationTriggerResult> requestAsync(Map<String, ?> arguments) {
        return request(arguments).thenApply(TriggerResponse::result);
    }

    /**
     * Like {@link #requestAsync(Map)}, with the instance id the broker answered with.
     *
     * @param arguments the task's arguments, as for {@link #requestAsync(Map)}
     * @return completes with the result and, when an instance was created, its id
     */
    public CompletableFuture<TriggerResponse> request(Map<String, ?> arguments) {
        return request(arguments, IfRunning.KEEP);
    }

    /**
     * Asks for the registered task to run, saying what to do when an instance of this trigger is already pending
     * or running (SPEC P3): keep it ({@code CURRENTLY_RUNNING}), replace it, or queue one more run after it.
     *
     * @param arguments the task's arguments, as for {@link #requestAsync(Map)}
     * @param ifRunning {@code KEEP} (as {@link #requestAsync(Map)}), {@code REPLACE} or {@code QUEUE_ONE}
     * @return completes with the broker's answer
     * @throws IllegalArgumentException at once, for arguments that are not allowed (SPEC T6)
     */
    public CompletableFuture<ApplicationTriggerResult> requestAsync(Map<String, ?> arguments, IfRunning ifRunning) {
        return request(arguments, ifRunning).thenApply(TriggerResponse::result);
    }

    /**
     * Like {@link #requestAsync(Map, IfRunning)}, with the instance id the broker answered with.
     *
     * @param arguments the task's arguments, as for {@link #requestAsync(Map)}
     * @param ifRunning what to do when an instance holds the trigger
     * @return completes with the result and, when an instance was created, its id
     */
    public CompletableFuture<TriggerResponse> request(Map<String, ?> arguments, IfRunning ifRunning) {
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(ifRunning, "ifRunning");
        byte[] encoded = ValueMapCodec.encode(arguments);
        TriggerRequest request = new TriggerRequest(owner.appId(), name, encoded, owner.callerRunToken(),
                ifRunning);
        return Futures.call(() -> owner.broker().requestTrigger(request));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ApplicationTrigger that && that.owner == owner && that.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "ApplicationTrigger[" + owner.appId() + (name.isEmpty() ? "" : "/" + name) + "]";
    }
}
