package dev.bgtasks.linux.dbus;

import static dev.bgtasks.linux.dbus.DBusMockBus.signals;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PowerProfilesSourceTest {
    private DBusMockBus bus;
    private PowerProfilesSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    @ParameterizedTest(name = "ActiveProfile {0} → ENERGY_SAVER {1}")
    @CsvSource({"power-saver, true", "balanced, false", "performance, false", "Power-Saver, false", "'', false"})
    void onlyThePowerSaverProfileIsEnergySaver(String profile, boolean saver) {
        assertThat(PowerProfilesSource.energySaver(profile)).isEqualTo(saver);
    }

    @Test
    void theCurrentNameWinsOverTheLegacyOne() {
        Optional<Map<String, Object>> saver = Optional.of(Map.of("ActiveProfile", "power-saver"));
        Optional<Map<String, Object>> balanced = Optional.of(Map.of("ActiveProfile", "balanced"));
        assertThat(PowerProfilesSource.energySaver(balanced, saver)).contains(false);
        assertThat(PowerProfilesSource.energySaver(Optional.empty(), saver)).contains(true);
        assertThat(PowerProfilesSource.energySaver(Optional.of(Map.of()), saver)).contains(true);
        assertThat(PowerProfilesSource.energySaver(Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void followsTheLegacyNameAloneAndTheCurrentOneWhenItArrives() throws Exception {
        bus = new DBusMockBus();
        bus.owner(PowerProfilesSource.LEGACY_BUS_NAME, ":1.4");
        bus.properties(PowerProfilesSource.LEGACY_BUS_NAME, PowerProfilesSource.LEGACY_PATH,
                PowerProfilesSource.LEGACY_INTERFACE, Map.of("ActiveProfile", "balanced"));
        source = new PowerProfilesSource(bus.connector());
        DBusMockBus.start(source, bus, 4);
        assertThat(source.current()).isEqualTo(signals(HostSignal.ENERGY_SAVER, false));

        bus.propertiesChanged(":1.4", PowerProfilesSource.LEGACY_PATH, PowerProfilesSource.LEGACY_INTERFACE,
                Map.of("ActiveProfile", "power-saver"), List.of());
        DBusMockBus.flush(source);
        assertThat(source.current()).isEqualTo(signals(HostSignal.ENERGY_SAVER, true));
        assertThat(source.describe()).contains("ENERGY_SAVER=true from ActiveProfile of net.hadess.PowerProfiles");

        bus.properties(PowerProfilesSource.BUS_NAME, PowerProfilesSource.PATH, PowerProfilesSource.INTERFACE,
                Map.of("ActiveProfile", "performance"));
        bus.nameOwnerChanged(PowerProfilesSource.BUS_NAME, "", ":1.5");
        DBusMockBus.flush(source);
        assertThat(source.current()).isEqualTo(signals(HostSignal.ENERGY_SAVER, false));
        assertThat(source.describe()).contains("org.freedesktop.UPower.PowerProfiles");
    }
}
