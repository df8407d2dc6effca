package dev.bgtasks.linux.dbus;

import static dev.bgtasks.linux.dbus.DBusMockBus.signals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.when;

import dev.bgtasks.spi.HostSignal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogindSourceTest {
    private static final String LOGIN1 = LogindSource.BUS_NAME;
    private static final String USER = "/org/freedesktop/login1/user/_1000";
    private static final String SESSION = "/org/freedesktop/login1/session/_32";
    private static final String SSH_SESSION = "/org/freedesktop/login1/session/_37";

    private DBusMockBus bus;
    private LogindSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    private static LogindSource.Session session(boolean active, boolean idle, boolean locked, long idleSince,
            String state) {
        return new LogindSource.Session(active, false, idle, locked, idleSince, state);
    }

    // --- the rules, as pure functions ---

    @Test
    void noSessionWhileLogindAnswersIsHeadless() {
        assertThat(LogindSource.signals(Optional.empty(), false))
                .isEqualTo(signals(HostSignal.USER_PRESENT, false, HostSignal.SESSION_CONNECTED, false));
    }

    @Test
    void hintsNeverSetLeavePresenceUnknown() {
        assertThat(LogindSource.signals(Optional.of(session(true, false, false, 0, "active")), false))
                .isEqualTo(signals(HostSignal.SESSION_CONNECTED, true));
    }

    @Test
    void hintsSeenMakePresenceKnown() {
        var present = Optional.of(session(true, false, false, 0, "active"));
        assertThat(LogindSource.signals(present, true))
                .isEqualTo(signals(HostSignal.SESSION_CONNECTED, true, HostSignal.USER_PRESENT, true));
        assertThat(LogindSource.signals(Optional.of(session(true, true, false, 5, "active")), false))
                .containsEntry(HostSignal.USER_PRESENT, false);
        assertThat(LogindSource.signals(Optional.of(session(true, false, true, 0, "active")), false))
                .containsEntry(HostSignal.USER_PRESENT, false);
        // A non-zero IdleSinceHint alone shows that something tracks idleness.
        assertThat(LogindSource.signals(Optional.of(session(true, false, false, 123, "active")), false))
                .containsEntry(HostSignal.USER_PRESENT, true);
    }

    @Test
    void anInactiveOrClosingSessionIsNeitherConnectedNorPresent() {
        assertThat(LogindSource.signals(Optional.of(session(false, false, false, 0, "online")), false))
                .isEqualTo(signals(HostSignal.SESSION_CONNECTED, false, HostSignal.USER_PRESENT, false));
        assertThat(LogindSource.signals(Optional.of(session(true, false, false, 0, "closing")), true))
                .isEqualTo(signals(HostSignal.SESSION_CONNECTED, false, HostSignal.USER_PRESENT, false));
    }

    @Test
    void aRemoteSessionIsConnected() {
        var remote = new LogindSource.Session(true, true, false, false, 0, "active");
        assertThat(LogindSource.signals(Optional.of(remote), false)).containsEntry(HostSignal.SESSION_CONNECTED,
                true);
    }

    @Test
    void sessionPropertiesNeedActiveAndDefaultTheRest() {
        assertThat(LogindSource.Session.of(Map.of())).isEmpty();
        assertThat(LogindSource.Session.of(Map.of("Active", true)))
                .contains(new LogindSource.Session(true, false, false, false, 0, ""));
        assertThat(LogindSource.Session.of(Map.of("Active", true, "IdleSinceHint", new UInt64(9), "State",
                "active", "LockedHint", true))).contains(new LogindSource.Session(true, false, false, true, 9,
                "active"));
    }

    @Test
    void realUidIsTheFirstFieldOfTheUidLine() {
        assertThat(LogindSource.realUid("Name:\tjava\nUmask:\t0022\nUid:\t1000\t1000\t1000\t1000\nGid:\t100\n"))
                .isEqualTo(OptionalLong.of(1000));
        assertThat(LogindSource.realUid("Name:\tjava\n")).isEmpty();
        assertThat(LogindSource.realUid("Uid:\tx\n")).isEmpty();
    }

    // --- the source against mocks of its dbus-java interfaces ---

    private LogindSource.Manager manager() throws Exception {
        return bus.remote(LOGIN1, LogindSource.MANAGER_PATH, LogindSource.Manager.class);
    }

    private Map<String, Object> sessionProperties(boolean active, boolean idle) {
        Map<String, Object> p = new HashMap<>();
        p.put("Active", active);
        p.put("Remote", false);
        p.put("IdleHint", idle);
        p.put("IdleSinceHint", new UInt64(0));
        p.put("LockedHint", false);
        p.put("State", active ? "active" : "online");
        return p;
    }

    @Test
    void followsTheDisplaySessionOfTheUser() throws Exception {
        bus = new DBusMockBus();
        bus.owner(LOGIN1, ":1.2");
        LogindSource.Manager manager = manager();
        when(manager.GetUser(new UInt32(1000))).thenReturn(new DBusPath(USER));
        when(manager.GetSessionByPID(any())).thenReturn(new DBusPath(SSH_SESSION));
        bus.properties(LOGIN1, USER, LogindSource.USER_INTERFACE,
                Map.of("Display", new Object[] {"2", new DBusPath(SESSION)}));
        bus.properties(LOGIN1, SESSION, LogindSource.SESSION_INTERFACE, sessionProperties(true, false));
        source = new LogindSource(bus.connector(), OptionalLong.of(1000), 4242);
        DBusMockBus.start(source, bus, 7);
        assertThat(source.current()).isEqualTo(signals(HostSignal.SESSION_CONNECTED, true));
        assertThat(source.describe()).contains(SESSION).contains("hints never set");

        bus.propertiesChanged(":1.2", SESSION, LogindSource.SESSION_INTERFACE,
                Map.of("IdleHint", true, "IdleSinceHint", new UInt64(1_700_000_000L)), List.of());
        DBusMockBus.flush(source);
        assertThat(source.current()).isEqualTo(signals(HostSignal.SESSION_CONNECTED, true,
                HostSignal.USER_PRESENT, false));

        bus.propertiesChanged(":1.2", SESSION, LogindSource.SESSION_INTERFACE, Map.of("IdleHint", false),
                List.of());
        DBusMockBus.flush(source);
        assertThat(source.current()).containsEntry(HostSignal.USER_PRESENT, true);
    }

    @Test
    void fallsBackToTheSessionOfTheProcess() throws Exception {
        bus = new DBusMockBus();
        bus.owner(LOGIN1, ":1.2");
        LogindSource.Manager manager = manager();
        when(manager.GetUser(any())).thenReturn(new DBusPath(USER));
        when(manager.GetSessionByPID(new UInt32(4242))).thenReturn(new DBusPath(SSH_SESSION));
        bus.properties(LOGIN1, USER, LogindSource.USER_INTERFACE,
                Map.of("Display", new Object[] {"", new DBusPath("/")}));
        bus.properties(LOGIN1, SSH_SESSION, LogindSource.SESSION_INTERFACE, sessionProperties(true, false));
        source = new LogindSource(bus.connector(), OptionalLong.of(1000), 4242);
        DBusMockBus.start(source, bus, 7);
        assertThat(source.current()).isEqualTo(signals(HostSignal.SESSION_CONNECTED, true));
        assertThat(source.describe()).contains(SSH_SESSION);
    }

    @Test
    void headlessWhenLogindKnowsNoSessionAndAbsentWithoutLogind() throws Exception {
        bus = new DBusMockBus();
        bus.owner(LOGIN1, ":1.2");
        LogindSource.Manager manager = manager();
        when(manager.GetUser(any())).thenThrow(new DBusExecutionException("User ID 1000 is not logged in"));
        when(manager.GetSessionByPID(any())).thenThrow(new DBusExecutionException("PID 4242 has no session"));
        source = new LogindSource(bus.connector(), OptionalLong.of(1000), 4242);
        DBusMockBus.start(source, bus, 3);
        assertThat(source.current())
                .isEqualTo(signals(HostSignal.USER_PRESENT, false, HostSignal.SESSION_CONNECTED, false));
        assertThat(source.describe()).contains("knows no session of uid 1000 nor of pid 4242");

        bus.nameOwnerChanged(LOGIN1, ":1.2", "");
        DBusMockBus.flush(source);
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).startsWith("logind: absent");
    }

    @Test
    void onlyLogindsOwnErrorsMeanNoSession() {
        assertThat(LogindSource.saysNo(new DBusExecutionException("User ID 1000 is not logged in"))).isTrue();
        assertThat(LogindSource.saysNo(new org.freedesktop.dbus.errors.NoReply("No reply within 20000 ms")))
                .isFalse();
        assertThat(LogindSource.saysNo(new org.freedesktop.dbus.errors.AccessDenied("denied"))).isFalse();
        assertThat(LogindSource.saysNo(new org.freedesktop.dbus.exceptions.NotConnected("gone"))).isFalse();
    }

    @Test
    void aLogindThatDoesNotReplyIsUnknownNotHeadless() throws Exception {
        bus = new DBusMockBus();
        bus.owner(LOGIN1, ":1.2");
        LogindSource.Manager manager = manager();
        when(manager.GetUser(any())).thenThrow(new org.freedesktop.dbus.errors.NoReply("No reply"));
        when(manager.GetSessionByPID(any())).thenThrow(new DBusExecutionException("PID 4242 has no session"));
        source = new LogindSource(bus.connector(), OptionalLong.of(1000), 4242);
        DBusMockBus.start(source, bus, 3);
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).contains("cannot be read");
    }

    @Test
    void aNewSessionIsPickedUp() throws Exception {
        bus = new DBusMockBus();
        bus.owner(LOGIN1, ":1.2");
        LogindSource.Manager manager = manager();
        when(manager.GetUser(any())).thenThrow(new DBusExecutionException("User ID 1000 is not logged in"));
        when(manager.GetSessionByPID(any())).thenThrow(new DBusExecutionException("PID 4242 has no session"));
        source = new LogindSource(bus.connector(), OptionalLong.of(1000), 4242);
        DBusMockBus.start(source, bus, 3);

        doReturn(new DBusPath(USER)).when(manager).GetUser(new UInt32(1000));
        bus.properties(LOGIN1, USER, LogindSource.USER_INTERFACE,
                Map.of("Display", new Object[] {"2", new DBusPath(SESSION)}));
        bus.properties(LOGIN1, SESSION, LogindSource.SESSION_INTERFACE, sessionProperties(true, true));
        bus.signal(":1.2", LogindSource.MANAGER_PATH, LogindSource.MANAGER_INTERFACE, "SessionNew");
        DBusMockBus.flush(source);
        assertThat(source.current()).isEqualTo(signals(HostSignal.SESSION_CONNECTED, true,
                HostSignal.USER_PRESENT, false));
    }

    /**
     * Issue 21, found by the VM rig's 40-logind case: {@code loginctl terminate-session} left a service broker with
     * {@code session-connected} true, because logind changes a user's {@code Display} without PropertiesChanged and
     * the removed session's last properties stayed cached. SessionRemoved re-reads both.
     */
    @Test
    void aRemovedSessionIsNoLongerConnected() throws Exception {
        bus = new DBusMockBus();
        bus.owner(LOGIN1, ":1.2");
        LogindSource.Manager manager = manager();
        when(manager.GetUser(new UInt32(1000))).thenReturn(new DBusPath(USER));
        // A systemd user service is in no session of its own.
        when(manager.GetSessionByPID(any())).thenThrow(new DBusExecutionException("PID 4242 has no session"));
        Properties user = bus.properties(LOGIN1, USER, LogindSource.USER_INTERFACE,
                Map.of("Display", new Object[] {"2", new DBusPath(SESSION)}));
        Properties session = bus.properties(LOGIN1, SESSION, LogindSource.SESSION_INTERFACE,
                sessionProperties(true, false));
        source = new LogindSource(bus.connector(), OptionalLong.of(1000), 4242);
        DBusMockBus.start(source, bus, 7);
        assertThat(source.current()).isEqualTo(signals(HostSignal.SESSION_CONNECTED, true));

        // The session ends: the user (lingering) has no display session, the session object is gone, and logind
        // says so only with SessionRemoved.
        doReturn(DBusMockBus.variants(Map.of("Display", new Object[] {"", new DBusPath("/")})))
                .when(user).GetAll(LogindSource.USER_INTERFACE);
        doThrow(new DBusExecutionException("Unknown object '" + SESSION + "'."))
                .when(session).GetAll(LogindSource.SESSION_INTERFACE);
        bus.signal(":1.2", LogindSource.MANAGER_PATH, LogindSource.MANAGER_INTERFACE, "SessionRemoved");
        DBusMockBus.flush(source);
        assertThat(source.current())
                .isEqualTo(signals(HostSignal.USER_PRESENT, false, HostSignal.SESSION_CONNECTED, false));
        assertThat(source.describe()).contains("knows no session of uid 1000");
    }
}
