package dev.bgtasks.broker;

import dev.bgtasks.RetryPolicy;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.ResourceLimits;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a registration says, as the broker receives it. Validated by the broker, not here, so a bad
 * definition arriving over the wire gets the same clear error as one built in-process.
 *
 * <pre>{@code
 * new TaskDefinition("Export", "", target, Set.of(SystemConditionType.INTERNET_AVAILABLE), true,
 *         ResourceLimits.defaults(), false, Duration.ofSeconds(5), "/home/me", TriggerSpec.APPLICATION,
 *         Map.of("NOTES_PROFILE", "work"), false, RigRequirements.NONE, null);
 * }</pre>
 *
 * @param name the task's name
 * @param triggerName the trigger slot; {@code ""} is the app's default slot
 * @param target what to run
 * @param conditions AND-ed conditions
 * @param cancelOnConditionLoss cancel a running instance when a condition turns false (SPEC X8)
 * @param limits memory, processes, wall clock
 * @param bestEffortLimits accept limits the platform can only watch, not enforce (SPEC R9)
 * @param cancellationGrace how long a cancelled task has to finish before it is killed (SPEC X6)
 * @param workingDirectory the task process's working directory; null for the user's home
 * @param trigger what starts it; {@link TriggerSpec#APPLICATION} (the default) for the app's own trigger
 * @param environment variables the registration adds to the task's base environment (SPEC S5), in order
 * @param sessionEnvironment give the task the desktop session's display and bus variables even when no condition
 *     is about the user or the session
 * @param rig hardware conditions and shared fixtures (SPEC H, F); {@link RigRequirements#NONE} by default
 * @param retry how an attempt is run again (SPEC P1), or null for never
 */
public record TaskDefinition(String name, String triggerName, TaskTarget target, Set<SystemConditionType> conditions,
                             boolean cancelOnConditionLoss, ResourceLimits limits, boolean bestEffortLimits,
                             Duration cancellationGrace, String workingDirectory, TriggerSpec trigger,
                             Map<String, String> environment, boolean sessionEnvironment,
                             RigRequirements rig, RetryPolicy retry) {
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    public TaskDefinition {
        conditions = conditions == null || conditions.isEmpty()
                ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(conditions));
        limits = Objects.requireNonNullElse(limits, ResourceLimits.defaults());
        cancellationGrace = Objects.requireNonNullElse(cancellationGrace, DEFAULT_GRACE);
        trigger = Objects.requireNonNullElse(trigger, TriggerSpec.APPLICATION);
        // Kept in the registration's order, nulls and all: the broker's validation names what is wrong with them.
        environment = environment == null || environment.isEmpty()
                ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        rig = Objects.requireNonNullElse(rig, RigRequirements.NONE);
    }

    /** A definition without hardware conditions, fixtures or a retry policy. */
    public TaskDefinition(String name, String triggerName, TaskTarget target, Set<SystemConditionType> conditions,
                          boolean cancelOnConditionLoss, ResourceLimits limits, boolean bestEffortLimits,
                          Duration cancellationGrace, String workingDirectory, TriggerSpec trigger,
                          Map<String, String> environment, boolean sessionEnvironment) {
        this(name, triggerName, target, conditions, cancelOnConditionLoss, limits, bestEffortLimits,
                cancellationGrace, workingDirectory, trigger, environment, sessionEnvironment, RigRequirements.NONE,
                null);
    }

    /** A definition with hardware conditions or fixtures, without a retry policy. */
    public TaskDefinition(String name, String triggerName, TaskTarget target, Set<SystemConditionType> conditions,
                          boolean cancelOnConditionLoss, ResourceLimits limits, boolean bestEffortLimits,
                          Duration cancellationGrace, String workingDirectory, TriggerSpec trigger,
                          Map<String, String> environment, boolean sessionEnvironment, RigRequirements rig) {
        this(name, triggerName, target, conditions, cancelOnConditionLoss, limits, bestEffortLimits,
                cancellationGrace, workingDirectory, trigger, environment, sessionEnvironment, rig, null);
    }

    /** A definition with a retry policy, without hardware conditions or fixtures. */
    public TaskDefinition(String name, String triggerName, TaskTarget target, Set<SystemConditionType> conditions,
                          boolean cancelOnConditionLoss, ResourceLimits limits, boolean bestEffortLimits,
                          Duration cancellationGrace, String workingDirectory, TriggerSpec trigger,
                          Map<String, String> environment, boolean sessionEnvironment, RetryPolicy retry) {
        this(name, triggerName, target, conditions, cancelOnConditionLoss, limits, bestEffortLimits,
                cancellationGrace, workingDirectory, trigger, environment, sessionEnvironment, RigRequirements.NONE,
                retry);
    }

    /** A definition without variables of its own and without the session, with hardware conditions or fixtures. */
    public TaskDefinition(String name, String triggerName, TaskTarget target, Set<SystemConditionType> conditions,
                          boolean cancelOnConditionLoss, ResourceLimits limits, boolean bestEffortLimits,
                          Duration cancellationGrace, String workingDirectory, TriggerSpec trigger,
                          RigRequirements rig) {
        this(name, triggerName, target, conditions, cancelOnConditionLoss, limits, bestEffortLimits,
                cancellationGrace, workingDirectory, trigger, Map.of(), false, rig, null);
    }

    /** A definition on {@code trigger} with a retry policy, without variables of its own or the session. */
    public TaskDefinition(String name, String triggerName, TaskTarget target, Set<SystemConditionType> conditions,
                          boolean cancelOnConditionLoss, ResourceLimits limits, boolean bestEffortLimits,
                          Duration cancellationGrace, String workingDirectory, TriggerSpec trigger,
                          RetryPolicy retry) {
        this(name, triggerName, target, conditions, cancelOnConditionLoss, limits, bestEffortLimits,
                cancellationGrace, workingDirectory, trigger, Map.of(), false, RigRequirements.NONE, retry);
    }

    /** A definition on {@code trigger}: no variables of its own, no session, no rig, no retry policy. */
    public TaskDefinition(String name, String triggerName, TaskTarget target, Set<SystemConditionType> conditions,
                          boolean cancelOnConditionLoss, ResourceLimits limits, boolean bestEffortLimits,
                          Duration cancellationGrace, String workingDirectory, TriggerSpec trigger) {
        this(name, triggerName, target, conditions, cancelOnConditionLoss, limits, bestEffortLimits,
                cancellationGrace, workingDirectory, trigger, Map.of(), false, RigRequirements.NONE, null);
    }

    /** A definition on the app's own trigger. */
    public TaskDefinition(String name, String triggerName, TaskTarget target, Set<SystemConditionType> conditions,
                          boolean cancelOnConditionLoss, ResourceLimits limits, boolean bestEffortLimits,
                          Duration cancellationGrace, String workingDirectory) {
        this(name, triggerName, target, conditions, cancelOnConditionLoss, limits, bestEffortLimits,
                cancellationGrace, workingDirectory, TriggerSpec.APPLICATION, Map.of(), false, RigRequirements.NONE,
                null);
    }

    /** The same definition on another trigger slot (a broker-fired trigger gets a slot of its own). */
    public TaskDefinition inSlot(String slot) {
        return new TaskDefinition(name, slot, target, conditions, cancelOnConditionLoss, limits, bestEffortLimits,
                cancellationGrace, workingDirectory, trigger, environment, sessionEnvironment, rig, retry);
    }

    /** The same definition with these hardware conditions and fixtures. */
    public TaskDefinition withRig(RigRequirements requirements) {
        return new TaskDefinition(name, triggerName, target, conditions, cancelOnConditionLoss, limits,
                bestEffortLimits, cancellationGrace, workingDirectory, trigger, environment, sessionEnvironment,
                requirements, retry);
    }

    /** {@return the attempts an instance may take in all: 1 without a retry policy (SPEC P1)} */
    public int maxAttempts() {
        return retry == null ? 1 : retry.maxAttempts();
    }
}
