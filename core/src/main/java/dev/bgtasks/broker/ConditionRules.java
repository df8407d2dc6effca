package dev.bgtasks.broker;

import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.task.BackgroundWorkCost;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What each {@link SystemConditionType} requires of the host signals. Contradictions (SPEC R7) are found from the
 * same table: two conditions that need one signal to have opposite values can never hold together.
 */
final class ConditionRules {
    private static final Map<SystemConditionType, Map<HostSignal, Boolean>> REQUIREMENTS =
            new EnumMap<>(SystemConditionType.class);

    static {
        require(SystemConditionType.USER_PRESENT, Map.of(HostSignal.USER_PRESENT, true));
        require(SystemConditionType.USER_NOT_PRESENT, Map.of(HostSignal.USER_PRESENT, false));
        require(SystemConditionType.INTERNET_AVAILABLE, Map.of(HostSignal.INTERNET, true));
        require(SystemConditionType.INTERNET_NOT_AVAILABLE, Map.of(HostSignal.INTERNET, false));
        require(SystemConditionType.SESSION_CONNECTED, Map.of(HostSignal.SESSION_CONNECTED, true));
        require(SystemConditionType.SESSION_DISCONNECTED, Map.of(HostSignal.SESSION_CONNECTED, false));
        require(SystemConditionType.FREE_NETWORK_AVAILABLE,
                Map.of(HostSignal.INTERNET, true, HostSignal.UNMETERED_NETWORK, true));
        require(SystemConditionType.ON_AC_POWER, Map.of(HostSignal.AC_POWER, true));
        require(SystemConditionType.BATTERY_NOT_LOW, Map.of(HostSignal.BATTERY_LOW, false));
        require(SystemConditionType.STORAGE_NOT_LOW, Map.of(HostSignal.STORAGE_LOW, false));
        // BACKGROUND_WORK_COST_NOT_HIGH is derived from several signals, see holds().
    }

    private ConditionRules() {
    }

    private static void require(SystemConditionType type, Map<HostSignal, Boolean> signals) {
        REQUIREMENTS.put(type, Map.copyOf(signals));
    }

    static boolean holds(SystemConditionType type, SignalSnapshot signals) {
        if (type == SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH) {
            return signals.backgroundWorkCost() != BackgroundWorkCost.HIGH;
        }
        Map<HostSignal, Boolean> required = REQUIREMENTS.get(type);
        if (required == null) {
            return false;
        }
        for (Map.Entry<HostSignal, Boolean> entry : required.entrySet()) {
            if (!signals.is(entry.getKey(), entry.getValue())) {
                return false;
            }
        }
        return true;
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
            for (Map.Entry<HostSignal, Boolean> entry : REQUIREMENTS.getOrDefault(type, Map.of()).entrySet()) {
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

    private static Collection<SystemConditionType> withDefault(Collection<SystemConditionType> conditions) {
        // EnumSet.copyOf rejects an empty plain collection.
        return conditions.isEmpty() ? EnumSet.noneOf(SystemConditionType.class) : conditions;
    }
}
