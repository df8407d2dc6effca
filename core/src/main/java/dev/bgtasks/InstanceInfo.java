package dev.bgtasks;

import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A task instance as apps and {@code bgtask runs} see it (no run token). Fields that do not apply are null.
 *
 * <pre>{@code
 * if (info.state() == InstanceState.PENDING) { log.info("waiting for {}", info.waitingFor()); }
 * }</pre>
 *
 * @param instanceId the instance
 * @param taskId its registration
 * @param appId the app
 * @param triggerName the trigger slot
 * @param state PENDING, RUNNING or COMPLETED
 * @param progress last progress, 0 to 100
 * @param outcome how it ended, or null
 * @param cancelReason the reason of its cancellation, or null
 * @param terminationReason why it was stopped by force, or null
 * @param errorClass the exception class of a failed run, or null
 * @param errorMessage what went wrong, or null
 * @param exitCode the exit code of its main process, or null
 * @param peakMemoryBytes the peak memory of its tree, or null
 * @param pid its main process while running, or null
 * @param requestedAt when it was triggered
 * @param startedAt when it started, or null
 * @param endedAt when it completed, or null
 * @param waitingFor the unmet conditions of a PENDING instance; empty otherwise
 * @param waitingForEnergySaver whether a PENDING instance waits for energy saver to go off (SPEC X9)
 * @param waitingForHardware the unmet hardware conditions of a PENDING instance, spelled
 *     {@code usb-device=1d6b:0002} (SPEC H3); empty otherwise
 * @param waitingForFixtures the fixtures a PENDING instance waits for another instance to free (SPEC F2); empty
 *     otherwise
 * @param result the result map the task set, as {@code ValueMapCodec.encode} wrote it, or null when it set none
 *     (SPEC P2)
 * @param attempt which attempt the instance is on, or ended with; 1 for the first (SPEC P1)
 * @param nextAttemptAt when a PENDING instance's next attempt may start after its backoff, else null (SPEC P1)
 */
public record InstanceInfo(UUID instanceId, UUID taskId, String appId, String triggerName, InstanceState state,
                           int progress, TaskOutcome outcome, BackgroundTaskCancellationReason cancelReason,
                           TerminationReason terminationReason, String errorClass, String errorMessage,
                           Integer exitCode, Long peakMemoryBytes, Long pid, Instant requestedAt,
                           Instant startedAt, Instant endedAt, Set<SystemConditionType> waitingFor,
                           boolean waitingForEnergySaver, List<String> waitingForHardware,
                           List<String> waitingForFixtures, byte[] result, int attempt, Instant nextAttemptAt) {
    /**
     * Copies the lists and sets; a null one is empty.
     *
     * @param instanceId the instance
     * @param taskId its registration
     * @param appId its app
     * @param triggerName its trigger slot
     * @param state where it is in its life
     * @param progress its last progress
     * @param outcome how it ended, or null
     * @param cancelReason why it was cancelled, or null
     * @param terminationReason why it was stopped by force, or null
     * @param errorClass the exception class of a failed run, or null
     * @param errorMessage what went wrong, or null
     * @param exitCode the exit code of its main process, or null
     * @param peakMemoryBytes the peak memory of its tree, or null
     * @param pid its main process while running, or null
     * @param requestedAt when it was triggered
     * @param startedAt when it started, or null
     * @param endedAt when it completed, or null
     * @param waitingFor the unmet conditions of a PENDING instance
     * @param waitingForEnergySaver whether a PENDING instance waits for energy saver to go off
     * @param waitingForHardware the unmet hardware conditions of a PENDING instance
     * @param waitingForFixtures the fixtures a PENDING instance waits for
     * @param result the encoded result map, or null
     * @param attempt which attempt it is on
     * @param nextAttemptAt when its next attempt may start, or null
     */
    public InstanceInfo {
        waitingFor = waitingFor == null ? Set.of() : Set.copyOf(waitingFor);
        waitingForHardware = waitingForHardware == null ? List.of() : List.copyOf(waitingForHardware);
        waitingForFixtures = waitingForFixtures == null ? List.of() : List.copyOf(waitingForFixtures);
    }

    /**
     * Everything a PENDING instance waits for, as {@code bgtask runs} lists it: system conditions in kebab case,
     * hardware conditions in their spelling, {@code fixture NAME}, and {@code energy saver to turn off}.
     *
     * @return the list; empty when nothing holds it back
     */
    public List<String> waitingForAll() {
        List<String> all = new ArrayList<>();
        waitingFor.stream().sorted().forEach(c -> all.add(c.kebabCase()));
        all.addAll(waitingForHardware);
        waitingForFixtures.forEach(f -> all.add("fixture " + f));
        if (waitingForEnergySaver) {
            all.add("energy saver to turn off");
        }
        return all;
    }

    /**
     * A first attempt that waits for no hardware or fixture and has no result map, as before any of them existed.
     *
     * @param instanceId the instance
     * @param taskId its registration
     * @param appId its app
     * @param triggerName its trigger slot
     * @param state where it is in its life
     * @param progress its last progress
     * @param outcome how it ended, or null
     * @param cancelReason why it was cancelled, or null
     * @param terminationReason why it was stopped by force, or null
     * @param errorClass the exception class of a failed run, or null
     * @param errorMessage what went wrong, or null
     * @param exitCode the exit code of its main process, or null
     * @param peakMemoryBytes the peak memory of its tree, or null
     * @param pid its main process while running, or null
     * @param requestedAt when it was triggered
     * @param startedAt when it started, or null
     * @param endedAt when it completed, or null
     * @param waitingFor the unmet conditions of a PENDING instance
     * @param waitingForEnergySaver whether a PENDING instance waits for energy saver to go off
     */
    public InstanceInfo(UUID instanceId, UUID taskId, String appId, String triggerName, InstanceState state,
                        int progress, TaskOutcome outcome, BackgroundTaskCancellationReason cancelReason,
                        TerminationReason terminationReason, String errorClass, String errorMessage,
                        Integer exitCode, Long peakMemoryBytes, Long pid, Instant requestedAt,
                        Instant startedAt, Instant endedAt, Set<SystemConditionType> waitingFor,
                        boolean waitingForEnergySaver) {
        this(instanceId, taskId, appId, triggerName, state, progress, outcome, cancelReason, terminationReason,
                errorClass, errorMessage, exitCode, peakMemoryBytes, pid, requestedAt, startedAt, endedAt, waitingFor,
                waitingForEnergySaver, List.of(), List.of(), null, 1, null);
    }
}
