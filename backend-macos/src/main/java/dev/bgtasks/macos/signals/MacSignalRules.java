package dev.bgtasks.macos.signals;

import dev.bgtasks.macos.jna.IOKitLib;
import dev.bgtasks.spi.HostSignal;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How each macOS signal follows from the raw readings. Pure; tested with tables.
 *
 * <pre>{@code
 * Map<HostSignal, Boolean> power = MacSignalRules.power(new MacSignalRules.PowerReading("AC Power", 1, false));
 * // {AC_POWER=true, BATTERY_LOW=false, ENERGY_SAVER=false}
 * }</pre>
 */
final class MacSignalRules {
    /** {@code kIOPSACPowerValue} / {@code kIOPMACPowerKey}. */
    static final String AC_POWER = "AC Power";
    static final String BATTERY_POWER = "Battery Power";
    static final String UPS_POWER = "UPS Power";

    private MacSignalRules() {
    }

    /**
     * The primary service of each family from {@code State:/Network/Global/IPv4} and {@code IPv6}: configd writes
     * them only for a service that holds the default route. Null fields are absent keys.
     */
    record NetworkReading(String ipv4Interface, String ipv4Router, String ipv6Interface, String ipv6Router) {
        static final NetworkReading NONE = new NetworkReading(null, null, null, null);
    }

    /**
     * @param providingType what {@code IOPSGetProvidingPowerSourceType} said, null when it said nothing
     * @param warningLevel {@code IOPSGetBatteryWarningLevel}
     * @param lowPowerMode Low Power Mode, null when unknown
     */
    record PowerReading(String providingType, int warningLevel, Boolean lowPowerMode) {
    }

    /**
     * @param idleNanos {@code HIDIdleTime}, null when unreadable
     * @param cgSession whether {@code CGSessionCopyCurrentDictionary} gave a dictionary
     * @param onConsole its {@code kCGSSessionOnConsoleKey}, null when absent
     * @param screenLocked its {@code CGSSessionScreenIsLocked}, true only when present and true
     * @param consoleUser the dynamic store's {@code State:/Users/ConsoleUser} name, null when unreadable
     * @param ourUser this process's user name
     */
    record PresenceReading(Long idleNanos, boolean cgSession, Boolean onConsole, boolean screenLocked,
            String consoleUser, String ourUser) {
    }

    /** INTERNET: a primary service with an interface or a router in either family; UNMETERED_NETWORK: see class. */
    static Map<HostSignal, Boolean> network(NetworkReading reading) {
        boolean internet = present(reading.ipv4Interface()) || present(reading.ipv4Router())
                || present(reading.ipv6Interface()) || present(reading.ipv6Router());
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        out.put(HostSignal.INTERNET, internet);
        // macOS tells "expensive" only to Network.framework's block-based path monitor: unknown counts as unmetered.
        out.put(HostSignal.UNMETERED_NETWORK, true);
        return out;
    }

    /** AC_POWER from the providing type, BATTERY_LOW from the warning level, ENERGY_SAVER from Low Power Mode. */
    static Map<HostSignal, Boolean> power(PowerReading reading) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        String type = reading.providingType();
        if (AC_POWER.equals(type)) {
            out.put(HostSignal.AC_POWER, true);
        } else if (BATTERY_POWER.equals(type) || UPS_POWER.equals(type)) {
            // On a UPS the mains have failed: not external power in the sense of AC_POWER.
            out.put(HostSignal.AC_POWER, false);
        }
        switch (reading.warningLevel()) {
            case IOKitLib.WARNING_NONE -> out.put(HostSignal.BATTERY_LOW, false);
            case IOKitLib.WARNING_EARLY, IOKitLib.WARNING_FINAL -> out.put(HostSignal.BATTERY_LOW, true);
            default -> {
                // Another value is not in IOPowerSources.h: unknown.
            }
        }
        if (reading.lowPowerMode() != null) {
            out.put(HostSignal.ENERGY_SAVER, reading.lowPowerMode());
        }
        return out;
    }

    /**
     * SESSION_CONNECTED: the window-server session is on the console; without one (ssh, a daemon) whether the console
     * user is us. USER_PRESENT: input less than {@code threshold} ago and the screen not locked.
     */
    static Map<HostSignal, Boolean> presence(PresenceReading reading, Duration threshold) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        Boolean connected = null;
        if (reading.cgSession() && reading.onConsole() != null) {
            connected = reading.onConsole();
        } else if (reading.consoleUser() != null) {
            connected = reading.consoleUser().equals(reading.ourUser());
        }
        if (connected != null) {
            out.put(HostSignal.SESSION_CONNECTED, connected);
        }
        if (reading.idleNanos() != null && reading.idleNanos() >= 0) {
            boolean recent = reading.idleNanos() < threshold.toNanos();
            boolean away = reading.screenLocked() || Boolean.FALSE.equals(connected);
            out.put(HostSignal.USER_PRESENT, recent && !away);
        }
        return out;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
