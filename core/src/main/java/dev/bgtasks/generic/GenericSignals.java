package dev.bgtasks.generic;

import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.PolledSignalSource;
import dev.bgtasks.spi.SignalSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host signals of the generic platform: OSHI and the JDK polled on a daemon thread, listeners told only when the
 * snapshot changes. INTERNET, AC_POWER, BATTERY_LOW and STORAGE_LOW are known where the host can tell them;
 * USER_PRESENT, SESSION_CONNECTED, UNMETERED_NETWORK and ENERGY_SAVER have no portable source and stay unknown.
 *
 * <pre>{@code
 * try (GenericSignals signals = new GenericSignals(new OshiSignalReader(dataDir), Duration.ofSeconds(2), dataDir)) {
 *     signals.subscribe(s -> log.info("now {}", s));
 * }
 * }</pre>
 */
final class GenericSignals implements HostSignals {
    private static final Logger LOG = LoggerFactory.getLogger(GenericSignals.class);

    private final Supplier<Readings> reader;
    private final Duration period;
    private final Path storageDirectory;
    private final List<Consumer<SignalSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;
    private final Object readLock = new Object();
    private volatile SignalSnapshot latest;

    /**
     * Starts polling at once.
     *
     * @param reader reads the host (OSHI in production, fixtures in tests)
     * @param period time between two polls
     * @param storageDirectory the directory whose file store STORAGE_LOW watches, for {@link #describe()}
     */
    GenericSignals(Supplier<Readings> reader, Duration period, Path storageDirectory) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.period = Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        this.storageDirectory = Objects.requireNonNull(storageDirectory, "storageDirectory");
        this.poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-generic-signals");
            thread.setDaemon(true);
            return thread;
        });
        long nanos = period.toNanos();
        poller.scheduleWithFixedDelay(this::poll, 0, nanos, TimeUnit.NANOSECONDS);
    }

    /** The last polled snapshot; the first call before any poll finished reads the host on the caller's thread. */
    @Override
    public SignalSnapshot current() {
        SignalSnapshot now = latest;
        if (now != null) {
            return now;
        }
        synchronized (readLock) {
            if (latest == null) {
                latest = read();
            }
            return latest;
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
        String every = "polled every " + PolledSignalSource.human(period);
        return "    INTERNET: " + every + " (OSHI: an up, non-loopback interface with a global address and a default"
                + " route through it; no reachability probe)\n"
                + "    AC_POWER: " + every + " (OSHI power sources; unknown on a machine without a battery)\n"
                + "    BATTERY_LOW: " + every + " (OSHI power sources: below 20 % on battery; unknown without a"
                + " battery)\n"
                + "    STORAGE_LOW: " + every + " (file store of " + storageDirectory + ": below 5 % or 512 MiB"
                + " usable)\n"
                + "    USER_PRESENT: unknown (no portable source on the generic platform)\n"
                + "    SESSION_CONNECTED: unknown (no portable source on the generic platform)\n"
                + "    UNMETERED_NETWORK: unknown (no portable source on the generic platform)\n"
                + "    ENERGY_SAVER: unknown (no portable source on the generic platform)\n";
    }

    /** Stops the poller; listeners are not called any more. */
    @Override
    public void close() {
        poller.shutdownNow();
        listeners.clear();
    }

    private void poll() {
        // An exception escaping here would silently cancel every later poll: catch everything.
        try {
            SignalSnapshot now;
            synchronized (readLock) {
                now = read();
                if (now.equals(latest)) {
                    return;
                }
                latest = now;
            }
            for (Consumer<SignalSnapshot> listener : listeners) {
                try {
                    listener.accept(now);
                } catch (RuntimeException e) {
                    LOG.warn("a host signal listener failed", e);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("polling host signals failed; trying again in {}", period, e);
        }
    }

    private SignalSnapshot read() {
        Readings readings = reader.get();
        return SignalRules.decide(readings == null ? Readings.NOTHING : readings);
    }
}
