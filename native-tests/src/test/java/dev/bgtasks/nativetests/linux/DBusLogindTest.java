package dev.bgtasks.nativetests.linux;

import static dev.bgtasks.nativetests.linux.DBusSignalProbe.is;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.HostSignal;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * logind's session of this user drives SESSION_CONNECTED and, once the desktop sets hints, USER_PRESENT; on a
 * private bus with a fake logind that knows this process's uid.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class DBusLogindTest extends DBusFixture {

    @Test
    void idleHintGatesUserPresent() throws Exception {
        FakeLogind logind = fake(FakeLogind.start(bus, ownUid(), true));
        FakeLogind.SessionObject session = logind.addSession("2", true, false);
        logind.display("2");
        watch(false);
        awaitState("session connected, presence unknown (no hint set yet)",
                is(HostSignal.SESSION_CONNECTED, true).and(is(HostSignal.USER_PRESENT, null)));

        flip("USER_PRESENT false (IdleHint → true)", () -> {
            session.set("IdleSinceHint", new UInt64(1_700_000_000_000_000L));
            session.set("IdleHint", true);
        }, is(HostSignal.USER_PRESENT, false));
        flip("USER_PRESENT true (IdleHint → false)", () -> session.set("IdleHint", false),
                is(HostSignal.USER_PRESENT, true));
        flip("USER_PRESENT false (LockedHint → true)", () -> session.set("LockedHint", true),
                is(HostSignal.USER_PRESENT, false));
        flip("USER_PRESENT true (LockedHint → false)", () -> session.set("LockedHint", false),
                is(HostSignal.USER_PRESENT, true));
        flip("SESSION_CONNECTED false, USER_PRESENT false (Active → false: switched away)",
                () -> session.set("Active", false),
                is(HostSignal.SESSION_CONNECTED, false).and(is(HostSignal.USER_PRESENT, false)));
    }

    @Test
    void aSessionWhoseHintsNeverChangedLeavesPresenceUnknown() throws Exception {
        FakeLogind logind = fake(FakeLogind.start(bus, ownUid(), true));
        FakeLogind.SessionObject session = logind.addSession("4", true, true);
        logind.display("4");
        watch(false);
        awaitState("remote session connected", is(HostSignal.SESSION_CONNECTED, true));

        // Switching away makes the user known absent; switching back must make presence unknown again, not "present".
        flip("USER_PRESENT false (Active → false)", () -> session.set("Active", false),
                is(HostSignal.SESSION_CONNECTED, false).and(is(HostSignal.USER_PRESENT, false)));
        flip("USER_PRESENT absent again (Active → true, hints still never set)", () -> session.set("Active", true),
                is(HostSignal.SESSION_CONNECTED, true).and(is(HostSignal.USER_PRESENT, null)));
        assertThat(signals.describe()).contains("hints never set");
    }

    @Test
    void withoutADisplaySessionTheProcessSessionCounts() throws Exception {
        FakeLogind logind = fake(FakeLogind.start(bus, ownUid(), true));
        FakeLogind.SessionObject session = logind.addSession("7", true, true);
        logind.processSession("7");
        watch(false);
        awaitState("process session connected", is(HostSignal.SESSION_CONNECTED, true));

        flip("SESSION_CONNECTED false (State → closing)", () -> session.set("State", "closing"),
                is(HostSignal.SESSION_CONNECTED, false));
    }

    @Test
    void aHeadlessMachineHasNoUserAndNoSession() throws Exception {
        FakeLogind logind = fake(FakeLogind.start(bus, ownUid(), false));
        watch(false);
        awaitState("headless: not present, not connected",
                is(HostSignal.USER_PRESENT, false).and(is(HostSignal.SESSION_CONNECTED, false)));

        flip("SESSION_CONNECTED true (a session starts: SessionNew, then Display)", () -> {
            logind.addSession("9", true, false);
            logind.display("9");
        }, is(HostSignal.SESSION_CONNECTED, true).and(is(HostSignal.USER_PRESENT, null)));
    }

    @Test
    void logindLeavingMakesPresenceAndSessionUnknown() throws Exception {
        FakeLogind logind = fake(FakeLogind.start(bus, ownUid(), true));
        logind.addSession("3", true, false);
        logind.display("3");
        watch(false);
        awaitState("session connected", is(HostSignal.SESSION_CONNECTED, true));

        flip("SESSION_CONNECTED and USER_PRESENT absent (logind's connection closed)", logind::close,
                is(HostSignal.SESSION_CONNECTED, null).and(is(HostSignal.USER_PRESENT, null)));
        assertThat(signals.describe()).contains("logind: absent");
    }
}
