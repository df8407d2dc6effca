package dev.bgtasks.linux.dbus;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.freedesktop.dbus.exceptions.DBusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SignalSource} fed by services on one bus. Each source has its own serial thread
 * ({@code bgtasks-dbus-<name>}): it does every D-Bus call there, so {@link #start} and {@link #current} never
 * block, a slow or hung service delays only its own source, and signals and re-reads apply in order.
 *
 * <p>Subclasses implement {@link #attach} (subscribe, read, {@link #publish}) and {@link #detach} (forget); both
 * run on the serial thread. The bus going away publishes "nothing known".
 */
abstract class DBusSource implements SignalSource {
    private static final Logger LOG = LoggerFactory.getLogger(DBusSource.class);

    private final String name;
    private final DBusConnector connector;
    private final String unavailable;
    private final ExecutorService serial;
    private final DBusConnector.Listener listener = new DBusConnector.Listener() {
        @Override
        public void connected(DBusBus bus) {
            post(() -> connect(bus));
        }

        @Override
        public void disconnected() {
            post(DBusSource.this::disconnect);
        }
    };
    private volatile Map<HostSignal, Boolean> current = Map.of();
    private volatile Runnable onChange = () -> { };
    private volatile boolean closed;
    private final AtomicBoolean started = new AtomicBoolean();
    // Confined to the serial thread.
    private DBusBus bus;

    /** A source watching services on the bus of {@code connector}. */
    DBusSource(String name, DBusConnector connector) {
        this(name, Objects.requireNonNull(connector), null);
    }

    /** A source that can never report anything, and says why (no session bus, for instance). */
    DBusSource(String name, String unavailable) {
        this(name, null, Objects.requireNonNull(unavailable));
    }

    private DBusSource(String name, DBusConnector connector, String unavailable) {
        this.name = name;
        this.connector = connector;
        this.unavailable = unavailable;
        this.serial = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bgtasks-dbus-" + name.replace(' ', '-'));
            t.setDaemon(true);
            return t;
        });
    }

    /** Subscribes to what it needs on {@code bus}, reads the current state and publishes it. Serial thread. */
    protected abstract void attach(DBusBus bus) throws DBusException;

    /** Unsubscribes (best effort) and forgets everything read. Serial thread. */
    protected abstract void detach();

    /** Why nothing is known while {@link #current} is empty, e.g. "no owner of org.freedesktop.UPower". */
    protected abstract String absence();

    /** Where {@code signal} comes from and how changes arrive, for {@link #describe}. */
    protected abstract String origin(HostSignal signal);

    @Override
    public final Map<HostSignal, Boolean> current() {
        return current;
    }

    /** Starts once; a second call is a programming error. */
    @Override
    public final void start(Runnable onChangeCallback) {
        Objects.requireNonNull(onChangeCallback, "onChange");
        if (started.getAndSet(true)) {
            throw new IllegalStateException(name + " is already started");
        }
        this.onChange = onChangeCallback;
        if (connector != null) {
            connector.addListener(listener);
        }
    }

    @Override
    public final String describe() {
        if (connector == null) {
            return name + ": absent (" + unavailable + ")";
        }
        Map<HostSignal, Boolean> now = current;
        if (now.isEmpty()) {
            return name + ": absent (" + absence() + "; " + connector.status() + ")";
        }
        return now.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + " from " + origin(e.getKey()) + ", by events on the "
                        + connector.status())
                .collect(Collectors.joining("\n"));
    }

    /** Runs {@code task} on the serial thread; a task that throws is logged, never lost silently. */
    protected final void post(Runnable task) {
        if (closed) {
            return;
        }
        try {
            serial.execute(() -> {
                if (closed) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: failed handling a D-Bus event", name, e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: closed, dropping a late D-Bus event", name);
        }
    }

    /** Replaces what this source reports; tells the listener only of a real change. Serial thread. */
    protected final void publish(Map<HostSignal, Boolean> signals) {
        Map<HostSignal, Boolean> next = Map.copyOf(signals);
        if (next.equals(current) || closed) {
            return;
        }
        current = next;
        LOG.debug("{}: {}", name, next);
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: the change listener failed", name, e);
        }
    }

    private void connect(DBusBus connected) {
        if (bus != null) {
            detach();
        }
        bus = connected;
        try {
            attach(connected);
        } catch (DBusException | RuntimeException e) {
            // Subscribing needs only the bus daemon, which answers; failing here is a fault, not an absence.
            LOG.warn("{}: cannot subscribe on {}; reporting nothing until the bus reconnects", name,
                    connected.address(), e);
            detach();
            bus = null;
            publish(Map.of());
        }
    }

    private void disconnect() {
        if (bus != null) {
            bus = null;
            detach();
            publish(Map.of());
        }
    }

    /** Stops listening and waits (at most 2 s) for the serial thread to unsubscribe. Does not close the bus. */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        if (connector != null) {
            connector.removeListener(listener);
        }
        try {
            serial.execute(() -> {
                if (bus != null) {
                    bus = null;
                    detach();
                }
            });
        } catch (RejectedExecutionException alreadyClosed) {
            LOG.debug("{}: already closed", name);
        }
        closed = true;
        serial.shutdown();
        try {
            if (!serial.awaitTermination(2, TimeUnit.SECONDS)) {
                serial.shutdownNow();
            }
        } catch (InterruptedException e) {
            serial.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
