package dev.bgtasks.nativetests.linux;

import static dev.bgtasks.nativetests.linux.DBusSignalProbe.is;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The desktop portal's NetworkMonitor and PowerProfileMonitor on the session bus (here the same private bus), and
 * its precedence over the system services.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class DBusPortalTest extends DBusFixture {

    @Test
    void networkMonitorChangesAreAskedForAgain() throws Exception {
        FakePortal portal = fake(FakePortal.start(bus, 4, false, false));
        watch(true);
        awaitState("full, unmetered", is(HostSignal.INTERNET, true).and(is(HostSignal.UNMETERED_NETWORK, true)));

        flip("UNMETERED_NETWORK false (portal: metered, changed)", () -> portal.network(4, true),
                is(HostSignal.UNMETERED_NETWORK, false));
        flip("INTERNET false (portal: captive portal, changed)", () -> portal.network(3, true),
                is(HostSignal.INTERNET, false));
        flip("INTERNET absent (portal: local, changed)", () -> portal.network(1, false),
                is(HostSignal.INTERNET, null));
    }

    @Test
    void powerSaverEnabledDrivesEnergySaver() throws Exception {
        FakePortal portal = fake(FakePortal.start(bus, 4, false, false));
        watch(true);
        awaitState("energy saver off", is(HostSignal.ENERGY_SAVER, false));

        flip("ENERGY_SAVER true (portal power-saver-enabled → true)", () -> portal.powerSaver(true),
                is(HostSignal.ENERGY_SAVER, true));
    }

    @Test
    void thePortalWinsOverSystemServicesAndTheyTakeOverWhenItLeaves() throws Exception {
        FakePortal portal = fake(FakePortal.start(bus, 4, false, false));
        fake(FakeNetworkManager.start(bus, 4, 1));
        fake(FakePowerProfiles.start(bus, true, false, "power-saver"));
        watch(true);
        awaitState("portal's answers", is(HostSignal.UNMETERED_NETWORK, true).and(is(HostSignal.ENERGY_SAVER, false)));

        flip("UNMETERED_NETWORK false, ENERGY_SAVER true (portal left: NetworkManager and ppd answer)", portal::close,
                is(HostSignal.UNMETERED_NETWORK, false).and(is(HostSignal.ENERGY_SAVER, true)));
    }

    @Test
    void withoutASessionBusThereIsNoPortal() throws Exception {
        fake(FakePortal.start(bus, 4, false, true));
        fake(FakeNetworkManager.start(bus, 4, 1));
        watch(false);
        awaitState("NetworkManager's answer", is(HostSignal.UNMETERED_NETWORK, false));
        assertThat(signals.current()).doesNotContainKey(HostSignal.ENERGY_SAVER);
        assertThat(signals.describe()).contains("desktop portal: absent (DBUS_SESSION_BUS_ADDRESS is not set)");
    }
}
