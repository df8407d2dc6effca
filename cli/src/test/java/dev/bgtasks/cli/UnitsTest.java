package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostSignal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void sizesAreBinaryMultiples() {
        assertThat(Units.bytes("65536")).isEqualTo(65536);
        assertThat(Units.bytes("64K")).isEqualTo(64L << 10);
        assertThat(Units.bytes("256M")).isEqualTo(256L << 20);
        assertThat(Units.bytes("256MiB")).isEqualTo(256L << 20);
        assertThat(Units.bytes("1g")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> Units.bytes("-5M")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.bytes("lots")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Units.bytes("99999999999T")).hasMessageContaining("too large");
    }

    @Test
    void durationsTakeShortAndIsoForms() {
        assertThat(Units.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Units.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Units.duration("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Units.duration("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void simulatedSignalsParseNamesAndValues() {
        var parsed = SimulateCommand.parse(List.of("energy-saver=true", "internet=off", "user-present=unknown"));
        assertThat(parsed).containsEntry(HostSignal.ENERGY_SAVER, true).containsEntry(HostSignal.INTERNET, false)
                .containsEntry(HostSignal.USER_PRESENT, null);
        assertThatThrownBy(() -> SimulateCommand.parse(List.of("wifi=true"))).hasMessageContaining("unknown signal");
        assertThatThrownBy(() -> SimulateCommand.parse(List.of("internet"))).hasMessageContaining("SIGNAL=VALUE");
        assertThatThrownBy(() -> SimulateCommand.parse(List.of("internet=maybe"))).hasMessageContaining("maybe");
    }

    @Test
    void simulatedHardwareParsesVerdictsAndReadings() { // SPEC H5
        var parsed = SimulateCommand.parseHardware(List.of("usb-device=1D6B:0002=true", "cpu-temperature=45.5",
                "volume-mounted=/mnt/rig=unknown", "cpu-idle=90"));
        assertThat(parsed.conditionOverrides()).containsEntry("usb-device=1d6b:0002", true);
        assertThat(parsed.cpuTemperatureCelsius()).isEqualTo(45.5);
        assertThat(parsed.cpuIdlePercent()).isEqualTo(90.0);
        assertThat(SimulateCommand.isHardware("usb-device=1d6b:0002=true")).isTrue();
        assertThat(SimulateCommand.isHardware("internet=true")).isFalse();
        assertThatThrownBy(() -> SimulateCommand.parseHardware(List.of("usb-device=1d6b:0002")))
                .hasMessageContaining("CONDITION=VALUE");
        assertThatThrownBy(() -> SimulateCommand.parseHardware(List.of("cpu-idle=lots"))).hasMessageContaining("number");
    }
}
