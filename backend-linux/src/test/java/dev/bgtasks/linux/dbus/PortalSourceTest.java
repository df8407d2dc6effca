package dev.bgtasks.linux.dbus;

import static dev.bgtasks.linux.dbus.DBusMockBus.signals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;

import dev.bgtasks.spi.HostSignal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.UInt32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortalSourceTest {
    private static final String PORTAL = PortalSource.BUS_NAME;
    private static final String PATH = PortalSource.PATH;

    private DBusMockBus bus;
    private PortalSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    @ParameterizedTest(name = "GetConnectivity {0} → INTERNET {1}")
    @CsvSource(nullValues = "absent", value = {"0, absent", "1, absent", "2, false", "3, false", "4, true",
        "5, absent"})
    void connectivityMapsToInternetWithLocalUnknown(long connectivity, Boolean internet) {
        assertThat(PortalSource.internet(connectivity)).isEqualTo(Optional.ofNullable(internet));
    }

    @Test
    void meteredAndPowerSaverMapDirectly() {
        assertThat(PortalSource.signals(Optional.of(4L), Optional.of(true),
                Optional.of(Map.of("power-saver-enabled", true))))
                .isEqualTo(signals(HostSignal.INTERNET, true, HostSignal.UNMETERED_NETWORK, false,
                        HostSignal.ENERGY_SAVER, true));
        assertThat(PortalSource.signals(Optional.empty(), Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void withoutASessionBusItIsAbsentAndSaysWhy() {
        source = new PortalSource("DBUS_SESSION_BUS_ADDRESS is not set");
        source.start(() -> { });
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).isEqualTo("desktop portal: absent (DBUS_SESSION_BUS_ADDRESS is not set)");
    }

    @Test
    void asksTheNetworkMonitorAgainOnItsChangedSignal() throws Exception {
        bus = new DBusMockBus();
        bus.owner(PORTAL, ":1.40");
        PortalSource.NetworkMonitor monitor = bus.remote(PORTAL, PATH, PortalSource.NetworkMonitor.class);
        when(monitor.GetConnectivity()).thenReturn(new UInt32(4));
        when(monitor.GetMetered()).thenReturn(false);
        bus.properties(PORTAL, PATH, PortalSource.POWER_PROFILE_MONITOR, Map.of("power-saver-enabled", false));
        source = new PortalSource(bus.connector());
        DBusMockBus.ChangeCounter changes = DBusMockBus.start(source, bus, 4);
        assertThat(source.current()).isEqualTo(signals(HostSignal.INTERNET, true, HostSignal.UNMETERED_NETWORK,
                true, HostSignal.ENERGY_SAVER, false));

        when(monitor.GetConnectivity()).thenReturn(new UInt32(3));
        when(monitor.GetMetered()).thenReturn(true);
        // Not from the portal: ignored.
        bus.signal(":1.66", PATH, PortalSource.NETWORK_MONITOR, "changed");
        DBusMockBus.flush(source);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, true);
        assertThat(changes.count()).isEqualTo(1);

        bus.signal(":1.40", PATH, PortalSource.NETWORK_MONITOR, "changed");
        DBusMockBus.flush(source);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, false)
                .containsEntry(HostSignal.UNMETERED_NETWORK, false);

        bus.propertiesChanged(":1.40", PATH, PortalSource.POWER_PROFILE_MONITOR,
                Map.of("power-saver-enabled", true), List.of());
        DBusMockBus.flush(source);
        assertThat(source.current()).containsEntry(HostSignal.ENERGY_SAVER, true);

        bus.nameOwnerChanged(PORTAL, ":1.40", "");
        DBusMockBus.flush(source);
        assertThat(source.current()).isEmpty();
    }

    @Test
    void aPortalWithoutNetworkMonitorStillGivesEnergySaver() throws Exception {
        bus = new DBusMockBus();
        bus.owner(PORTAL, ":1.40");
        bus.properties(PORTAL, PATH, PortalSource.POWER_PROFILE_MONITOR, Map.of("power-saver-enabled", true));
        source = new PortalSource(bus.connector());
        DBusMockBus.start(source, bus, 4);
        assertThat(source.current()).isEqualTo(signals(HostSignal.ENERGY_SAVER, true));
        assertThat(source.describe()).contains("ENERGY_SAVER=true from portal PowerProfileMonitor");
    }
}
