package dev.bgtasks.linux.power;

import dev.bgtasks.spi.HostSignal;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code AC_POWER} and {@code BATTERY_LOW} follow from the power supplies. Pure; tested with fixture trees.
 * A signal the supplies cannot tell is absent from the result, never guessed.
 *
 * <pre>{@code
 * Map<HostSignal, Boolean> signals = PowerSupplyRules.decide(supplies);
 * }</pre>
 */
final class PowerSupplyRules {
    /** Below this capacity, on battery, the battery is low (as the generic platform decides). */
    static final int BATTERY_LOW_PERCENT = 20;

    private PowerSupplyRules() {
    }

    /** Both signals; an empty map when there are no supplies (a desktop, a VM). */
    static Map<HostSignal, Boolean> decide(List<PowerSupply> supplies) {
        Map<HostSignal, Boolean> signals = new EnumMap<>(HostSignal.class);
        Boolean ac = acPower(supplies);
        if (ac != null) {
            signals.put(HostSignal.AC_POWER, ac);
        }
        Boolean low = batteryLow(supplies, ac);
        if (low != null) {
            signals.put(HostSignal.BATTERY_LOW, low);
        }
        return Map.copyOf(signals);
    }

    /**
     * External power: true when a Mains/USB supply is online; false when a system battery discharges; then true
     * when one charges (something feeds it); false when external supplies exist but none is online; true when
     * batteries are full or held ("Not charging", as on AC with a charge threshold); null otherwise — no supplies,
     * or only ones that tell nothing. Peripheral batteries ({@code scope=Device}) and removed ones are ignored.
     */
    static Boolean acPower(List<PowerSupply> supplies) {
        List<PowerSupply> externals = supplies.stream().filter(PowerSupply::external).toList();
        List<PowerSupply> batteries = supplies.stream().filter(PowerSupply::systemBattery).toList();
        if (externals.stream().anyMatch(s -> Boolean.TRUE.equals(s.online()))) {
            return true;
        }
        if (batteries.stream().anyMatch(b -> b.status().equalsIgnoreCase("Discharging"))) {
            return false;
        }
        if (batteries.stream().anyMatch(b -> b.status().equalsIgnoreCase("Charging"))) {
            return true;
        }
        if (externals.stream().anyMatch(s -> Boolean.FALSE.equals(s.online()))) {
            return false;
        }
        if (batteries.stream().anyMatch(b -> b.status().equalsIgnoreCase("Full")
                || b.status().equalsIgnoreCase("Not charging"))) {
            return true;
        }
        return null;
    }

    /**
     * Low when not on external power and a system battery's {@code capacity_level} is Low or Critical, or the
     * mean capacity of the system batteries is below 20 %. False on external power; null without a system
     * battery that reports either.
     */
    static Boolean batteryLow(List<PowerSupply> supplies, Boolean acPower) {
        List<PowerSupply> batteries = supplies.stream().filter(PowerSupply::systemBattery)
                .filter(b -> b.capacity() >= 0 || !b.capacityLevel().isEmpty()).toList();
        if (batteries.isEmpty()) {
            return null;
        }
        if (Boolean.TRUE.equals(acPower)) {
            return false;
        }
        if (batteries.stream().anyMatch(b -> b.capacityLevel().equalsIgnoreCase("Low")
                || b.capacityLevel().equalsIgnoreCase("Critical"))) {
            return true;
        }
        double mean = batteries.stream().filter(b -> b.capacity() >= 0).mapToInt(PowerSupply::capacity)
                .average().orElse(100.0);
        return mean < BATTERY_LOW_PERCENT;
    }
}
