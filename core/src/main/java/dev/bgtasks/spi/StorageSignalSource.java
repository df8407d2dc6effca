package dev.bgtasks.spi;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link HostSignal#STORAGE_LOW} for the file store holding a directory (the data directory): low below 5 % or
 * 512 MiB usable. No OS sends an event when free space crosses a threshold (Linux's fanotify and inotify report
 * file changes, not space), so this one polls, every 30 s by default, and says so; it reads once at start and then
 * polls only while some registration needs {@code STORAGE_NOT_LOW} ({@link #need}), so an idle broker sleeps. Every backend uses it: the rule
 * and the reading are the same everywhere, through {@link FileStore}.
 *
 * <pre>{@code
 * StorageSignalSource storage = new StorageSignalSource(dataDir);
 * storage.start(signals::recompute);
 * }</pre>
 */
public final class StorageSignalSource extends PolledSignalSource {
    /** How often the space is read unless told otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    /** Below this share of the store usable, storage is low. */
    public static final double LOW_FRACTION = 0.05;
    /** Below this many usable bytes, storage is low whatever the store's size. */
    public static final long LOW_BYTES = 512L << 20;

    /** How much space a directory's store has; the real one asks its {@link FileStore}. */
    @FunctionalInterface
    public interface SpaceReader {
        /**
         * Reads the space of {@code directory}'s store.
         *
         * @param directory the directory
         * @return its store's space
         * @throws IOException when the store cannot be read
         */
        Space read(Path directory) throws IOException;
    }

    /**
     * Usable (by this user, unlike free) and total bytes of a store, and its name for describe().
     *
     * @param usableBytes bytes this user may still write
     * @param totalBytes the store's size
     * @param store the store's name and type, e.g. {@code /dev/vda (ext4)}
     */
    public record Space(long usableBytes, long totalBytes, String store) {
    }

    private final Path directory;
    private final SpaceReader reader;
    private volatile String store = "";

    /**
     * Watches the store of {@code directory}, every {@link #DEFAULT_INTERVAL}.
     *
     * @param directory the directory, which need not exist yet
     */
    public StorageSignalSource(Path directory) {
        this(directory, DEFAULT_INTERVAL, StorageSignalSource::fileStoreSpace);
    }

    /**
     * Watches the store of {@code directory} every {@code interval}, reading it with {@code reader}.
     *
     * @param directory the directory, which need not exist yet
     * @param interval how often to read; positive
     * @param reader how to read the space (tests give a scripted one)
     */
    public StorageSignalSource(Path directory, Duration interval, SpaceReader reader) {
        super("storage", interval, Set.of(HostSignal.STORAGE_LOW));
        this.directory = Objects.requireNonNull(directory, "directory");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * The rule: low below {@link #LOW_BYTES} usable, or below {@link #LOW_FRACTION} of the store.
     *
     * @param usableBytes bytes this user may still write
     * @param totalBytes the store's size, 0 when unknown
     * @return true when storage is low
     */
    public static boolean storageLow(long usableBytes, long totalBytes) {
        if (usableBytes < LOW_BYTES) {
            return true;
        }
        return totalBytes > 0 && (double) usableBytes < LOW_FRACTION * (double) totalBytes;
    }

    /**
     * Reads the space of the store that holds, or will hold, {@code directory}.
     *
     * @param directory the directory; the data directory may not exist yet, and its nearest existing ancestor
     *     lives on the store it will use
     * @return the store's space
     * @throws IOException when no part of the path exists or the store cannot be read
     */
    public static Space fileStoreSpace(Path directory) throws IOException {
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

    /** One reading of the store's space: STORAGE_LOW by {@link #storageLow}. */
    @Override
    protected Map<HostSignal, Boolean> read() throws IOException {
        Space space = reader.read(directory);
        store = space.store();
        return Map.of(HostSignal.STORAGE_LOW, storageLow(space.usableBytes(), space.totalBytes()));
    }

    @Override
    public String describe() {
        String why = failure();
        String polled = "polled every " + human(period()) + " while a registration needs STORAGE_NOT_LOW (no OS has"
                + " an event for free space); " + (polling() ? "polling now" : "not needed now: not polled");
        if (why != null) {
            return "STORAGE_LOW: unknown: cannot read the store of " + directory + " (" + why + "); " + polled;
        }
        String on = store.isEmpty() ? "" : " on " + store;
        return "STORAGE_LOW: usable space of " + directory + on + " below " + Math.round(LOW_FRACTION * 100)
                + " % or " + (LOW_BYTES >> 20) + " MiB; " + polled;
    }
}
