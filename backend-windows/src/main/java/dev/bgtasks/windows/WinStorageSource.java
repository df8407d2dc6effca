package dev.bgtasks.windows;

import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#STORAGE_LOW} for the volume holding the data directory ({@code %LOCALAPPDATA%\bgtasks}, or
 * {@code BGTASKS_HOME}): low below 5 % or 512 MiB usable, the same thresholds as on Linux. Windows sends no event
 * when free space crosses a threshold, so this polls, every 30 s by default, and says so.
 *
 * <pre>{@code
 * WinStorageSource storage = new WinStorageSource(WinStorageSource.dataDirectory(System.getenv(), home));
 * storage.start(signals::recompute);
 * }</pre>
 */
final class WinStorageSource implements WinSignalSource {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    /** Below this share of the volume usable, storage is low. */
    static final double LOW_FRACTION = 0.05;
    /** Below this many usable bytes, storage is low whatever the volume's size. */
    static final long LOW_BYTES = 512L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(WinStorageSource.class);

    /** How much space a directory's volume has; the real one asks its {@link FileStore}. */
    @FunctionalInterface
    interface SpaceReader {
        Space read(Path directory) throws IOException;
    }

    /** Usable (by this user) and total bytes of a volume, and its name for describe(). */
    record Space(long usableBytes, long totalBytes, String store) {
    }

    private final Path directory;
    private final Duration interval;
    private final SpaceReader reader;
    private final Object lifecycle = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String store = "";
    private volatile String failure;
    private volatile Runnable onChange = () -> { };
    private boolean started;
    private boolean closed;
    private ScheduledExecutorService poller;

    WinStorageSource(Path directory) {
        this(directory, DEFAULT_INTERVAL, WinStorageSource::fileStoreSpace);
    }

    WinStorageSource(Path directory, Duration interval, SpaceReader reader) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.reader = Objects.requireNonNull(reader, "reader");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
    }

    /** {@code BGTASKS_HOME}, else {@code %LOCALAPPDATA%\bgtasks}, else {@code home}. */
    static Path dataDirectory(Map<String, String> environment, Path home) {
        String override = environment.get("BGTASKS_HOME");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String local = environment.get("LOCALAPPDATA");
        return local != null && !local.isBlank() ? Path.of(local, "bgtasks") : home;
    }

    static boolean storageLow(long usableBytes, long totalBytes) {
        if (usableBytes < LOW_BYTES) {
            return true;
        }
        return totalBytes > 0 && (double) usableBytes < LOW_FRACTION * (double) totalBytes;
    }

    // The data directory may not exist yet: its nearest existing ancestor lives on the volume it will use.
    static Space fileStoreSpace(Path directory) throws IOException {
        Path existing = directory.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IOException("no part of " + directory + " exists");
        }
        FileStore fileStore = Files.getFileStore(existing);
        return new Space(fileStore.getUsableSpace(), fileStore.getTotalSpace(),
                fileStore.name() + " (" + fileStore.type() + ")");
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    /** Reads the space now, then every interval on a daemon thread. */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
            poll();
            this.onChange = onChange;
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "bgtasks-storage-poll");
                thread.setDaemon(true);
                return thread;
            });
            long every = interval.toMillis();
            poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** One reading; tells the listener when STORAGE_LOW changed (or became known or unknown). */
    void poll() {
        Map<HostSignal, Boolean> now;
        try {
            Space space = reader.read(directory);
            store = space.store();
            failure = null;
            now = Map.of(HostSignal.STORAGE_LOW, storageLow(space.usableBytes(), space.totalBytes()));
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                LOG.warn("cannot read the free space of {}: {}", directory, e.toString());
            }
            failure = e.toString();
            now = Map.of();
        }
        if (!now.equals(state)) {
            state = now;
            LOG.info("storage of {}: {}", directory, now.isEmpty() ? "unknown" : now);
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.error("a STORAGE_LOW change listener failed", e);
            }
        }
    }

    @Override
    public String describe() {
        String polled = "polled every " + WinSignalRules.human(interval) + " (Windows has no event for free space)";
        if (failure != null) {
            return "STORAGE_LOW: unknown: cannot read the volume of " + directory + " (" + failure + "); " + polled;
        }
        String on = store.isEmpty() ? "" : " on " + store;
        return "STORAGE_LOW: usable space of " + directory + on + " below " + Math.round(LOW_FRACTION * 100)
                + " % or " + (LOW_BYTES >> 20) + " MiB; " + polled;
    }

    @Override
    public void close() {
        ScheduledExecutorService executor;
        synchronized (lifecycle) {
            closed = true;
            executor = poller;
        }
        onChange = () -> { };
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
