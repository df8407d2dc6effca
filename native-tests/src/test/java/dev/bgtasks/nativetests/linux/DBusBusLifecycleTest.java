package dev.bgtasks.nativetests.linux;

import static dev.bgtasks.nativetests.linux.DBusSignalProbe.is;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The bus itself missing, arriving late and dying: nothing is guessed, nothing blocks, and it is found again. */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class DBusBusLifecycleTest extends DBusFixture {

    @Test
    void noBusReportsNothingAndSaysWhy() throws Exception {
        Path nowhere = dir.resolve("no_bus_here");
        watch("unix:path=" + nowhere, Optional.of("unix:path=" + nowhere));
        awaitDescription("unreachable");
        assertThat(signals.current()).isEmpty();
        assertThat(signals.describe()).contains("NetworkManager: absent", "logind: absent", "UPower: absent",
                "power-profiles-daemon: absent", "desktop portal: absent",
                // Issue 15: a missing bus socket is waited for with inotify, not retried on a timer.
                "waiting for " + nowhere + " to appear (inotify, no timer)");
    }

    @Test
    void aBusThatStartsLaterIsFound() throws Exception {
        Path later = dir.resolve("late_bus_socket");
        watch("unix:path=" + later, Optional.empty());
        awaitDescription("unreachable");

        Duration found = flip("ENERGY_SAVER true (bus started after the sources, its socket seen by inotify)", () -> {
            DBusTestBus late = fake(DBusTestBus.start(dir, later));
            fake(FakePowerProfiles.start(late, true, false, "power-saver"));
        }, is(HostSignal.ENERGY_SAVER, true));
        // Its socket's creation wakes the connector (issue 15), no retry timer.
        assertThat(found).isLessThan(DEADLINE);
    }

    @Test
    void theBusDyingMakesEverythingUnknown() throws Exception {
        fake(FakePowerProfiles.start(bus, true, false, "power-saver"));
        fake(FakeNetworkManager.start(bus, 4, 2));
        fake(FakeUPower.start(bus, false, 1));
        FakeLogind logind = fake(FakeLogind.start(bus, ownUid(), true));
        logind.addSession("5", true, false);
        logind.display("5");
        watch(true);
        awaitState("all services seen", m -> m.keySet().containsAll(java.util.List.of(HostSignal.ENERGY_SAVER,
                HostSignal.INTERNET, HostSignal.AC_POWER, HostSignal.SESSION_CONNECTED)));

        flip("every signal absent (dbus-daemon killed)", bus::kill, java.util.Map::isEmpty);
        assertThat(signals.describe()).contains("connection lost");
    }

    /** Spins (no sleep) until {@code describe()} mentions {@code text}; the connector reports no callback for it. */
    private void awaitDescription(String text) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!signals.describe().contains(text)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("describe() never said '" + text + "':\n" + signals.describe());
            }
            Thread.onSpinWait();
        }
    }
}
