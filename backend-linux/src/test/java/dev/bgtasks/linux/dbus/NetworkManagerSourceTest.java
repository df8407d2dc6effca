package dev.bgtasks.linux.dbus;

import static dev.bgtasks.linux.dbus.DBusMockBus.signals;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.types.UInt32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkManagerSourceTest {
    private static final String NM = NetworkManagerSource.BUS_NAME;
    private static final String PATH = NetworkManagerSource.PATH;
    private static final String IFACE = NetworkManagerSource.INTERFACE;

    private DBusMockBus bus;
    private NetworkManagerSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    @ParameterizedTest(name = "Connectivity {0} → INTERNET {1}")
    @CsvSource(nullValues = "absent", value = {"0, absent", "1, false", "2, false", "3, false", "4, true",
        "5, absent"})
    void connectivityIsInternetOnlyWhenKnown(long connectivity, Boolean internet) {
        assertThat(NetworkManagerSource.internet(connectivity)).isEqualTo(Optional.ofNullable(internet));
    }

    @ParameterizedTest(name = "Metered {0} → UNMETERED_NETWORK {1}")
    @CsvSource(nullValues = "absent", value = {"0, true", "1, false", "2, true", "3, false", "4, true",
        "5, absent"})
    void meteredMapsToUnmetered(long metered, Boolean unmetered) {
        assertThat(NetworkManagerSource.unmetered(metered)).isEqualTo(Optional.ofNullable(unmetered));
    }

    @Test
    void missingOrIllTypedPropertiesGiveNoSignal() {
        assertThat(NetworkManagerSource.signals(Map.of())).isEmpty();
        assertThat(NetworkManagerSource.signals(Map.of("Connectivity", "4", "Metered", true))).isEmpty();
        assertThat(NetworkManagerSource.signals(Map.of("Connectivity", new UInt32(4), "Metered", new UInt32(1))))
                .isEqualTo(signals(HostSignal.INTERNET, true, HostSignal.UNMETERED_NETWORK, false));
    }

    @Test
    void readsAtStartAndFollowsPropertiesChangedFromTheOwner() throws Exception {
        bus = new DBusMockBus();
        bus.owner(NM, ":1.7");
        bus.properties(NM, PATH, IFACE, Map.of("Connectivity", new UInt32(4), "Metered", new UInt32(2)));
        source = new NetworkManagerSource(bus.connector());
        DBusMockBus.ChangeCounter changes = DBusMockBus.start(source, bus, 2);
        assertThat(source.current()).isEqualTo(signals(HostSignal.INTERNET, true, HostSignal.UNMETERED_NETWORK, true));
        assertThat(changes.count()).isEqualTo(1);

        bus.propertiesChanged(":1.7", PATH, IFACE, Map.of("Metered", new UInt32(1)), List.of());
        DBusMockBus.flush(source);
        assertThat(source.current()).containsEntry(HostSignal.UNMETERED_NETWORK, false);
        assertThat(changes.count()).isEqualTo(2);

        bus.propertiesChanged(":1.7", PATH, IFACE, Map.of("Connectivity", new UInt32(0)), List.of());
        DBusMockBus.flush(source);
        assertThat(source.current()).isEqualTo(signals(HostSignal.UNMETERED_NETWORK, false));
    }

    @Test
    void ignoresOtherSendersAndOtherInterfacesAndUnchangedValues() throws Exception {
        bus = new DBusMockBus();
        bus.owner(NM, ":1.7");
        bus.properties(NM, PATH, IFACE, Map.of("Connectivity", new UInt32(4), "Metered", new UInt32(2)));
        source = new NetworkManagerSource(bus.connector());
        DBusMockBus.ChangeCounter changes = DBusMockBus.start(source, bus, 2);

        bus.propertiesChanged(":1.99", PATH, IFACE, Map.of("Metered", new UInt32(1)), List.of());
        bus.propertiesChanged(":1.7", PATH, "org.freedesktop.NetworkManager.Device",
                Map.of("Metered", new UInt32(1)), List.of());
        bus.propertiesChanged(":1.7", PATH, IFACE, Map.of("Connectivity", new UInt32(4)), List.of());
        DBusMockBus.flush(source);
        assertThat(source.current()).containsEntry(HostSignal.UNMETERED_NETWORK, true);
        assertThat(changes.count()).isEqualTo(1);
    }

    @Test
    void anInvalidatedPropertyIsReadAgain() throws Exception {
        bus = new DBusMockBus();
        bus.owner(NM, ":1.7");
        var props = bus.properties(NM, PATH, IFACE, Map.of("Connectivity", new UInt32(4), "Metered",
                new UInt32(2)));
        source = new NetworkManagerSource(bus.connector());
        DBusMockBus.start(source, bus, 2);

        org.mockito.Mockito.when(props.GetAll(IFACE)).thenReturn(DBusMockBus.variants(
                Map.of("Connectivity", new UInt32(4), "Metered", new UInt32(3))));
        bus.propertiesChanged(":1.7", PATH, IFACE, Map.of(), List.of("Metered"));
        DBusMockBus.flush(source);
        assertThat(source.current()).containsEntry(HostSignal.UNMETERED_NETWORK, false);
    }

    @Test
    void absentUntilTheNameGetsAnOwnerAndAbsentAgainWhenItLeaves() throws Exception {
        bus = new DBusMockBus();
        source = new NetworkManagerSource(bus.connector());
        DBusMockBus.ChangeCounter changes = DBusMockBus.start(source, bus, 2);
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).startsWith("NetworkManager: absent").contains("does not exist");
        assertThat(changes.count()).isZero();

        bus.properties(NM, PATH, IFACE, Map.of("Connectivity", new UInt32(1), "Metered", new UInt32(4)));
        bus.nameOwnerChanged(NM, "", ":1.8");
        DBusMockBus.flush(source);
        assertThat(source.current()).isEqualTo(signals(HostSignal.INTERNET, false, HostSignal.UNMETERED_NETWORK,
                true));
        assertThat(source.describe()).contains("INTERNET=false from NetworkManager Connectivity");

        bus.nameOwnerChanged(NM, ":1.8", "");
        DBusMockBus.flush(source);
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).contains("left the bus");
        assertThat(changes.count()).isEqualTo(2);
    }

    @Test
    void closeUnsubscribes() throws Exception {
        bus = new DBusMockBus();
        source = new NetworkManagerSource(bus.connector());
        DBusMockBus.start(source, bus, 2);
        source.close();
        assertThat(bus.subscriptionCount()).isZero();
    }
}
