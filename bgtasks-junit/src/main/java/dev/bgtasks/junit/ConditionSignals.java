package dev.bgtasks.junit;

import dev.bgtasks.HardwareCondition;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The rig's view of {@link SystemConditionType#requiredSignals()}: the broker's own table, plus one set of signal
 * values that makes the derived {@code BACKGROUND_WORK_COST_NOT_HIGH} hold, and a readable reason when a condition
 * does not.
 */
final class ConditionSignals {
    /** External power with energy saver off makes the background work cost LOW, whoever is at the machine. */
    private static final Map<HostSignal, Boolean> LOW_WORK_COST =
            Map.of(HostSignal.AC_POWER, true, HostSignal.ENERGY_SAVER, false);

    private ConditionSignals() {
    }

    /**
     * Whether {@code type} holds under {@code signals}, exactly as the broker decides.
     *
     * @throws IllegalArgumentException for {@code INVALID}, which is no condition
     */
    static boolean holds(SystemConditionType type, SignalSnapshot signals) {
        requirements(type);
        return type.holdsUnder(signals);
    }

    /** Signal values that make {@code type} hold (for the derived work cost: one such set). */
    static Map<HostSignal, Boolean> requirements(SystemConditionType type) {
        if (type == SystemConditionType.INVALID) {
            throw new IllegalArgumentException(type + " is not a condition");
        }
        return type == SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH ? LOW_WORK_COST : type.requiredSignals();
    }

    /** Why a hardware condition does not hold, e.g. {@code usb-device=1d6b:0002 is false}, or unknown. */
    static String explain(HardwareCondition condition, SignalSnapshot signals) {
        return condition.spelling() + " is " + condition.verdictUnder(signals).map(String::valueOf)
                .orElse("unknown (the host cannot read " + condition.type().signal() + ")");
    }

    /** Why {@code type} does not hold, e.g. {@code INTERNET_AVAILABLE needs INTERNET=true, is false}. */
    static String explain(SystemConditionType type, SignalSnapshot signals) {
        if (type == SystemConditionType.BACKGROUND_WORK_COST_NOT_HIGH) {
            return type + " needs the background work cost below HIGH, is " + signals.backgroundWorkCost()
                    + " (" + signals.known() + ")";
        }
        StringJoiner unmet = new StringJoiner(", ");
        requirements(type).forEach((signal, value) -> {
            if (!signals.is(signal, value)) {
                unmet.add(signal + "=" + value + ", is " + signals.get(signal).map(String::valueOf).orElse("unknown"));
            }
        });
        return type + " needs " + unmet;
    }
}
