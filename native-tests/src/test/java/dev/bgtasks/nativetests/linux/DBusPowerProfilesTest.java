package dev.bgtasks.nativetests.linux;

import static dev.bgtasks.nativetests.linux.DBusSignalProbe.is;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** power-profiles-daemon's ActiveProfile drives ENERGY_SAVER, under either bus name, on a private bus. */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class DBusPowerProfilesTest extends DBusFixture {

    @Test
    void powerSaverProfileTurnsEnergySaverOnUnderTheCurrentName() throws Exception {
        FakePowerProfiles ppd = fake(FakePowerProfiles.start(bus, true, false, "balanced"));
        watch(false);
        awaitState("balanced: energy saver off", is(HostSignal.ENERGY_SAVER, false));

        flip("ENERGY_SAVER on (org.freedesktop.UPower.PowerProfiles → power-saver)",
                () -> ppd.profile("power-saver"), is(HostSignal.ENERGY_SAVER, true));
        flip("ENERGY_SAVER off (→ performance)", () -> ppd.profile("performance"),
                is(HostSignal.ENERGY_SAVER, false));
        assertThat(signals.describe()).contains("ENERGY_SAVER=false").contains("ActiveProfile");
    }

    @Test
    void powerSaverProfileTurnsEnergySaverOnUnderTheLegacyName() throws Exception {
        FakePowerProfiles ppd = fake(FakePowerProfiles.start(bus, false, true, "balanced"));
        watch(false);
        awaitState("balanced: energy saver off", is(HostSignal.ENERGY_SAVER, false));

        flip("ENERGY_SAVER on (net.hadess.PowerProfiles → power-saver)", () -> ppd.profile("power-saver"),
                is(HostSignal.ENERGY_SAVER, true));
    }

    @Test
    void aDaemonOwningBothNamesIsReadOnce() throws Exception {
        FakePowerProfiles ppd = fake(FakePowerProfiles.start(bus, true, true, "power-saver"));
        watch(false);
        awaitState("power-saver: energy saver on", is(HostSignal.ENERGY_SAVER, true));

        flip("ENERGY_SAVER off (both names → balanced)", () -> ppd.profile("balanced"),
                is(HostSignal.ENERGY_SAVER, false));
    }

    @Test
    void theDaemonLeavingMakesEnergySaverUnknownAndItsReturnIsNoticed() throws Exception {
        FakePowerProfiles ppd = fake(FakePowerProfiles.start(bus, true, true, "power-saver"));
        watch(false);
        awaitState("power-saver: energy saver on", is(HostSignal.ENERGY_SAVER, true));

        flip("ENERGY_SAVER absent (daemon's connection closed)", ppd::close, is(HostSignal.ENERGY_SAVER, null));
        assertThat(signals.describe()).contains("power-profiles-daemon: absent");

        flip("ENERGY_SAVER back (daemon started again)",
                () -> fake(FakePowerProfiles.start(bus, false, true, "power-saver")),
                is(HostSignal.ENERGY_SAVER, true));
    }

    @Test
    void noDaemonReportsNothing() throws Exception {
        watch(false);
        // Another service's arrival proves the sources are attached; ENERGY_SAVER stays unknown.
        fake(FakeUPower.start(bus, false, 1));
        awaitState("UPower seen", is(HostSignal.AC_POWER, true));
        assertThat(signals.current()).doesNotContainKey(HostSignal.ENERGY_SAVER);
        assertThat(signals.describe()).contains("power-profiles-daemon: absent");
    }
}
