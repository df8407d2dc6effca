package dev.bgtasks.linux.power;

import java.util.Locale;
import java.util.Map;

/**
 * One entry of {@code /sys/class/power_supply}: the attributes the power signals read, as text from its files.
 * Pure; {@link PowerSupplySource} does the reading.
 *
 * <pre>{@code
 * PowerSupply ac = PowerSupply.of("AC", Map.of("type", "Mains", "online", "1"));
 * }</pre>
 *
 * @param name the directory name ({@code AC}, {@code BAT0}, {@code ucsi-source-psy-USBC000:001})
 * @param type {@code Mains}, {@code USB}, {@code Battery}, {@code UPS}, {@code Wireless}, …; empty when unreadable
 * @param online for external supplies: {@code online} is not 0; null when absent or unreadable
 * @param status for batteries: {@code Charging}, {@code Discharging}, {@code Full}, {@code Not charging},
 *        {@code Unknown}; empty when absent
 * @param capacity percent 0–100, or -1 when absent or unreadable
 * @param capacityLevel {@code Critical}, {@code Low}, {@code Normal}, {@code High}, {@code Full}; empty when absent
 * @param scope {@code System}, {@code Device} (a peripheral's battery: mouse, headset), {@code Unknown}; empty
 *        when absent
 * @param present false only when {@code present} reads 0 (a removed battery)
 */
record PowerSupply(String name, String type, Boolean online, String status, int capacity, String capacityLevel,
        String scope, boolean present) {
    /** The attribute files this record is made of. */
    static final String[] ATTRIBUTES = {"type", "online", "status", "capacity", "capacity_level", "scope", "present"};

    /** Builds one from attribute texts by file name; missing files are simply absent from the map. */
    static PowerSupply of(String name, Map<String, String> attributes) {
        String online = value(attributes, "online");
        String present = value(attributes, "present");
        return new PowerSupply(name, value(attributes, "type"), online.isEmpty() ? null : !"0".equals(online),
                value(attributes, "status"), percent(value(attributes, "capacity")),
                value(attributes, "capacity_level"), value(attributes, "scope"), !"0".equals(present));
    }

    /** Mains, USB (any USB charger type the kernel names), wireless chargers: power from outside. */
    boolean external() {
        String t = type.toLowerCase(Locale.ROOT);
        return t.equals("mains") || t.startsWith("usb") || t.equals("wireless") || t.equals("brickid");
    }

    /** A battery that powers this machine: a laptop battery or a UPS, not a peripheral's. */
    boolean systemBattery() {
        return (type.equalsIgnoreCase("Battery") || type.equalsIgnoreCase("UPS"))
                && !scope.equalsIgnoreCase("Device") && present;
    }

    private static String value(Map<String, String> attributes, String key) {
        String value = attributes.get(key);
        return value == null ? "" : value.strip();
    }

    private static int percent(String text) {
        try {
            int value = Integer.parseInt(text);
            return value < 0 ? -1 : Math.min(value, 100);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
