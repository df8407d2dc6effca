package dev.bgtasks.macos;

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
 * {@link HostSignal#STORAGE_LOW} for the file store of a directory: low below 5 % or 512 MiB usable, the same rule as
 * the other platforms. No macOS event reports free space crossing a threshold, so this polls, every 30 s by default.
 *
 * <pre>{@code
 * StorageSignalSource storage = new StorageSignalSource(Path.of(System.getProperty("user.home")));
 * storage.start(signals::recompute);
 * }</pre>
 */
final class StorageSignalSource implements SignalSource {
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(30);
    static final double LOW_FRACTION = 0.05;
    static final long LOW_BYTES = 512L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(StorageSignalSource.class);

    /** Usable and total bytes of the store holding a directory. */
    @FunctionalInterface
    interface SpaceReader {
        long[] usableAndTotal(Path directory) throws IOException;
    }

    private final Path directory;
    private final Duration period;
    private final SpaceReader reader;
    private final Object lifecycle = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private Runnable onChange = () -> { };
    private ScheduledExecutorService poller;
    private boolean closed;

    StorageSignalSource(Path directory) {
        this(directory, DEFAULT_PERIOD, StorageSignalSource::fileStoreSpace);
    }

    StorageSignalSource(Path directory, Duration period, SpaceReader reader) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.period = Objects.requireNonNull(period, "period");
        this.reader = Objects.requireNonNull(reader, "reader");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
    }

    static boolean storageLow(long usableBytes, long totalBytes) {
        return usableBytes < LOW_BYTES || totalBytes > 0 && (double) usableBytes < LOW_FRACTION * totalBytes;
    }

    // The directory may not exist yet: its nearest existing ancestor is on the store it will use.
    private static long[] fileStoreSpace(Path directory) throws IOException {
        Path existing = directory.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IOException("no part of " + directory + " exists");
        }
        FileStore store = Files.getFileStore(existing);
        return new long[] {store.getUsableSpace(), store.getTotalSpace()};
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lifecycle) {
            if (closed || poller != null) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            this.onChange = onChange;
            read();
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "bgtasks-macos-storage");
                thread.setDaemon(true);
                return thread;
            });
            long millis = period.toMillis();
            poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    void poll() {
        boolean changed;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            changed = read();
        }
        if (changed) {
            onChange.run();
        }
    }

    private boolean read() {
        Map<HostSignal, Boolean> now;
        try {
            long[] space = reader.usableAndTotal(directory);
            now = Map.of(HostSignal.STORAGE_LOW, storageLow(space[0], space[1]));
            failure = null;
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                LOG.warn("cannot read the free space of {}: {}", directory, e.toString());
            }
            failure = e.toString();
            now = Map.of();
        }
        if (now.equals(state)) {
            return false;
        }
        state = now;
        return true;
    }

    @Override
    public String describe() {
        String why = failure == null ? "" : "unknown now (" + failure + "); ";
        return "STORAGE_LOW: " + why + "file store of " + directory + " below 5 % or 512 MiB usable; polled every "
                + period.toSeconds() + " s";
    }

    @Override
    public void close() {
        ScheduledExecutorService executor;
        synchronized (lifecycle) {
            closed = true;
            executor = poller;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("the storage poller did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
