package dev.bgtasks.windows.signals;

import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTION_COST_APPROACHINGDATALIMIT;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTION_COST_CONGESTED;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTION_COST_FIXED;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTION_COST_OVERDATALIMIT;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTION_COST_ROAMING;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTION_COST_UNRESTRICTED;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTION_COST_VARIABLE;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTIVITY_IPV4_INTERNET;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTIVITY_IPV4_LOCALNETWORK;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTIVITY_IPV4_NOTRAFFIC;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTIVITY_IPV4_SUBNET;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTIVITY_IPV6_INTERNET;
import static dev.bgtasks.windows.jna.NlmInterfaces.NLM_CONNECTIVITY_IPV6_LOCALNETWORK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.task.BackgroundWorkCost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 5 "the signal state machine": raw Windows readings to signals, by table. */
class WinSignalRulesTest {
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    /** Column "-" is an unknown signal (left out of the map). */
    @ParameterizedTest(name = "connectivity {0}, cost {1} -> internet {2}, unmetered {3}")
    @CsvSource({
        // connectivity, cost, INTERNET, UNMETERED_NETWORK
        "0x0,   0x1,     false, true",
        "0x40,  0x1,     true,  true",
        "0x400, 0x1,     true,  true",
        "0x440, 0x1,     true,  true",
        "0x20,  0x1,     false, true",
        "0x210, 0x1,     false, true",
        "0x1,   0x0,     false, -",
        "0x40,  0x2,     true,  false",
        "0x40,  0x4,     true,  false",
        "0x40,  0x10001, true,  false",
        "0x40,  0x40001, true,  false",
        "0x40,  0x20001, true,  true",
        "0x40,  0x80001, true,  true",
        "0x40,  0x10000, true,  -",
        "-,     0x1,     -,     true",
        "0x40,  -,       true,  -",
        "-,     -,       -,     -",
    })
    void networkTable(String connectivity, String cost, String internet, String unmetered) {
        Map<HostSignal, Boolean> signals = WinSignalRules.network(hex(connectivity), hex(cost));
        assertThat(signals.get(HostSignal.INTERNET)).isEqualTo(bool(internet));
        assertThat(signals.get(HostSignal.UNMETERED_NETWORK)).isEqualTo(bool(unmetered));
    }

    @Test
    void theFlagConstantsAreTheOnesTheTableUses() {
        assertThat(List.of(NLM_CONNECTIVITY_IPV4_NOTRAFFIC, NLM_CONNECTIVITY_IPV4_SUBNET,
                NLM_CONNECTIVITY_IPV4_LOCALNETWORK, NLM_CONNECTIVITY_IPV4_INTERNET, NLM_CONNECTIVITY_IPV6_LOCALNETWORK,
                NLM_CONNECTIVITY_IPV6_INTERNET)).containsExactly(0x1, 0x10, 0x20, 0x40, 0x200, 0x400);
        assertThat(List.of(NLM_CONNECTION_COST_UNRESTRICTED, NLM_CONNECTION_COST_FIXED, NLM_CONNECTION_COST_VARIABLE,
                NLM_CONNECTION_COST_OVERDATALIMIT, NLM_CONNECTION_COST_CONGESTED, NLM_CONNECTION_COST_ROAMING,
                NLM_CONNECTION_COST_APPROACHINGDATALIMIT))
                .containsExactly(0x1, 0x2, 0x4, 0x10000, 0x20000, 0x40000, 0x80000);
    }

    @ParameterizedTest(name = "AC {0}, flag {1}, {2} %, status {3}, saver {4}/{5} -> ac {6}, low {7}, saver {8}")
    @CsvSource({
        // ACLine, BatteryFlag, Percent, SystemStatusFlag, ENERGY_SAVER_STATUS, POWER_SAVING_STATUS,
        //   AC_POWER, BATTERY_LOW, ENERGY_SAVER
        "1,   1,   90,  0, -, -, true,  false, false",
        "0,   1,   90,  0, -, -, false, false, false",
        "0,   2,   19,  0, -, -, false, true,  false",
        "0,   2,   20,  0, -, -, false, false, false",
        "1,   10,  5,   0, -, -, true,  true,  false",
        "0,   4,   255, 0, -, -, false, true,  false",
        "0,   1,   255, 0, -, -, false, false, false",
        "0,   2,   255, 0, -, -, false, -,     false",
        "0,   255, 255, 0, -, -, false, -,     false",
        "255, 255, 255, 0, -, -, -,     -,     false",
        "255, 128, 255, 0, -, -, true,  false, false",
        "1,   128, 255, 0, -, -, true,  false, false",
        "0,   1,   70,  1, -, -, false, false, true",
        "0,   1,   70,  0, -, 1, false, false, true",
        "0,   1,   70,  1, -, 0, false, false, true",
        // Windows 11 24H2: the new GUID decides, the old flag stays 0 and cannot turn it off or on.
        "1,   1,   70,  0, 1, -, true,  false, true",
        "1,   1,   70,  0, 2, -, true,  false, true",
        "1,   1,   70,  1, 0, 1, true,  false, false",
        "0,   1,   101, 0, -, -, false, false, false",
        "0,   255, 101, 0, -, -, false, -,     false",
    })
    void powerTable(int acLine, int flag, int percent, int statusFlag, String energySaver, String powerSaving,
            String ac, String low, String saver) {
        Map<HostSignal, Boolean> signals = WinSignalRules.power(
                new WinSignalRules.PowerStatus(acLine, flag, percent, statusFlag),
                integer(energySaver), integer(powerSaving));
        assertThat(signals.get(HostSignal.AC_POWER)).as("AC_POWER").isEqualTo(bool(ac));
        assertThat(signals.get(HostSignal.BATTERY_LOW)).as("BATTERY_LOW").isEqualTo(bool(low));
        assertThat(signals.get(HostSignal.ENERGY_SAVER)).as("ENERGY_SAVER").isEqualTo(bool(saver));
    }

    @Test
    void withoutAPowerStatusOnlyTheNotifiedEnergySaverIsKnown() {
        assertThat(WinSignalRules.power(null, null, null)).isEmpty();
        assertThat(WinSignalRules.power(null, 1, null)).containsExactly(Map.entry(HostSignal.ENERGY_SAVER, true));
        assertThat(WinSignalRules.power(null, null, 0)).containsExactly(Map.entry(HostSignal.ENERGY_SAVER, false));
    }

    @Test
    void aPowerStatusByteOutOfRangeIsAnError() {
        assertThatThrownBy(() -> new WinSignalRules.PowerStatus(256, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
    }

    @ParameterizedTest(name = "state {0}, locked {1} -> connected {2}, present {3}")
    @CsvSource({
        // WTS_CONNECTSTATE_CLASS, locked, SESSION_CONNECTED, USER_PRESENT
        "0, false, true,  -",
        "0, -,     true,  -",
        "0, true,  true,  false",
        "3, false, true,  -",
        "1, false, false, false",
        "4, false, false, false",
        "4, true,  false, false",
        "5, -,     false, false",
        "9, -,     false, false",
        "10, -,    -,     -",
        "-, true,  -,     false",
        "-, -,     -,     -",
    })
    void sessionTable(String state, String locked, String connected, String present) {
        Map<HostSignal, Boolean> signals = WinSignalRules.session(integer(state), bool(locked));
        assertThat(signals.get(HostSignal.SESSION_CONNECTED)).isEqualTo(bool(connected));
        assertThat(signals.get(HostSignal.USER_PRESENT)).isEqualTo(bool(present));
    }

    @ParameterizedTest(name = "tick {0}, last input {1} -> idle {2} ms")
    @CsvSource({
        "1000,        400,         600",
        "400,         400,         0",
        // GetTickCount wraps after 49.7 days: the last input was 16 ms before the wrap, now is 84 ms after it.
        "84,          -16,         100",
        "-2147483648, 2147483647,  1",
    })
    void idleTimeSurvivesTheTickCountWrap(int tick, int lastInput, long idle) {
        assertThat(WinSignalRules.idleMillis(tick, lastInput)).isEqualTo(idle);
    }

    @Test
    void presenceIsInputWithinTheThreshold() {
        assertThat(WinSignalRules.presence(0, FIVE_MINUTES)).containsEntry(HostSignal.USER_PRESENT, true);
        assertThat(WinSignalRules.presence(299_999, FIVE_MINUTES)).containsEntry(HostSignal.USER_PRESENT, true);
        assertThat(WinSignalRules.presence(300_000, FIVE_MINUTES)).containsEntry(HostSignal.USER_PRESENT, false);
        assertThatThrownBy(() -> WinSignalRules.presence(-1, FIVE_MINUTES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** SPEC enums, BackgroundWorkCost: the Windows readings give the three costs through the snapshot. */
    @Test
    void readingsGiveTheBackgroundWorkCost() {
        SignalSnapshot onAc = WinSignalRules.merge(List.of(
                WinSignalRules.power(new WinSignalRules.PowerStatus(1, 1, 90, 0), null, null),
                WinSignalRules.presence(1_000_000, FIVE_MINUTES)));
        SignalSnapshot batteryUserHere = WinSignalRules.merge(List.of(
                WinSignalRules.power(new WinSignalRules.PowerStatus(0, 1, 90, 0), null, null),
                WinSignalRules.presence(10, FIVE_MINUTES)));
        SignalSnapshot batteryUserAway = WinSignalRules.merge(List.of(
                WinSignalRules.power(new WinSignalRules.PowerStatus(0, 1, 90, 0), null, null),
                WinSignalRules.presence(1_000_000, FIVE_MINUTES)));
        SignalSnapshot energySaverOnAc = WinSignalRules.merge(List.of(
                WinSignalRules.power(new WinSignalRules.PowerStatus(1, 1, 90, 0), 1, null),
                WinSignalRules.presence(10, FIVE_MINUTES)));
        assertThat(onAc.backgroundWorkCost()).isEqualTo(BackgroundWorkCost.LOW);
        assertThat(batteryUserHere.backgroundWorkCost()).isEqualTo(BackgroundWorkCost.MEDIUM);
        assertThat(batteryUserAway.backgroundWorkCost()).isEqualTo(BackgroundWorkCost.HIGH);
        assertThat(energySaverOnAc.backgroundWorkCost()).isEqualTo(BackgroundWorkCost.HIGH);
    }

    private static Integer hex(String text) {
        return "-".equals(text) ? null : Integer.decode(text);
    }

    private static Integer integer(String text) {
        return "-".equals(text) ? null : Integer.valueOf(text);
    }

    private static Boolean bool(String text) {
        return "-".equals(text) ? null : Boolean.valueOf(text);
    }
}
