package dev.bgtasks.linux.dbus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.messages.DBusSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bus (system or session) at one address, shared by the sources that watch services on it. Connects on its own
 * thread when the first source starts, and again after the connection is lost. While the bus's socket file does not
 * exist (a container, CI, a bus not started yet) it waits for the file to appear with inotify ({@link SocketWatcher}),
 * with no timer, so an idle broker sleeps; while the file exists but the bus refuses, it retries with a backoff of
 * 1 s doubling to 60 s.
 *
 * <pre>{@code
 * DBusConnector system = DBusConnector.systemBus(System.getenv());
 * SignalSource nm = new NetworkManagerSource(system);
 * nm.start(onChange);
 * ...
 * nm.close();
 * system.close();          // after its sources: a source never closes the bus it was given
 * }</pre>
 */
final class DBusConnector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DBusConnector.class);
    static final String DEFAULT_SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket";
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(60);
    /** dbus-java's unit of connection attempts: one attempt per 500 ms of its timeout. */
    private static final int CONNECT_ATTEMPT_MILLIS = 500;

    /** Told, on the connector's thread, when the bus comes and goes; must not block (post to your own thread). */
    interface Listener {
        void connected(DBusBus bus);

        void disconnected();
    }

    /** A connected bus that can be closed. */
    interface Link extends DBusBus {
        void close();
    }

    /** Opens a link; {@code onLost} is called with that link when the bus drops it. Unit tests replace this. */
    @FunctionalInterface
    interface Opener {
        Link open(String address, Consumer<Link> onLost) throws DBusException;
    }

    private final String label;
    private final String address;
    private final Opener opener;
    private final Duration firstRetry;
    private final SocketWatcher watcher;
    private final ScheduledThreadPoolExecutor thread;
    // Confined to the connector's thread.
    private final List<Listener> listeners = new ArrayList<>();
    private Link link;
    private Duration nextRetry;
    private boolean started;
    private AutoCloseable waitingForSocket;
    private boolean socketWaitFailed;
    private volatile String status;

    DBusConnector(String label, String address) {
        this(label, address, DBusConnector::openConnection, FIRST_RETRY, SocketWatcher.INOTIFY);
    }

    /** Retries on a timer only, never waiting for the socket file (unit tests of the backoff). */
    DBusConnector(String label, String address, Opener opener, Duration firstRetry) {
        this(label, address, opener, firstRetry, null);
    }

    DBusConnector(String label, String address, Opener opener, Duration firstRetry, SocketWatcher watcher) {
        this.watcher = watcher;
        this.label = label;
        this.address = address;
        this.opener = opener;
        this.firstRetry = firstRetry;
        this.nextRetry = firstRetry;
        this.status = label + " " + address + ": not connected yet";
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bgtasks-dbus-" + label.replace(' ', '-'));
            t.setDaemon(true);
            return t;
        });
        // A pending retry must not hold up close().
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** The system bus: {@code DBUS_SYSTEM_BUS_ADDRESS}, else the well-known socket. */
    static DBusConnector systemBus(Map<String, String> env) {
        return new DBusConnector("system bus", systemBusAddress(env));
    }

    /** The session bus, only where {@code DBUS_SESSION_BUS_ADDRESS} names one: no guessing of a user's bus. */
    static Optional<DBusConnector> sessionBus(Map<String, String> env) {
        return sessionBusAddress(env).map(a -> new DBusConnector("session bus", a));
    }

    static String systemBusAddress(Map<String, String> env) {
        String a = env.get("DBUS_SYSTEM_BUS_ADDRESS");
        return a == null || a.isBlank() ? DEFAULT_SYSTEM_BUS : a.trim();
    }

    static Optional<String> sessionBusAddress(Map<String, String> env) {
        String a = env.get("DBUS_SESSION_BUS_ADDRESS");
        return a == null || a.isBlank() ? Optional.empty() : Optional.of(a.trim());
    }

    String address() {
        return address;
    }

    /** One phrase: the bus, its address and whether it is connected (or why not). */
    String status() {
        return status;
    }

    /** Tells {@code listener} of the bus now (if connected) and of every later change; connects on first use. */
    void addListener(Listener listener) {
        execute(() -> {
            listeners.add(listener);
            if (link != null) {
                listener.connected(link);
            } else if (!started) {
                started = true;
                connect();
            }
        });
    }

    void removeListener(Listener listener) {
        execute(() -> listeners.remove(listener));
    }

    private void connect() {
        if (link != null || thread.isShutdown()) {
            return;
        }
        try {
            Link opened = opener.open(address, lost -> execute(() -> lost(lost)));
            link = opened;
            nextRetry = firstRetry;
            status = label + " " + address + ": connected";
            LOG.debug("connected to the {} at {}", label, address);
            for (Listener l : List.copyOf(listeners)) {
                l.connected(opened);
            }
        } catch (DBusException | RuntimeException e) {
            Optional<Path> socket = socketFile(address);
            if (watcher != null && !socketWaitFailed && socket.isPresent() && !Files.exists(socket.get())
                    && waitForSocket(socket.get(), e)) {
                return;
            }
            socketWaitFailed = false;
            Duration wait = nextRetry;
            nextRetry = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
            status = label + " " + address + ": unreachable (" + e.getMessage() + "), next try in "
                    + wait.toSeconds() + " s";
            LOG.debug("cannot connect to the {} at {}; next try in {}", label, address, wait, e);
            schedule(this::connect, wait);
        }
    }

    /** Waits for the socket file with no timer; false when it cannot (no inotify), and the timer is used. */
    private boolean waitForSocket(Path socket, Exception why) {
        String before = status;
        status = label + " " + address + ": unreachable (" + why.getMessage() + "), waiting for " + socket
                + " to appear (inotify, no timer)";
        try {
            waitingForSocket = watcher.watch(socket, () -> execute(() -> socketAppeared(socket)));
        } catch (IOException | RuntimeException e) {
            status = before;
            LOG.debug("cannot wait for {} with inotify; retrying on a timer", socket, e);
            return false;
        }
        LOG.debug("no {} at {}; waiting for {} to appear", label, address, socket);
        return true;
    }

    private void socketAppeared(Path socket) {
        closeWait();
        // The wait ends without the file only when it failed: the next retry goes by the timer.
        socketWaitFailed = !Files.exists(socket);
        connect();
    }

    private void closeWait() {
        if (waitingForSocket != null) {
            try {
                waitingForSocket.close();
            } catch (Exception e) {
                LOG.debug("closing the wait for the {} socket failed", label, e);
            }
            waitingForSocket = null;
        }
    }

    /** The socket file of a single {@code unix:path=} address; empty for any other (abstract, tcp, a list). */
    static Optional<Path> socketFile(String address) {
        String a = address.trim();
        if (!a.startsWith("unix:") || a.contains(";")) {
            return Optional.empty();
        }
        for (String part : a.substring("unix:".length()).split(",")) {
            if (part.startsWith("path=") && part.length() > "path=".length()) {
                return Optional.of(Path.of(part.substring("path=".length())));
            }
        }
        return Optional.empty();
    }

    private void lost(Link lostLink) {
        if (lostLink != link) {
            return;
        }
        link = null;
        lostLink.close();
        status = label + " " + address + ": connection lost, reconnecting";
        LOG.info("lost the {} at {}; reconnecting", label, address);
        for (Listener l : List.copyOf(listeners)) {
            l.disconnected();
        }
        schedule(this::connect, firstRetry);
    }

    private void execute(Runnable r) {
        try {
            thread.execute(guarded(r));
        } catch (RejectedExecutionException closed) {
            LOG.debug("the {} connector is closed; ignoring a late call", label);
        }
    }

    private void schedule(Runnable r, Duration delay) {
        try {
            thread.schedule(guarded(r), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            LOG.debug("the {} connector is closed; no retry", label);
        }
    }

    private Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("the {} connector failed", label, e);
            }
        };
    }

    /** Disconnects. Close the sources using this bus first. */
    @Override
    public void close() {
        execute(() -> {
            closeWait();
            if (link != null) {
                link.close();
                link = null;
            }
            listeners.clear();
            status = label + " " + address + ": closed";
        });
        thread.shutdown();
        try {
            if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Tries each address of a {@code ;}-separated list in turn, as libdbus does. */
    static Link openConnection(String address, Consumer<Link> onLost) throws DBusException {
        DBusException first = null;
        for (String one : address.split(";")) {
            if (one.isBlank()) {
                continue;
            }
            try {
                return ConnectionLink.open(one.trim(), onLost);
            } catch (DBusException | RuntimeException e) {
                if (first == null) {
                    first = e instanceof DBusException d ? d : new DBusException(e.getMessage(), e);
                }
            }
        }
        throw first != null ? first : new DBusException("no address in '" + address + "'");
    }

    /** The dbus-java connection behind a {@link Link}. */
    private static final class ConnectionLink implements Link {
        private final String address;
        private final DBusConnection connection;
        private final DBus daemon;

        private ConnectionLink(String address, DBusConnection connection) throws DBusException {
            this.address = address;
            this.connection = connection;
            this.daemon = connection.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
        }

        static Link open(String address, Consumer<Link> onLost) throws DBusException {
            AtomicReference<Link> self = new AtomicReference<>();
            // Not shared: dbus-java otherwise hands every caller with the same address one connection, and
            // closing it for one (a test's fake service) would close it for all.
            DBusConnection c = DBusConnectionBuilder.forAddress(address)
                    .withShared(false)
                    // One attempt: dbus-java otherwise retries for 10 s, and the connector has its own backoff.
                    .transportConfig().withTimeout(CONNECT_ATTEMPT_MILLIS).back()
                    .withDisconnectCallback(new IDisconnectCallback() {
                        @Override
                        public void disconnectOnError(IOException e) {
                            Link l = self.get();
                            if (l != null) {
                                onLost.accept(l);
                            }
                        }
                    })
                    .build();
            try {
                ConnectionLink link = new ConnectionLink(address, c);
                self.set(link);
                if (!c.isConnected()) {
                    throw new DBusException("the bus at " + address + " closed the connection");
                }
                return link;
            } catch (DBusException | RuntimeException e) {
                c.disconnect();
                throw e;
            }
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public <T extends DBusInterface> T remote(String busName, String path, Class<T> type, boolean autostart)
                throws DBusException {
            return connection.getRemoteObject(busName, path, type, autostart);
        }

        @Override
        public Optional<String> nameOwner(String busName) {
            try {
                return Optional.ofNullable(daemon.GetNameOwner(busName)).filter(s -> !s.isEmpty());
            } catch (DBusExecutionException noOwner) {
                // org.freedesktop.DBus.Error.NameHasNoOwner; dbus-java keeps only the message.
                return Optional.empty();
            }
        }

        @Override
        public <T extends DBusSignal> AutoCloseable onSignal(DBusMatchRule rule, DBusSigHandler<T> handler)
                throws DBusException {
            return connection.addSigHandler(rule, handler);
        }

        @Override
        public AutoCloseable onAnySignal(DBusMatchRule rule, DBusSigHandler<DBusSignal> handler)
                throws DBusException {
            return connection.addGenericSigHandler(rule, handler);
        }

        @Override
        public void close() {
            connection.disconnect();
        }
    }
}
