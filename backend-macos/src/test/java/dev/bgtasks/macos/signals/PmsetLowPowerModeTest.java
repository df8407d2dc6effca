package dev.bgtasks.macos.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pmset -g fallback of issue 6: both keys, absent, garbage. */
class PmsetLowPowerModeTest {
    private static final String HEAD = "System-wide power settings:\nCurrently in use:\n standby              1\n"
            + " hibernatemode        3\n powernap             1\n";

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(HEAD + " lowpowermode         1\n sleep                1\n", Optional.of(true)),
                Arguments.of(HEAD + " lowpowermode         0\n", Optional.of(false)),
                Arguments.of(HEAD + " powermode            1\n", Optional.of(true)),
                Arguments.of(HEAD + " powermode            0\n", Optional.of(false)),
                Arguments.of(HEAD + " powermode            2\n", Optional.of(false)),
                Arguments.of(HEAD + " powermode 1\n lowpowermode 0\n", Optional.of(false)),
                Arguments.of(HEAD + "\tlowpowermode\t1\r\n", Optional.of(true)),
                Arguments.of(HEAD, Optional.empty()),
                Arguments.of("", Optional.empty()),
                Arguments.of(HEAD + " lowpowermode         on\n", Optional.empty()),
                Arguments.of(HEAD + " lowpowermode\n", Optional.empty()),
                Arguments.of(HEAD + " lowpowermode 1 extra\n", Optional.empty()),
                Arguments.of(" mylowpowermode 1\n notpowermode 1\n", Optional.empty()),
                Arguments.of("\u0000\u00ff garbage \n\n", Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("table")
    void parsesLowPowerModeOrPowerMode(String output, Optional<Boolean> expected) {
        assertThat(PmsetLowPowerMode.parse(output)).isEqualTo(expected);
    }

    @Test
    void aFailingPmsetIsUnknownAndSaidInDescribe() {
        PmsetLowPowerMode pmset = new PmsetLowPowerMode(() -> {
            throw new IOException("no such file: /usr/bin/pmset");
        });
        pmset.because("NSProcessInfo has no isLowPowerModeEnabled (before macOS 12)");
        assertThat(pmset.lowPowerMode()).isEmpty();
        assertThat(pmset.describe()).contains("pmset -g", "fallback: NSProcessInfo has no isLowPowerModeEnabled",
                "no such file");
    }

    @Test
    void readsThroughItsRunnerEachTime() {
        String[] output = {" lowpowermode 0\n"};
        PmsetLowPowerMode pmset = new PmsetLowPowerMode(() -> output[0]);
        assertThat(pmset.lowPowerMode()).contains(false);
        output[0] = " lowpowermode 1\n";
        assertThat(pmset.lowPowerMode()).contains(true);
    }
}
