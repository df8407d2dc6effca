package dev.bgtasks.windows.signals;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.windows.jna.NlmInterfaces;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How raw Windows readings become host signals. Pure: no native call, so every rule is proven by a table test.
 * Each method returns only the signals its reading can tell; an unknown reading leaves the signal out.
 *
 * <pre>{@code
 * Map<HostSignal, Boolean> net = WinSignalRules.network(NlmInterfaces.NLM_CONNECTIVITY_IPV4_INTERNET,
 *         NlmInterfaces.NLM_CONNECTION_COST_UNRESTRICTED);   // {INTERNET=true, UNMETERED_NETWORK=true}
 * }</pre>
 */
public final class WinSignalRules {
    /** Below this battery charge the battery is low; the same threshold as the Linux backend. */
    static final int BATTERY_LOW_PERCENT = 20;

    /** {@code SYSTEM_POWER_STATUS.ACLineStatus}. */
    static final int AC_LINE_OFFLINE = 0;
    static final int AC_LINE_ONLINE = 1;
    static final int AC_LINE_UNKNOWN = 255;
    /** {@code SYSTEM_POWER_STATUS.BatteryFlag} bits, and 255 for "cannot read". */
    static final int BATTERY_FLAG_HIGH = 0x01;
    static final int BATTERY_FLAG_LOW = 0x02;
    static final int BATTERY_FLAG_CRITICAL = 0x04;
    static final int BATTERY_FLAG_CHARGING = 0x08;
    static final int BATTERY_FLAG_NO_SYSTEM_BATTERY = 0x80;
    static final int BATTERY_FLAG_UNKNOWN = 255;
    /** {@code SYSTEM_POWER_STATUS.BatteryLifePercent} when the charge is not known. */
    static final int BATTERY_PERCENT_UNKNOWN = 255;
    /** {@code SYSTEM_POWER_STATUS.SystemStatusFlag} bit: battery saver on. */
    static final int SYSTEM_STATUS_BATTERY_SAVER = 0x01;

    /** {@code WTS_CONNECTSTATE_CLASS} values that mean the user's session is attached to a console or client. */
    static final int WTS_ACTIVE = 0;
    static final int WTS_SHADOW = 3;
    /** The highest {@code WTS_CONNECTSTATE_CLASS} value ({@code WTSInit}). */
    static final int WTS_LAST_STATE = 9;

    private WinSignalRules() {
    }

    /**
     * The four bytes of {@code SYSTEM_POWER_STATUS} that matter, each as an unsigned value 0..255.
     *
     * @param acLineStatus 0 offline, 1 online, 255 unknown
     * @param batteryFlag bits HIGH 1, LOW 2, CRITICAL 4, CHARGING 8, NO_SYSTEM_BATTERY 128; 255 unknown
     * @param batteryLifePercent 0..100, 255 unknown
     * @param systemStatusFlag bit 1: battery saver on
     */
    record PowerStatus(int acLineStatus, int batteryFlag, int batteryLifePercent, int systemStatusFlag) {
        PowerStatus {
            for (int value : new int[] {acLineStatus, batteryFlag, batteryLifePercent, systemStatusFlag}) {
                if (value < 0 || value > 255) {
                    throw new IllegalArgumentException("a SYSTEM_POWER_STATUS byte is 0..255, got " + value);
                }
            }
        }

        boolean hasNoBattery() {
            return batteryFlag != BATTERY_FLAG_UNKNOWN && (batteryFlag & BATTERY_FLAG_NO_SYSTEM_BATTERY) != 0;
        }
    }

    /**
     * INTERNET from {@code INetworkListManager::GetConnectivity}: IPv4 or IPv6 internet. UNMETERED_NETWORK from
     * {@code INetworkCostManager::GetCost}: unrestricted and neither over its data limit nor roaming; fixed and
     * variable plans are metered; an unknown cost (0) says nothing.
     *
     * @param connectivity NLM_CONNECTIVITY flags, null when they could not be read
     * @param cost NLM_CONNECTION_COST flags, null when they could not be read
     */
    static Map<HostSignal, Boolean> network(Integer connectivity, Integer cost) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        if (connectivity != null) {
            int internet = NlmInterfaces.NLM_CONNECTIVITY_IPV4_INTERNET | NlmInterfaces.NLM_CONNECTIVITY_IPV6_INTERNET;
            out.put(HostSignal.INTERNET, (connectivity & internet) != 0);
        }
        if (cost != null && (cost & NlmInterfaces.NLM_CONNECTION_COST_LEVELS) != 0) {
            boolean unrestricted = (cost & NlmInterfaces.NLM_CONNECTION_COST_UNRESTRICTED) != 0;
            boolean charged = (cost & (NlmInterfaces.NLM_CONNECTION_COST_FIXED
                    | NlmInterfaces.NLM_CONNECTION_COST_VARIABLE)) != 0;
            boolean overOrRoaming = (cost & (NlmInterfaces.NLM_CONNECTION_COST_OVERDATALIMIT
                    | NlmInterfaces.NLM_CONNECTION_COST_ROAMING)) != 0;
            out.put(HostSignal.UNMETERED_NETWORK, unrestricted && !charged && !overOrRoaming);
        }
        return out;
    }

    /**
     * AC_POWER, BATTERY_LOW and ENERGY_SAVER.
     *
     * <p>AC_POWER: ACLineStatus 1 yes, 0 no; 255 (unknown) is yes only on a machine without a system battery.
     * BATTERY_LOW: no system battery is never low; a known charge is low below {@value #BATTERY_LOW_PERCENT} %; an
     * unknown charge falls back to the flag bits CRITICAL (low) and HIGH (not low), else unknown.
     * ENERGY_SAVER: {@code GUID_ENERGY_SAVER_STATUS} decides once Windows has sent it (11 24H2+, where the older
     * signals stay off); before that, {@code GUID_POWER_SAVING_STATUS} or the SystemStatusFlag bit.
     *
     * @param status the power status, null when GetSystemPowerStatus failed
     * @param energySaverStatus the last {@code GUID_ENERGY_SAVER_STATUS} value (0 off, 1 standard, 2 high savings)
     *     or null when none came
     * @param powerSavingStatus the last {@code GUID_POWER_SAVING_STATUS} value (0 off, 1 on) or null when none came
     */
    static Map<HostSignal, Boolean> power(PowerStatus status, Integer energySaverStatus, Integer powerSavingStatus) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        if (status != null) {
            if (status.acLineStatus() == AC_LINE_ONLINE) {
                out.put(HostSignal.AC_POWER, true);
            } else if (status.acLineStatus() == AC_LINE_OFFLINE) {
                out.put(HostSignal.AC_POWER, false);
            } else if (status.hasNoBattery()) {
                out.put(HostSignal.AC_POWER, true);
            }
            Boolean low = batteryLow(status);
            if (low != null) {
                out.put(HostSignal.BATTERY_LOW, low);
            }
        }
        if (energySaverStatus != null) {
            out.put(HostSignal.ENERGY_SAVER, energySaverStatus != 0);
        } else if (status != null || powerSavingStatus != null) {
            boolean flag = status != null && (status.systemStatusFlag() & SYSTEM_STATUS_BATTERY_SAVER) != 0;
            out.put(HostSignal.ENERGY_SAVER, flag || (powerSavingStatus != null && powerSavingStatus != 0));
        }
        return out;
    }

    private static Boolean batteryLow(PowerStatus status) {
        if (status.hasNoBattery()) {
            return false;
        }
        int percent = status.batteryLifePercent();
        if (percent <= 100) {
            return percent < BATTERY_LOW_PERCENT;
        }
        int flag = status.batteryFlag();
        if (flag == BATTERY_FLAG_UNKNOWN) {
            return null;
        }
        if ((flag & BATTERY_FLAG_CRITICAL) != 0) {
            return true;
        }
        return (flag & BATTERY_FLAG_HIGH) != 0 ? Boolean.FALSE : null;
    }

    /**
     * SESSION_CONNECTED from {@code WTSConnectState} of the broker's own session: active (or shadowed) is
     * connected, every other state (disconnected, idle, listening, ...) is not. A disconnected or locked session
     * also has nobody at it, so USER_PRESENT is false then; otherwise this says nothing about presence.
     *
     * @param connectState WTS_CONNECTSTATE_CLASS, null when it could not be read
     * @param locked from WTSSessionInfoEx or the last lock/unlock notification, null when unknown
     */
    static Map<HostSignal, Boolean> session(Integer connectState, Boolean locked) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        if (connectState != null && connectState >= 0 && connectState <= WTS_LAST_STATE) {
            boolean connected = connectState == WTS_ACTIVE || connectState == WTS_SHADOW;
            out.put(HostSignal.SESSION_CONNECTED, connected);
            if (!connected) {
                out.put(HostSignal.USER_PRESENT, false);
            }
        }
        if (Boolean.TRUE.equals(locked)) {
            out.put(HostSignal.USER_PRESENT, false);
        }
        return out;
    }

    /**
     * The combining rule of {@code WindowsSignals}: every signal comes from the first source, in precedence order,
     * that knows it.
     *
     * @param byPrecedence each source's readings, most authoritative first
     * @return the combined snapshot
     */
    public static SignalSnapshot merge(List<Map<HostSignal, Boolean>> byPrecedence) {
        Map<HostSignal, Boolean> merged = new EnumMap<>(HostSignal.class);
        for (Map<HostSignal, Boolean> readings : byPrecedence) {
            readings.forEach((signal, value) -> {
                if (value != null) {
                    merged.putIfAbsent(signal, value);
                }
            });
        }
        return new SignalSnapshot(merged);
    }

    /** USER_PRESENT while the last input is less than {@code threshold} ago. */
    static Map<HostSignal, Boolean> presence(long idleMillis, Duration threshold) {
        if (idleMillis < 0) {
            throw new IllegalArgumentException("idle time is negative: " + idleMillis);
        }
        return Map.of(HostSignal.USER_PRESENT, idleMillis < threshold.toMillis());
    }

    /**
     * Milliseconds since the last input from {@code GetTickCount()} and {@code LASTINPUTINFO.dwTime}: both are
     * 32-bit tick counts that wrap after 49.7 days, so the difference is taken modulo 2^32.
     */
    static long idleMillis(int tickCount, int lastInputTick) {
        return (tickCount - lastInputTick) & 0xFFFF_FFFFL;
    }
}
