package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The raw reading → signal tables of issue 6 (Signals), one row per case. */
class MacSignalRulesTest {
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    private static final long SECOND = 1_000_000_000L;

    static Stream<Arguments> networkTable() {
        return Stream.of(
                Arguments.of(new MacSignalRules.NetworkReading("en0", "192.168.1.1", null, null), true),
                Arguments.of(new MacSignalRules.NetworkReading(null, null, "en0", "fe80::1"), true),
                Arguments.of(new MacSignalRules.NetworkReading("utun3", null, null, null), true),
                Arguments.of(new MacSignalRules.NetworkReading(null, "10.0.0.1", null, null), true),
                Arguments.of(new MacSignalRules.NetworkReading(" ", "", null, null), false),
                Arguments.of(MacSignalRules.NetworkReading.NONE, false));
    }

    @ParameterizedTest
    @MethodSource("networkTable")
    void internetIsAPrimaryServiceInEitherFamilyAndMeteredIsUnknownSoUnmetered(
            MacSignalRules.NetworkReading reading, boolean internet) {
        assertThat(MacSignalRules.network(reading)).isEqualTo(Map.of(HostSignal.INTERNET, internet,
                HostSignal.UNMETERED_NETWORK, true));
    }

    static Stream<Arguments> powerTable() {
        return Stream.of(
                Arguments.of("AC Power", 1, false, Map.of(HostSignal.AC_POWER, true, HostSignal.BATTERY_LOW, false,
                        HostSignal.ENERGY_SAVER, false)),
                Arguments.of("Battery Power", 1, true, Map.of(HostSignal.AC_POWER, false,
                        HostSignal.BATTERY_LOW, false, HostSignal.ENERGY_SAVER, true)),
                Arguments.of("Battery Power", 2, null, Map.of(HostSignal.AC_POWER, false,
                        HostSignal.BATTERY_LOW, true)),
                Arguments.of("Battery Power", 3, false, Map.of(HostSignal.AC_POWER, false,
                        HostSignal.BATTERY_LOW, true, HostSignal.ENERGY_SAVER, false)),
                Arguments.of("UPS Power", 1, null, Map.of(HostSignal.AC_POWER, false, HostSignal.BATTERY_LOW, false)),
                Arguments.of(null, 1, null, Map.of(HostSignal.BATTERY_LOW, false)),
                Arguments.of("Something Else", 0, null, Map.of()),
                Arguments.of("AC Power", 7, true, Map.of(HostSignal.AC_POWER, true, HostSignal.ENERGY_SAVER, true)));
    }

    @ParameterizedTest
    @MethodSource("powerTable")
    void powerTypeWarningLevelAndLowPowerModeMapToSignals(String type, int level, Boolean lowPowerMode,
            Map<HostSignal, Boolean> expected) {
        assertThat(MacSignalRules.power(new MacSignalRules.PowerReading(type, level, lowPowerMode)))
                .isEqualTo(expected);
    }

    static Stream<Arguments> presenceTable() {
        return Stream.of(
                // idle, cgSession, onConsole, locked, consoleUser → USER_PRESENT, SESSION_CONNECTED
                Arguments.of(3 * SECOND, true, true, false, null, true, true),
                Arguments.of(301 * SECOND, true, true, false, null, false, true),
                Arguments.of(300 * SECOND, true, true, false, null, false, true),
                Arguments.of(3 * SECOND, true, true, true, null, false, true),
                Arguments.of(3 * SECOND, true, false, false, null, false, false),
                Arguments.of(3 * SECOND, true, null, false, null, true, null),
                Arguments.of(3 * SECOND, false, null, false, "alice", true, true),
                Arguments.of(3 * SECOND, false, null, false, "bob", false, false),
                Arguments.of(3 * SECOND, false, null, false, "loginwindow", false, false),
                Arguments.of(null, true, true, false, null, null, true),
                Arguments.of(-1L, false, null, false, null, null, null));
    }

    @ParameterizedTest
    @MethodSource("presenceTable")
    void presenceIsRecentInputOnAnUnlockedConsoleSession(Long idle, boolean cgSession, Boolean onConsole,
            boolean locked, String consoleUser, Boolean present, Boolean connected) {
        Map<HostSignal, Boolean> signals = MacSignalRules.presence(new MacSignalRules.PresenceReading(idle, cgSession,
                onConsole, locked, consoleUser, "alice"), FIVE_MINUTES);
        assertThat(signals.get(HostSignal.USER_PRESENT)).isEqualTo(present);
        assertThat(signals.get(HostSignal.SESSION_CONNECTED)).isEqualTo(connected);
    }
}
