package dev.bgtasks.broker;

import dev.bgtasks.HardwareCondition;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Conditions against host signals, with the table of {@link SystemConditionType#requiredSignals()}. Contradictions
 * (SPEC R7) are found from the same table: two conditions that need one signal to have opposite values can never
 * hold together.
 */
final class ConditionRules {
    private ConditionRules() {
    }

    static boolean holds(SystemConditionType type, SignalSnapshot signals) {
        return type.holdsUnder(signals);
    }

    /** The conditions of {@code conditions} that do not hold now, in enum order. */
    static Set<SystemConditionType> unmet(Collection<SystemConditionType> conditions, SignalSnapshot signals) {
        EnumSet<SystemConditionType> unmet = EnumSet.noneOf(SystemConditionType.class);
        for (SystemConditionType type : conditions) {
            if (!holds(type, signals)) {
                unmet.add(type);
            }
        }
        return unmet;
    }

    /**
     * Rejects {@code INVALID} (SPEC R1) and pairs that can never hold together (SPEC R7).
     *
     * @throws InvalidRegistrationException naming the field {@code conditions}
     */
    static void validate(Collection<SystemConditionType> conditions) {
        if (conditions.contains(SystemConditionType.INVALID)) {
            throw new InvalidRegistrationException("conditions", "INVALID is not a condition");
        }
        Map<HostSignal, SystemConditionType> firstRequirer = new EnumMap<>(HostSignal.class);
        Map<HostSignal, Boolean> requiredValue = new EnumMap<>(HostSignal.class);
        for (SystemConditionType type : EnumSet.copyOf(withDefault(conditions))) {
            for (Map.Entry<HostSignal, Boolean> entry : type.requiredSignals().entrySet()) {
                Boolean previous = requiredValue.putIfAbsent(entry.getKey(), entry.getValue());
                if (previous == null) {
                    firstRequirer.put(entry.getKey(), type);
                } else if (!previous.equals(entry.getValue())) {
                    throw new InvalidRegistrationException("conditions", firstRequirer.get(entry.getKey())
                            + " and " + type + " contradict each other: the task could never run");
                }
            }
        }
    }

    /** SPEC H1: the hardware conditions that do not hold now (an unknown reading holds nothing), in their order. */
    static List<HardwareCondition> unmetHardware(List<HardwareCondition> conditions, SignalSnapshot signals) {
        List<HardwareCondition> unmet = new ArrayList<>();
        for (HardwareCondition condition : conditions) {
            if (!condition.holdsUnder(signals)) {
                unmet.add(condition);
            }
        }
        return unmet;
    }

    /**
     * SPEC H2: a hardware condition on a reading this platform can never give fails the registration, naming the
     * condition and the platform, unless the registration accepts it ({@code bestEffortConditions()}).
     *
     * @throws InvalidRegistrationException naming the field {@code conditions}
     */
    static void validateHardware(RigRequirements rig, Set<HardwareSignal> readable, String platform) {
        if (rig.bestEffortConditions()) {
            return;
        }
        for (HardwareCondition condition : rig.hardwareConditions()) {
            if (!readable.contains(condition.type().signal())) {
                throw new InvalidRegistrationException("conditions", condition.spelling() + " needs the "
                        + condition.type().signal() + " reading, which platform " + platform + " can never give;"
                        + " the task could never run. Call bestEffortConditions() (bgtask register"
                        + " --best-effort-conditions) to register it anyway");
            }
        }
    }

    /**
     * SPEC H8 with H2: a device trigger on a platform that can never read USB devices could never fire; it fails the
     * registration unless the registration accepts it ({@code bestEffortConditions()}).
     *
     * @throws InvalidRegistrationException naming the field {@code trigger}
     */
    static void validateDeviceTrigger(TriggerSpec trigger, RigRequirements rig, Set<HardwareSignal> readable,
                                      String platform) {
        if (trigger.kind() == TriggerSpec.Kind.DEVICE && !rig.bestEffortConditions()
                && !readable.contains(HardwareSignal.USB_DEVICES)) {
            throw new InvalidRegistrationException("trigger", "a device trigger on usb-device=" + trigger.device()
                    + " needs the " + HardwareSignal.USB_DEVICES + " reading, which platform " + platform
                    + " can never give; the trigger could never fire. Call bestEffortConditions() (bgtask register"
                    + " --best-effort-conditions) to register it anyway");
        }
    }

    /** What a pending instance waits for, as logged and listed: system conditions, then hardware ones. */
    static Set<String> labels(Set<SystemConditionType> system, List<HardwareCondition> hardware,
                              List<String> busyFixtures) {
        Set<String> labels = new LinkedHashSet<>();
        system.forEach(c -> labels.add(c.name()));
        hardware.forEach(c -> labels.add(c.spelling()));
        busyFixtures.forEach(f -> labels.add("fixture " + f));
        return labels;
    }

    private static Collection<SystemConditionType> withDefault(Collection<SystemConditionType> conditions) {
        // EnumSet.copyOf rejects an empty plain collection.
        return conditions.isEmpty() ? EnumSet.noneOf(SystemConditionType.class) : conditions;
    }
}
