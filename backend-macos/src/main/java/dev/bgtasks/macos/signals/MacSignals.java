package dev.bgtasks.macos.signals;

import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.CoreGraphicsLib;
import dev.bgtasks.macos.jna.IOKitLib;
import dev.bgtasks.macos.jna.ObjCLib;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemConfigurationLib;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SignalSource;
import dev.bgtasks.spi.StorageSignalSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The macOS host signals, from four sources: configd's network change notification with the dynamic store
 * (INTERNET, UNMETERED_NETWORK), IOKit's power sources with Low Power Mode (AC_POWER, BATTERY_LOW, ENERGY_SAVER),
 * IOHIDSystem's idle time with the console session (USER_PRESENT, SESSION_CONNECTED), and the file store of the home
 * directory (STORAGE_LOW). Network and power are event-driven, presence and storage are polled; {@link #describe()}
 * says which, and how often. Listeners hear of a change only when the combined snapshot changes.
 *
 * <pre>{@code
 * MacSignals signals = MacSignals.start();
 * try (AutoCloseable sub = signals.subscribe(s -> log.info("now {}", s))) {
 *     boolean online = signals.current().is(HostSignal.INTERNET, true);
 * }
 * signals.close();
 * }</pre>
 *
 * <p>A source whose framework does not load or that fails to start is logged and reports nothing: its signals stay
 * unknown, never guessed, and {@link #describe()} says why.
 */
public final class MacSignals implements HostSignals {
    private static final Logger LOG = LoggerFactory.getLogger(MacSignals.class);

    private final List<SignalSource> sources;
    private final List<Consumer<SignalSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final MacSignalState state = new MacSignalState();
    /**
     * Sources call back on their own threads (notify reader, run loop, pollers). One thread combines and publishes,
     * so snapshots reach listeners in the order they were taken, and never under a lock the broker could wait on.
     */
    private final Executor publisher;
    private final Object lifecycle = new Object();
    private boolean started;
    private boolean closed;

    /**
     * @param sources the sources, most authoritative first
     * @param publisher the thread that combines and publishes: {@code Runnable::run} makes tests synchronous
     */
    MacSignals(List<SignalSource> sources, Executor publisher) {
        this.sources = List.copyOf(sources);
        this.publisher = publisher;
    }

    /**
     * Builds the real sources over the macOS frameworks and starts them.
     *
     * @return the running signals; close them to stop every thread, run loop and notification
     */
    public static MacSignals start() {
        List<SignalSource> sources = new ArrayList<>();
        sources.add(networkSource());
        sources.add(powerSource());
        sources.add(presenceSource());
        sources.add(new StorageSignalSource(Path.of(System.getProperty("user.home"))));
        MacSignals signals = new MacSignals(sources, Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-macos-signals");
            thread.setDaemon(true);
            return thread;
        }));
        signals.startSources();
        return signals;
    }

    private static SignalSource networkSource() {
        try {
            CoreFoundationValues cf = new CoreFoundationValues(CoreFoundationLib.instance());
            DynamicStore store = DynamicStore.open(SystemConfigurationLib.instance(), cf);
            return new NetworkSignalSource(store, new NotifyWatch(SystemCalls.open(), "bgtasks-macos-network"));
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("no network signals from SystemConfiguration: {}", e.toString());
            return new UnavailableSignalSource("INTERNET, UNMETERED_NETWORK", "SystemConfiguration: " + e);
        }
    }

    private static SignalSource powerSource() {
        try {
            CoreFoundationLib cfLib = CoreFoundationLib.instance();
            CoreFoundationValues cf = new CoreFoundationValues(cfLib);
            IOKitLib iokit = IOKitLib.instance();
            return new PowerSignalSource(iokit, cf, new CoreFoundationRunLoop(cfLib, "bgtasks-macos-power"),
                    lowPowerModeReader(), PowerSignalSource.DEFAULT_MODE_PERIOD);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("no power signals from IOKit: {}", e.toString());
            return new UnavailableSignalSource("AC_POWER, BATTERY_LOW, ENERGY_SAVER", "IOKit: " + e);
        }
    }

    /** NSProcessInfo where the runtime and the selector are there, else pmset, saying why. */
    private static PowerModeReader lowPowerModeReader() {
        FoundationLowPowerMode foundation;
        try {
            foundation = new FoundationLowPowerMode(ObjCLib::loadFoundation, ObjCLib.instance(),
                    ObjCLib.BoolMessages.instance());
        } catch (RuntimeException | LinkageError e) {
            PmsetLowPowerMode pmset = new PmsetLowPowerMode();
            pmset.because("the Objective-C runtime does not load: " + e.getMessage());
            return pmset;
        }
        return PowerModeReader.choose(foundation, PmsetLowPowerMode::new);
    }

    private static SignalSource presenceSource() {
        try {
            CoreFoundationValues cf = new CoreFoundationValues(CoreFoundationLib.instance());
            IOKitLib iokit = IOKitLib.instance();
            DynamicStore store;
            try {
                store = DynamicStore.open(SystemConfigurationLib.instance(), cf);
            } catch (IOException | RuntimeException | LinkageError e) {
                LOG.info("no dynamic store for the console user fallback: {}", e.toString());
                store = null;
            }
            SessionReader session = new SessionReader(CoreGraphicsLib.instance(), cf, store);
            return new PresenceSource(new IOKitIdleTime(iokit, cf), session, System.getProperty("user.name", ""),
                    PresenceSource.DEFAULT_THRESHOLD, PresenceSource.DEFAULT_PERIOD);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("no presence signals from IOKit and CoreGraphics: {}", e.toString());
            return new UnavailableSignalSource("USER_PRESENT, SESSION_CONNECTED", "IOKit/CoreGraphics: " + e);
        }
    }

    /** Starts every source; a source that fails to start is logged and reports nothing. */
    void startSources() {
        synchronized (lifecycle) {
            if (started || closed) {
                return;
            }
            started = true;
        }
        for (SignalSource source : sources) {
            try {
                source.start(this::requestRecompute);
            } catch (RuntimeException e) {
                LOG.warn("a signal source failed to start and reports nothing: {}", source.describe(), e);
            }
        }
        // What the sources read while starting is the baseline; only what changes from it is news.
        state.offer(readings());
    }

    private void requestRecompute() {
        try {
            publisher.execute(this::recompute);
        } catch (RejectedExecutionException closedAlready) {
            // Closed: nobody listens any more.
        }
    }

    private void recompute() {
        state.offer(readings()).ifPresent(snapshot -> {
            for (Consumer<SignalSnapshot> listener : listeners) {
                try {
                    listener.accept(snapshot);
                } catch (RuntimeException e) {
                    LOG.error("a host signal listener failed", e);
                }
            }
        });
    }

    private List<Map<HostSignal, Boolean>> readings() {
        List<Map<HostSignal, Boolean>> readings = new ArrayList<>();
        for (SignalSource source : sources) {
            try {
                readings.add(source.current());
            } catch (RuntimeException e) {
                LOG.warn("a signal source failed to answer: {}", source.describe(), e);
                readings.add(Map.of());
            }
        }
        return readings;
    }

    @Override
    public SignalSnapshot current() {
        return MacSignalState.combine(readings());
    }

    /** Tells every source what the registrations need: the free-space poll runs only while one does. */
    @Override
    public void need(Set<HostSignal> signals) {
        for (SignalSource source : sources) {
            source.need(signals);
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<SignalSnapshot> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (SignalSource source : sources) {
            for (String line : source.describe().split("\n")) {
                if (!line.isBlank()) {
                    text.append("    ").append(line.strip()).append('\n');
                }
            }
        }
        return text.toString();
    }

    /** Stops the publisher, then every source: threads joined, run loops stopped, notifications cancelled. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (publisher instanceof ExecutorService service) {
            service.shutdownNow();
            try {
                service.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SignalSource source : sources) {
            try {
                source.close();
            } catch (RuntimeException e) {
                LOG.warn("closing a signal source failed", e);
            }
        }
    }
}
