package dev.bgtasks.linux.dbus;

import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.messages.constants.MessageTypes;
import org.freedesktop.dbus.types.UInt32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * logind on the system bus: the user's session gives {@link HostSignal#SESSION_CONNECTED} and, where the desktop
 * sets the hints, {@link HostSignal#USER_PRESENT}.
 *
 * <p>The session: the user's display session ({@code GetUser(uid)} → {@code Display}, logind's choice of the
 * user's primary, graphical-first session), else the session of this process ({@code GetSessionByPID}); a broker
 * started as a systemd user service is in no session, and one started from ssh would otherwise watch the ssh
 * session while the user sits at the desktop. Re-chosen on {@code SessionNew}/{@code SessionRemoved} (reading
 * the user and the session again: logind changes {@code Display} and removes a session without PropertiesChanged),
 * on a change of the user's {@code Display}, and when logind restarts.
 *
 * <p>The rules (see {@link #signals}):
 * <ul>
 * <li>no session while logind answers (a headless machine, a user not logged in): user not present, session not
 *     connected; logind absent: nothing reported.
 * <li>{@code SESSION_CONNECTED} = {@code Active} and not {@code State == "closing"}, remote sessions included
 *     (logind calls a seatless session, ssh or RDP, always active).
 * <li>{@code USER_PRESENT}: false when the session is not connected (the user switched away); otherwise
 *     {@code !IdleHint && !LockedHint}, but only once the session has shown that something sets the hints:
 *     {@code IdleHint} or {@code LockedHint} seen true at least once, or a non-zero {@code IdleSinceHint} (set
 *     whenever the idle hint changed, or derived from tty input times for tty sessions). Until then the hints are
 *     logind's defaults, not the user's, and {@code USER_PRESENT} is left unknown for the next source (X11 idle).
 *     Once seen, that stays so for the session.
 * </ul>
 *
 * <pre>{@code
 * SignalSource logind = LogindSource.forThisProcess(DBusConnector.systemBus(System.getenv()));
 * }</pre>
 */
final class LogindSource extends DBusSource {
    private static final Logger LOG = LoggerFactory.getLogger(LogindSource.class);
    static final String BUS_NAME = "org.freedesktop.login1";
    static final String MANAGER_PATH = "/org/freedesktop/login1";
    static final String MANAGER_INTERFACE = "org.freedesktop.login1.Manager";
    static final String USER_INTERFACE = "org.freedesktop.login1.User";
    static final String SESSION_INTERFACE = "org.freedesktop.login1.Session";

    /** The logind methods bgtasks calls. Public and nested because dbus-java proxies it. */
    @DBusInterfaceName(MANAGER_INTERFACE)
    public interface Manager extends DBusInterface {
        /** The user object of {@code uid}; error {@code NoSuchUser} when the user has no sessions and no linger. */
        DBusPath GetUser(UInt32 uid);

        /** The session of {@code pid}; error {@code NoSessionForPID} outside sessions (a systemd user service). */
        DBusPath GetSessionByPID(UInt32 pid);
    }

    /** The session properties the rules read. */
    record Session(boolean active, boolean remote, boolean idleHint, boolean lockedHint, long idleSinceHint,
            String state) {

        /** Empty when {@code Active} is missing: then this is no logind session object bgtasks understands. */
        static Optional<Session> of(Map<String, Object> p) {
            return DBusValues.bool(p.get("Active")).map(active -> new Session(active,
                    DBusValues.bool(p.get("Remote")).orElse(false),
                    DBusValues.bool(p.get("IdleHint")).orElse(false),
                    // LockedHint came with logind 230; older ones never lock.
                    DBusValues.bool(p.get("LockedHint")).orElse(false),
                    DBusValues.unsigned(p.get("IdleSinceHint")).orElse(0L),
                    DBusValues.string(p.get("State")).orElse("")));
        }

        /** Whether this reading shows that something sets the hints of this session. */
        boolean showsHints() {
            return idleHint || lockedHint || idleSinceHint != 0;
        }
    }

    private final OptionalLong uid;
    private final long pid;
    // Confined to the serial thread.
    private DBusBus bus;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private boolean present;
    private DBusPropertyWatch user;
    private DBusPropertyWatch session;
    private boolean hintsSeen;
    private volatile String status = "not read yet";

    /**
     * @param uid the user whose display session counts (empty: only the session of {@code pid})
     * @param pid the process whose session counts when the user has no display session
     */
    LogindSource(DBusConnector systemBus, OptionalLong uid, long pid) {
        super("logind", systemBus);
        this.uid = uid;
        this.pid = pid;
    }

    /** The session of this process's user, from {@code /proc/self/status} and {@link ProcessHandle#current()}. */
    static LogindSource forThisProcess(DBusConnector systemBus) {
        OptionalLong uid;
        try {
            uid = realUid(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            LOG.debug("cannot read /proc/self/status; watching only this process's session", e);
            uid = OptionalLong.empty();
        }
        return new LogindSource(systemBus, uid, ProcessHandle.current().pid());
    }

    /** The real uid of a {@code /proc/<pid>/status} text: the first number of its {@code Uid:} line. */
    static OptionalLong realUid(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] fields = line.substring(4).trim().split("\\s+");
                try {
                    return OptionalLong.of(Long.parseLong(fields[0]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * The signals of the chosen session: empty {@code session} means logind answered and there is none.
     *
     * @param hintsSeen whether an earlier reading of this session showed hints (see the class comment)
     */
    static Map<HostSignal, Boolean> signals(Optional<Session> session, boolean hintsSeen) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        if (session.isEmpty()) {
            out.put(HostSignal.USER_PRESENT, false);
            out.put(HostSignal.SESSION_CONNECTED, false);
            return out;
        }
        Session s = session.get();
        boolean connected = s.active() && !"closing".equals(s.state());
        out.put(HostSignal.SESSION_CONNECTED, connected);
        if (!connected) {
            out.put(HostSignal.USER_PRESENT, false);
        } else if (hintsSeen || s.showsHints()) {
            out.put(HostSignal.USER_PRESENT, !s.idleHint() && !s.lockedHint());
        }
        return out;
    }

    static DBusMatchRule managerSignalRule(String member) {
        return DBusMatchRuleBuilder.create().withType(MessageTypes.SIGNAL).withPath(MANAGER_PATH)
                .withInterface(MANAGER_INTERFACE).withMember(member).build();
    }

    @Override
    protected void attach(DBusBus connected) throws DBusException {
        bus = connected;
        DBusSigHandler<DBus.NameOwnerChanged> restarted = s -> post(this::resolve);
        // Their arguments are not needed, and anyone may send them: they only cause a re-read.
        DBusSigHandler<DBusSignal> sessionsChanged = s -> post(this::rereadAndResolve);
        subscriptions.add(connected.onSignal(DBusPropertyWatch.nameOwnerRule(BUS_NAME), restarted));
        subscriptions.add(connected.onAnySignal(managerSignalRule("SessionNew"), sessionsChanged));
        subscriptions.add(connected.onAnySignal(managerSignalRule("SessionRemoved"), sessionsChanged));
        resolve();
    }

    /**
     * After SessionNew or SessionRemoved: logind changes a user's {@code Display} without PropertiesChanged, and a
     * removed session sends none either, so what the watches hold may be stale. Both are read again first
     * (issue 21: a terminated session stayed "connected" without this).
     */
    private void rereadAndResolve() {
        if (user != null) {
            user.reload();
        }
        if (session != null) {
            session.reload();
        }
        resolve();
    }

    /** Finds logind and the session again, then publishes. */
    private void resolve() {
        if (bus == null) {
            return;
        }
        if (bus.nameOwner(BUS_NAME).isEmpty()) {
            present = false;
            closeUser();
            closeSession();
            status = BUS_NAME + " has no owner";
            publish(Map.of());
            return;
        }
        present = true;
        try {
            Optional<String> path = displaySession().or(this::sessionOfProcess);
            if (path.isEmpty()) {
                closeSession();
                status = "logind knows no session of uid " + (uid.isPresent() ? uid.getAsLong() : "?")
                        + " nor of pid " + pid;
                publish(signals(Optional.empty(), false));
                return;
            }
            if (session == null || !session.path().equals(path.get())) {
                closeSession();
                hintsSeen = false;
                session = new DBusPropertyWatch(BUS_NAME, path.get(), SESSION_INTERFACE, false, this::post,
                        this::recompute);
                session.attach(bus);
            }
            recompute();
        } catch (DBusException | DBusExecutionException e) {
            LOG.debug("logind: cannot read the session", e);
            closeSession();
            status = "logind answers but its session cannot be read (" + e.getMessage() + ")";
            publish(Map.of());
        }
    }

    private Optional<String> displaySession() throws DBusException {
        if (uid.isEmpty()) {
            return Optional.empty();
        }
        String userPath;
        try {
            userPath = manager().GetUser(new UInt32(uid.getAsLong())).getPath();
        } catch (DBusExecutionException e) {
            if (!saysNo(e)) {
                throw e;
            }
            closeUser();
            return Optional.empty();
        }
        if (user == null || !user.path().equals(userPath)) {
            closeUser();
            user = new DBusPropertyWatch(BUS_NAME, userPath, USER_INTERFACE, false, this::post, this::resolve);
            user.attach(bus);
        }
        // "/" is logind's "no display session".
        return user.properties().flatMap(p -> DBusValues.objectPath(p.get("Display"))).filter(p -> !"/".equals(p));
    }

    private Optional<String> sessionOfProcess() {
        try {
            return Optional.ofNullable(manager().GetSessionByPID(new UInt32(pid)).getPath());
        } catch (DBusExecutionException e) {
            if (!saysNo(e)) {
                throw e;
            }
            return Optional.empty();
        } catch (DBusException e) {
            throw new DBusExecutionException(e.getMessage(), e);
        }
    }

    /**
     * Whether an error is logind's own answer ({@code NoSuchUser}, {@code NoSessionForPID}: "there is none"), as
     * opposed to the bus or dbus-java failing (no reply, access denied, not connected), which means "unknown".
     * dbus-java raises an error it has no class for, such as logind's, as a plain {@link DBusExecutionException}
     * (or as the class named like the error, if there is one), and its own failures and the standard D-Bus
     * errors as subclasses from its {@code errors} and {@code exceptions} packages.
     */
    static boolean saysNo(DBusExecutionException e) {
        if (e.getClass() == DBusExecutionException.class) {
            return true;
        }
        String pkg = e.getClass().getPackageName();
        return !pkg.equals("org.freedesktop.dbus.errors") && !pkg.equals("org.freedesktop.dbus.exceptions");
    }

    private Manager manager() throws DBusException {
        return bus.remote(BUS_NAME, MANAGER_PATH, Manager.class, false);
    }

    private void recompute() {
        if (!present || session == null) {
            return;
        }
        Optional<Session> s = session.properties().flatMap(Session::of);
        if (s.isEmpty()) {
            // Gone or not a session: SessionRemoved or NameOwnerChanged will re-resolve.
            status = session.status();
            publish(Map.of());
            return;
        }
        hintsSeen |= s.get().showsHints();
        status = "session " + session.path() + " " + s.get() + (hintsSeen ? "" : ", idle/lock hints never set");
        publish(signals(s, hintsSeen));
    }

    private void closeUser() {
        if (user != null) {
            user.close();
            user = null;
        }
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    @Override
    protected void detach() {
        closeUser();
        closeSession();
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("logind: unsubscribing: {}", e.toString());
            }
        }
        subscriptions.clear();
        bus = null;
        present = false;
        status = "detached";
    }

    @Override
    protected String absence() {
        return status;
    }

    @Override
    protected String origin(HostSignal signal) {
        return "logind (" + status + ")";
    }
}
