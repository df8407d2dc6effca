package dev.bgtasks.broker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgtasks.HardwareCondition;
import dev.bgtasks.RetryPolicy;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.SystemTriggerType;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.store.RegistrationRow;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stored form of a {@link TaskDefinition}: flat JSON, with a version so later fields can be added without a
 * schema migration of the store. Version 2 added broker-fired triggers, version 3 the registration's own
 * environment and its session flag, hardware conditions and shared fixtures, the retry policy (SPEC P1) and a Java
 * task's JVM options, version 4 the device trigger (SPEC H8); a definition is written with the lowest version that
 * holds it, so what uses none of them is byte for byte what an older broker wrote and reads, and an older broker
 * refuses a device trigger by its version rather than by a field it does not know.
 */
final class DefinitionCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 4;
    /** What a definition with version 3's fields and no device trigger is written as. */
    private static final int RIG_VERSION = 3;
    /** What a definition with a broker-fired trigger and none of version 3's fields is written as. */
    private static final int FIRED_TRIGGER_VERSION = 2;
    /** What a definition on the app's own trigger is written as, so an older broker still reads it. */
    private static final int APPLICATION_TRIGGER_VERSION = 1;
    /** How many decoded definitions {@link #decode(RegistrationRow)} keeps. */
    private static final int DECODED_KEPT = 64;
    /**
     * Definitions decoded from stored rows, by the row's text: a pending instance's start decodes its registration
     * again on every trigger, which costs a databind read (about 0.2 ms in the broker's C1-only JVM, issue 15), and
     * a definition is immutable. Access order, guarded by itself.
     */
    private static final Map<RegistrationRow, TaskDefinition> DECODED =
            new LinkedHashMap<>(DECODED_KEPT * 2, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<RegistrationRow, TaskDefinition> eldest) {
                    return size() > DECODED_KEPT;
                }
            };

    private DefinitionCodec() {
    }

    /** The JSON shape, decoupled from the API records so they can change without breaking stored rows. */
    record Stored(int version, String entryPoint, List<String> classpath, List<String> command,
                  List<SystemConditionType> conditions, boolean cancelOnConditionLoss, Long memoryBytes,
                  Integer maxProcesses, Long wallClockMillis, boolean bestEffortLimits, long graceMillis,
                  String workingDirectory,
                  // Left out when null: a class-path task on the app's trigger reads as before to an older broker.
                  @JsonInclude(JsonInclude.Include.NON_NULL) String module,
                  @JsonInclude(JsonInclude.Include.NON_NULL) TriggerSpec.Kind triggerKind,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long freshnessMillis,
                  @JsonInclude(JsonInclude.Include.NON_NULL) SystemTriggerType systemTrigger,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Boolean oneShot,
                  // Version 3, left out when empty: a row without them reads as before to an older broker.
                  @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> environment,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Boolean sessionEnvironment,
                  @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> hardwareConditions,
                  @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> uses,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Boolean bestEffortConditions,
                  // SPEC P1; left out when null, so a row without a policy reads as before.
                  @JsonInclude(JsonInclude.Include.NON_NULL) RetryPolicy.Backoff retryBackoff,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long retryInitialMillis,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Long retryMaxMillis,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Integer retryMaxAttempts,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Boolean retryLaunchFailed,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Boolean retryBrokerLost,
                  // Issue 16: a Java task's own JVM options; left out when there are none.
                  @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> jvmOptions,
                  // SPEC W2: a registration's opt-out of standby hosts; left out when it did not opt out.
                  @JsonInclude(JsonInclude.Include.NON_NULL) Boolean noStandby,
                  // Version 4 (SPEC H8): a device trigger's device and its detach flag; left out for other triggers.
                  @JsonInclude(JsonInclude.Include.NON_NULL) String device,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Boolean onDetach) {
    }

    static String encode(TaskDefinition definition) {
        String entryPoint = null;
        List<String> classpath = null;
        List<String> command = null;
        String module = null;
        List<String> jvmOptions = null;
        boolean noStandby = false;
        if (definition.target() instanceof TaskTarget.JavaEntryPoint java) {
            entryPoint = java.className();
            classpath = java.classpath();
            module = java.module();
            jvmOptions = java.jvmOptions();
            noStandby = java.noStandby();
        } else if (definition.target() instanceof TaskTarget.Command cmd) {
            command = cmd.argv();
        }
        ResourceLimits limits = definition.limits();
        TriggerSpec trigger = definition.trigger();
        boolean fired = trigger.firedByBroker();
        RigRequirements rig = definition.rig();
        RetryPolicy retry = definition.retry();
        boolean usesVersion3 = !definition.environment().isEmpty() || definition.sessionEnvironment()
                || !rig.asksNothing() || retry != null || jvmOptions != null && !jvmOptions.isEmpty() || noStandby;
        // The lowest version that holds everything, so an older broker reads every row it can understand.
        boolean device = trigger.kind() == TriggerSpec.Kind.DEVICE;
        int version = device ? VERSION : usesVersion3 ? RIG_VERSION
                : fired ? FIRED_TRIGGER_VERSION : APPLICATION_TRIGGER_VERSION;
        Stored stored = new Stored(version, entryPoint, classpath, command, List.copyOf(definition.conditions()),
                definition.cancelOnConditionLoss(), limits.memoryBytes(), limits.maxProcesses(),
                limits.wallClock() == null ? null : limits.wallClock().toMillis(), definition.bestEffortLimits(),
                definition.cancellationGrace().toMillis(), definition.workingDirectory(), module,
                fired ? trigger.kind() : null,
                trigger.freshness() == null ? null : trigger.freshness().toMillis(), trigger.systemType(),
                fired ? trigger.oneShot() : null, definition.environment(),
                definition.sessionEnvironment() ? Boolean.TRUE : null,
                rig.hardwareConditions().stream().map(HardwareCondition::spelling).toList(),
                List.copyOf(rig.uses()), rig.bestEffortConditions() ? Boolean.TRUE : null,
                retry == null ? null : retry.backoff(), retry == null ? null : retry.initialDelay().toMillis(),
                retry == null ? null : retry.maxDelay().toMillis(), retry == null ? null : retry.maxAttempts(),
                retry == null ? null : retry.retryLaunchFailed(), retry == null ? null : retry.retryBrokerLost(),
                jvmOptions, noStandby ? Boolean.TRUE : null, device ? trigger.device() : null,
                device && trigger.onDetach() ? Boolean.TRUE : null);
        try {
            return JSON.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode task definition", e);
        }
    }

    /** The definition a stored registration holds. */
    static TaskDefinition decode(RegistrationRow row) {
        synchronized (DECODED) {
            TaskDefinition known = DECODED.get(row);
            if (known != null) {
                return known;
            }
        }
        // Decoded outside the lock: two threads may both decode a new row, and either result is the same value.
        TaskDefinition definition = decode(row.name(), row.triggerName(), row.definitionJson());
        synchronized (DECODED) {
            DECODED.put(row, definition);
        }
        return definition;
    }

    static TaskDefinition decode(String name, String triggerName, String json) {
        Stored stored;
        try {
            stored = JSON.readValue(json, Stored.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored task definition is unreadable: " + e.getOriginalMessage(), e);
        }
        if (stored.version() > VERSION) {
            throw new IllegalStateException("stored task definition has version " + stored.version()
                    + ", newer than this broker's " + VERSION);
        }
        TaskTarget target = stored.entryPoint() != null
                ? new TaskTarget.JavaEntryPoint(stored.entryPoint(), stored.classpath(), stored.module(),
                        stored.jvmOptions(), Boolean.TRUE.equals(stored.noStandby()))
                : new TaskTarget.Command(stored.command());
        ResourceLimits limits = new ResourceLimits(stored.memoryBytes(), stored.maxProcesses(),
                stored.wallClockMillis() == null ? null : Duration.ofMillis(stored.wallClockMillis()));
        return new TaskDefinition(name, triggerName, target,
                stored.conditions().isEmpty() ? EnumSet.noneOf(SystemConditionType.class)
                        : EnumSet.copyOf(stored.conditions()),
                stored.cancelOnConditionLoss(), limits, stored.bestEffortLimits(),
                Duration.ofMillis(stored.graceMillis()), stored.workingDirectory(), trigger(stored),
                stored.environment(), Boolean.TRUE.equals(stored.sessionEnvironment()), rig(stored), retry(stored));
    }

    private static RigRequirements rig(Stored stored) {
        if (stored.hardwareConditions() == null && stored.uses() == null && stored.bestEffortConditions() == null) {
            return RigRequirements.NONE;
        }
        List<HardwareCondition> hardware = stored.hardwareConditions() == null ? List.of()
                : stored.hardwareConditions().stream().map(HardwareCondition::parse).toList();
        return new RigRequirements(hardware, stored.uses() == null ? Set.of() : Set.copyOf(stored.uses()),
                Boolean.TRUE.equals(stored.bestEffortConditions()));
    }

    private static RetryPolicy retry(Stored stored) {
        if (stored.retryBackoff() == null) {
            return null;
        }
        return new RetryPolicy(stored.retryBackoff(), Duration.ofMillis(stored.retryInitialMillis()),
                Duration.ofMillis(stored.retryMaxMillis()), stored.retryMaxAttempts(),
                Boolean.TRUE.equals(stored.retryLaunchFailed()), Boolean.TRUE.equals(stored.retryBrokerLost()));
    }

    private static TriggerSpec trigger(Stored stored) {
        if (stored.triggerKind() == null) {
            return TriggerSpec.APPLICATION;
        }
        return new TriggerSpec(stored.triggerKind(),
                stored.freshnessMillis() == null ? null : Duration.ofMillis(stored.freshnessMillis()),
                stored.systemTrigger(), Boolean.TRUE.equals(stored.oneShot()), stored.device(),
                Boolean.TRUE.equals(stored.onDetach()));
    }
}
