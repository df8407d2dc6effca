package dev.bgtasks.nativetests.linux;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.Position;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;

/**
 * logind as bgtasks sees it: the manager ({@code GetUser}, {@code GetSessionByPID}, {@code SessionNew},
 * {@code SessionRemoved}), one user object with {@code Display} ({@code (so)}, {@code ("", "/")} for none) and
 * session objects with {@code Active}, {@code Remote}, {@code IdleHint}, {@code IdleSinceHint}, {@code LockedHint},
 * {@code State}.
 */
final class FakeLogind implements AutoCloseable {
    static final String NAME = "org.freedesktop.login1";
    static final String PATH = "/org/freedesktop/login1";
    static final String MANAGER_IFACE = "org.freedesktop.login1.Manager";
    static final String USER_IFACE = "org.freedesktop.login1.User";
    static final String SESSION_IFACE = "org.freedesktop.login1.Session";

    @DBusInterfaceName(MANAGER_IFACE)
    public interface Manager extends DBusInterface {
        DBusPath GetUser(UInt32 uid);

        DBusPath GetSessionByPID(UInt32 pid);

        class SessionNew extends DBusSignal {
            public SessionNew(String objectPath, String id, DBusPath session) throws DBusException {
                super(objectPath, id, session);
            }
        }

        class SessionRemoved extends DBusSignal {
            public SessionRemoved(String objectPath, String id, DBusPath session) throws DBusException {
                super(objectPath, id, session);
            }
        }
    }

    @DBusInterfaceName(USER_IFACE)
    public interface User extends DBusInterface {
    }

    @DBusInterfaceName(SESSION_IFACE)
    public interface Session extends DBusInterface {
    }

    /** logind's {@code (so)}: session id and object path. */
    public static final class SessionRef extends Struct {
        @Position(0)
        private final String id;
        @Position(1)
        private final DBusPath path;

        public SessionRef(String id, DBusPath path) {
            this.id = id;
            this.path = path;
        }

        public String getId() {
            return id;
        }

        public DBusPath getPath() {
            return path;
        }
    }

    /** Thrown as logind's errors are: the client sees a D-Bus error reply. */
    public static final class NoSuchUser extends DBusExecutionException {
        private static final long serialVersionUID = 1L;

        public NoSuchUser(String message) {
            super(message);
        }
    }

    public static final class NoSessionForPID extends DBusExecutionException {
        private static final long serialVersionUID = 1L;

        public NoSessionForPID(String message) {
            super(message);
        }
    }

    final class ManagerObject extends FakeObject implements Manager {
        ManagerObject() {
            super(PATH);
        }

        @Override
        public DBusPath GetUser(UInt32 asked) {
            if (!userExists || asked.longValue() != uid) {
                throw new NoSuchUser("User ID " + asked + " is not logged in or lingering");
            }
            return new DBusPath(userPath());
        }

        @Override
        public DBusPath GetSessionByPID(UInt32 pid) {
            String id = processSession;
            if (id == null) {
                throw new NoSessionForPID("PID " + pid + " does not belong to any known session");
            }
            return new DBusPath(sessionPath(id));
        }
    }

    static final class UserObject extends FakeObject implements User {
        UserObject(String path) {
            super(path);
        }
    }

    static final class SessionObject extends FakeObject implements Session {
        SessionObject(String path) {
            super(path);
        }

        void set(String name, Object value) throws DBusException {
            set(SESSION_IFACE, name, value);
        }
    }

    private final long uid;
    private final FakeService service;
    private final ManagerObject manager;
    private final UserObject user;
    private final Map<String, SessionObject> sessions = new ConcurrentHashMap<>();
    private volatile boolean userExists;
    private volatile String processSession;

    private FakeLogind(DBusTestBus bus, long uid, boolean userExists) throws DBusException {
        this.uid = uid;
        this.userExists = userExists;
        this.service = new FakeService(bus);
        this.manager = new ManagerObject();
        manager.with(MANAGER_IFACE, "IdleHint", false).with(MANAGER_IFACE, "IdleSinceHint", new UInt64(0));
        this.user = new UserObject(userPath());
        user.with(USER_IFACE, "UID", new UInt32(uid))
                .with(USER_IFACE, "State", "active")
                .with(USER_IFACE, "Display", new SessionRef("", new DBusPath("/")));
        service.export(manager);
        service.export(user);
    }

    /** logind for {@code uid}; {@code userExists} false: the user is not logged in anywhere (a headless box). */
    static FakeLogind start(DBusTestBus bus, long uid, boolean userExists) throws DBusException {
        FakeLogind l = new FakeLogind(bus, uid, userExists);
        l.service.claim(NAME);
        return l;
    }

    private String userPath() {
        return PATH + "/user/_" + uid;
    }

    static String sessionPath(String id) {
        return PATH + "/session/_3" + id;
    }

    /** A new session (hints unset, as logind starts them), announced with {@code SessionNew}. */
    SessionObject addSession(String id, boolean active, boolean remote) throws DBusException {
        SessionObject s = new SessionObject(sessionPath(id));
        s.with(SESSION_IFACE, "Id", id)
                .with(SESSION_IFACE, "Active", active)
                .with(SESSION_IFACE, "Remote", remote)
                .with(SESSION_IFACE, "IdleHint", false)
                .with(SESSION_IFACE, "IdleSinceHint", new UInt64(0))
                .with(SESSION_IFACE, "LockedHint", false)
                .with(SESSION_IFACE, "State", active ? "active" : "online")
                .with(SESSION_IFACE, "Type", remote ? "tty" : "wayland")
                .with(SESSION_IFACE, "Class", "user");
        service.export(s);
        sessions.put(id, s);
        userExists = true;
        service.emit(new Manager.SessionNew(PATH, id, new DBusPath(s.getObjectPath())));
        return s;
    }

    /** Makes {@code id} the user's display session, as logind's {@code Display} property changes. */
    void display(String id) throws DBusException {
        user.set(USER_IFACE, "Display", new SessionRef(id, new DBusPath(sessionPath(id))));
    }

    /** The session {@code GetSessionByPID} answers with, for any pid; null: none. */
    void processSession(String id) {
        this.processSession = id;
    }

    SessionObject session(String id) {
        return sessions.get(id);
    }

    @Override
    public void close() {
        service.close();
    }
}
