package dev.bgtasks.windows;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SignalSource;
import dev.bgtasks.spi.StorageSignalSource;
import dev.bgtasks.windows.jna.LastInput;
import dev.bgtasks.windows.jna.MessageWindow;
import dev.bgtasks.windows.jna.NetworkIpHelper;
import dev.bgtasks.windows.jna.NlmReader;
import dev.bgtasks.windows.jna.Win32Libraries;
import dev.bgtasks.windows.jna.WtsSession;
import dev.bgtasks.windows.signals.ComThread;
import dev.bgtasks.windows.signals.NetworkSource;
import dev.bgtasks.windows.signals.PowerSource;
import dev.bgtasks.windows.signals.PresenceSource;
import dev.bgtasks.windows.signals.SessionSource;
import dev.bgtasks.windows.signals.WinSignalRules;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Windows host signals, event-driven where Windows offers events: the Network List Manager re-read on IP Helper
 * change notifications (INTERNET, UNMETERED_NETWORK), the power status re-read on power setting notifications
 * (AC_POWER, BATTERY_LOW, ENERGY_SAVER), the session state re-read on session notifications (SESSION_CONNECTED, and
 * USER_PRESENT false while locked or disconnected), input idle time polled (USER_PRESENT) and free space polled
 * (STORAGE_LOW). Listeners hear of a change only when the combined snapshot changes.
 *
 * <pre>{@code
 * try (WindowsSignals signals = WindowsSignals.start()) {
 *     signals.subscribe(s -> log.info("now {}", s));
 *     boolean online = signals.current().is(HostSignal.INTERNET, true);
 *     System.out.println(signals.describe());
 * }
 * }</pre>
 *
 * <p>Combining: every signal comes from the first source, in precedence order, that knows it. Only USER_PRESENT has
 * two sources: the session (false while locked or disconnected) comes before input idle time.
 */
public final class WindowsSignals implements HostSignals {
    private static final Logger LOG = LoggerFactory.getLogger(WindowsSignals.class);

    private final List<SignalSource> precedence;
    private final MessageWindow window;
    private final List<Consumer<SignalSnapshot>> listeners = new CopyOnWriteArrayList<>();
    /**
     * Sources call back on their own threads, several at once. One thread merges and publishes, so snapshots reach
     * listeners in the order they were taken, and no listener runs under {@link #lock}.
     */
    private final Executor publisher;
    private final Object lock = new Object();
    private SignalSnapshot snapshot;
    private boolean started;
    private boolean closed;

    /**
     * @param precedence the sources, most authoritative first
     * @param window the message window the power and session sources listen to; started after them
     * @param publisher the thread that merges and publishes: {@code Runnable::run} makes tests synchronous
     */
    WindowsSignals(List<SignalSource> precedence, MessageWindow window, Executor publisher) {
        this.precedence = List.copyOf(precedence);
        this.window = Objects.requireNonNull(window, "window");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /**
     * Builds the real sources over the Win32 APIs and starts them.
     *
     * @return the running signals; close them to stop every thread and notification
     * @throws UnsupportedOperationException off Windows
     */
    public static WindowsSignals start() {
        if (!System.getProperty("os.name", "").startsWith("Windows")) {
            throw new UnsupportedOperationException("WindowsSignals needs Windows; this is " + System.getProperty(
                    "os.name"));
        }
        MessageWindow window = MessageWindow.system();
        List<SignalSource> sources = List.of(
                new NetworkSource(NlmReader.system(), ComThread.dedicated("bgtasks-nlm-com"), NetworkIpHelper.system()),
                new PowerSource(Win32Libraries.kernel32(), window),
                new SessionSource(WtsSession.system(), window),
                new PresenceSource(LastInput.system()),
                new StorageSignalSource(dataDirectory(System.getenv(), Path.of(System.getProperty("user.home")))));
        WindowsSignals signals = new WindowsSignals(sources, window, Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "bgtasks-windows-signals");
            thread.setDaemon(true);
            return thread;
        }));
        signals.begin();
        return signals;
    }

    /** Starts every source, then the message window; a source that fails to start is logged and reports nothing. */
    void begin() {
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
        }
        // The state before the sources start is the baseline; only what changes from it is news to listeners.
        current();
        for (SignalSource source : precedence) {
            try {
                source.start(this::requestRecompute);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("a signal source failed to start and reports nothing: {}", source.describe(), e);
            }
        }
        String failure = window.start();
        if (failure != null) {
            LOG.warn("no message window ({}); power and session are polled", failure);
        }
        requestRecompute();
    }

    private void requestRecompute() {
        try {
            publisher.execute(this::recompute);
        } catch (RejectedExecutionException closedAlready) {
            // Closed: nobody listens any more.
        }
    }

    @Override
    public SignalSnapshot current() {
        synchronized (lock) {
            if (snapshot == null) {
                snapshot = WinSignalRules.merge(readings());
            }
            return snapshot;
        }
    }

    private List<Map<HostSignal, Boolean>> readings() {
        return precedence.stream().map(WindowsSignals::readings).toList();
    }

    private static Map<HostSignal, Boolean> readings(SignalSource source) {
        try {
            return source.current();
        } catch (RuntimeException e) {
            LOG.warn("a signal source failed to answer: {}", source.describe(), e);
            return Map.of();
        }
    }

    private void recompute() {
        SignalSnapshot next = WinSignalRules.merge(readings());
        synchronized (lock) {
            if (closed || next.equals(snapshot)) {
                return;
            }
            snapshot = next;
        }
        for (Consumer<SignalSnapshot> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.error("a host signal listener failed", e);
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<SignalSnapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (SignalSource source : precedence) {
            for (String line : source.describe().split("\n")) {
                if (!line.isBlank()) {
                    text.append("    ").append(line.strip()).append('\n');
                }
            }
        }
        text.append("    (").append(window.describe()).append(")\n");
        return text.toString();
    }

    /** Stops the message window (unregistering its notifications), then every source, then the publisher. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            window.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the message window failed", e);
        }
        for (SignalSource source : precedence) {
            try {
                source.close();
            } catch (RuntimeException e) {
                LOG.warn("closing a signal source failed", e);
            }
        }
        if (publisher instanceof ExecutorService service) {
            service.shutdownNow();
            try {
                service.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Where the broker keeps its data: {@code BGTASKS_HOME}, else {@code %LOCALAPPDATA%\bgtasks}, else {@code home}. */
    static Path dataDirectory(Map<String, String> environment, Path home) {
        String override = environment.get("BGTASKS_HOME");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String local = environment.get("LOCALAPPDATA");
        return local != null && !local.isBlank() ? Path.of(local, "bgtasks") : home;
    }
}
