package dev.bgtasks.generic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The OSHI conversions of the polled hardware fallback (generic, Windows, macOS), without a host. */
class OshiHardwareTest {
    @Test
    void usbIdsArePaddedLowerCaseWithTheSerialWhenThereIsOne() { // SPEC H1
        assertThat(OshiHardware.usbId("1D6B", "2", null)).contains("1d6b:0002");
        assertThat(OshiHardware.usbId("0x046d", "c52b", " 123ABC ")).contains("046d:c52b:123ABC");
        assertThat(OshiHardware.usbId("", "c52b", null)).isEmpty();
    }

    @Test
    void aSensorThatDoesNotAnswerIsUnknown() { // SPEC H1
        assertThat(OshiHardware.temperature(Double.NaN)).isNull();
        assertThat(OshiHardware.temperature(0)).isNull();
        assertThat(OshiHardware.temperature(48.5)).isEqualTo(48.5);
    }

    @Test
    void idleIsIdleAndIowaitTicksOverAllTicks() { // SPEC H1
        // user, nice, system, idle, iowait, irq, softirq, steal
        long[] before = {100, 0, 100, 700, 100, 0, 0, 0};
        long[] after = {150, 0, 150, 1500, 100, 0, 0, 0};
        assertThat(OshiHardware.idlePercent(before, after)).isEqualTo(88.9);
        assertThat(OshiHardware.idlePercent(after, after)).isNull();
    }

    @Test
    void nothingIsReadBeforeARegistrationNeedsIt() throws Exception { // SPEC H4
        try (HardwareSource hw = OshiHardware.polled(EnumSet.allOf(HardwareSignal.class), Duration.ofMinutes(1))) {
            assertThat(hw.current().knows(HardwareSignal.VOLUMES)).isFalse();
            assertThat(hw.describe()).contains("polled every 1 min while a registration needs it (idle)");
            hw.need(EnumSet.of(HardwareSignal.VOLUMES));
            Await.until(Duration.ofSeconds(30), "the volumes", () -> hw.current().knows(HardwareSignal.VOLUMES));
            assertThat(hw.current().knows(HardwareSignal.CPU_IDLE)).isFalse();
            assertThat(hw.describe()).contains("VOLUMES: OSHI").contains("(polling now)");
        }
    }
}
