package dev.bgtasks.nativetests.linux;

import static dev.bgtasks.nativetests.linux.DBusSignalProbe.is;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** NetworkManager's Connectivity and Metered drive INTERNET and UNMETERED_NETWORK, on a private bus. */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class DBusNetworkManagerTest extends DBusFixture {

    @Test
    void meteredGatesUnmeteredNetwork() throws Exception {
        FakeNetworkManager nm = fake(FakeNetworkManager.start(bus, 4, 2));
        watch(false);
        awaitState("Metered=no: unmetered", is(HostSignal.UNMETERED_NETWORK, true));

        flip("UNMETERED_NETWORK false (Metered → 1 yes)", () -> nm.metered(1),
                is(HostSignal.UNMETERED_NETWORK, false));
        flip("UNMETERED_NETWORK true (Metered → 2 no)", () -> nm.metered(2),
                is(HostSignal.UNMETERED_NETWORK, true));
        flip("UNMETERED_NETWORK false (Metered → 3 guess-yes)", () -> nm.metered(3),
                is(HostSignal.UNMETERED_NETWORK, false));
        flip("UNMETERED_NETWORK true (Metered → 4 guess-no)", () -> nm.metered(4),
                is(HostSignal.UNMETERED_NETWORK, true));
        flip("UNMETERED_NETWORK false (Metered → 1 yes, again)", () -> nm.metered(1),
                is(HostSignal.UNMETERED_NETWORK, false));
        flip("UNMETERED_NETWORK true (Metered → 0 unknown)", () -> nm.metered(0),
                is(HostSignal.UNMETERED_NETWORK, true));
    }

    @Test
    void connectivityRefinesInternetOnlyWhenKnown() throws Exception {
        FakeNetworkManager nm = fake(FakeNetworkManager.start(bus, 0, 2));
        watch(false);
        awaitState("NetworkManager seen", is(HostSignal.UNMETERED_NETWORK, true));
        assertThat(signals.current()).doesNotContainKey(HostSignal.INTERNET);

        flip("INTERNET true (Connectivity → 4 full)", () -> nm.connectivity(4), is(HostSignal.INTERNET, true));
        flip("INTERNET false (Connectivity → 1 none)", () -> nm.connectivity(1), is(HostSignal.INTERNET, false));
        flip("INTERNET false → true (Connectivity → 4 full)", () -> nm.connectivity(4),
                is(HostSignal.INTERNET, true));
        flip("INTERNET false (Connectivity → 2 portal)", () -> nm.connectivity(2), is(HostSignal.INTERNET, false));
        flip("INTERNET absent (Connectivity → 0 unknown)", () -> nm.connectivity(0),
                is(HostSignal.INTERNET, null));
        flip("INTERNET false (Connectivity → 3 limited)", () -> nm.connectivity(3),
                is(HostSignal.INTERNET, false));
    }

    @Test
    void anInvalidatedPropertyIsReadAgain() throws Exception {
        FakeNetworkManager nm = fake(FakeNetworkManager.start(bus, 4, 2));
        watch(false);
        awaitState("Metered=no: unmetered", is(HostSignal.UNMETERED_NETWORK, true));

        flip("UNMETERED_NETWORK false (Metered → 1, announced as invalidated)", () -> nm.meteredInvalidated(1),
                is(HostSignal.UNMETERED_NETWORK, false));
    }

    @Test
    void networkManagerLeavingMakesItsSignalsAbsent() throws Exception {
        FakeNetworkManager nm = fake(FakeNetworkManager.start(bus, 4, 1));
        watch(false);
        awaitState("full and metered", is(HostSignal.INTERNET, true).and(is(HostSignal.UNMETERED_NETWORK, false)));

        flip("INTERNET and UNMETERED_NETWORK absent (NetworkManager's connection closed)", nm::close,
                is(HostSignal.INTERNET, null).and(is(HostSignal.UNMETERED_NETWORK, null)));
        assertThat(signals.describe()).contains("NetworkManager: absent");
    }

    @Test
    void aSignalFromAnotherSenderIsIgnored() throws Exception {
        FakeNetworkManager nm = fake(FakeNetworkManager.start(bus, 4, 2));
        watch(false);
        awaitState("unmetered", is(HostSignal.UNMETERED_NETWORK, true));

        // Any client may emit PropertiesChanged with NetworkManager's path; only the owner of the name counts.
        try (FakeService impostor = new FakeService(bus)) {
            impostor.emit(new org.freedesktop.dbus.interfaces.Properties.PropertiesChanged(FakeNetworkManager.PATH,
                    FakeNetworkManager.IFACE,
                    java.util.Map.of("Metered", new org.freedesktop.dbus.types.Variant<>(
                            new org.freedesktop.dbus.types.UInt32(1))),
                    java.util.List.of()));
            impostor.roundTrip();
            // The owner's change is delivered after the impostor's; the impostor's must not have been applied.
            flip("UNMETERED_NETWORK stays true, INTERNET false (owner: Connectivity → 1)", () -> nm.connectivity(1),
                    is(HostSignal.INTERNET, false));
            assertThat(signals.current()).containsEntry(HostSignal.UNMETERED_NETWORK, true);
        }
    }
}
