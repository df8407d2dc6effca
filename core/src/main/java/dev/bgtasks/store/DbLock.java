package dev.bgtasks.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock on {@code <db>.lock} that makes one broker per database: another process fails
 * {@code tryLock}, and another store in this JVM is refused before it opens the file at all.
 */
final class DbLock implements AutoCloseable {
    /**
     * Lock files held by this JVM. Checked before opening a channel, because on POSIX closing any descriptor of a
     * file drops every lock the process holds on it: a refused second open must not release the first one's lock.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;

    private DbLock(Path key, FileChannel channel) {
        this.key = key;
        this.channel = channel;
    }

    static DbLock acquire(Path dbFile) {
        Path lockFile = StoreFiles.sibling(dbFile, ".lock");
        Path key = canonical(lockFile);
        if (!HELD.add(key)) {
            throw locked(dbFile);
        }
        try {
            return new DbLock(key, lockedChannel(dbFile, lockFile));
        } catch (RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    /**
     * Whether a store holds the lock of {@code dbFile}: one in this JVM, or another process (a broker). When the
     * lock is free it is taken and dropped at once, so a broker that starts in that instant may find it held.
     * A lock file that cannot be opened counts as free: whoever then opens the store learns why.
     */
    static boolean isHeld(Path dbFile) {
        Path lockFile = StoreFiles.sibling(dbFile, ".lock");
        if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path key = canonical(lockFile);
        // Held while we look, so a store of this JVM cannot open the file meanwhile: our close would drop its lock.
        if (!HELD.add(key)) {
            return true;
        }
        try {
            FileChannel channel;
            try {
                channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return false;
            }
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Held in this JVM through another class loader: leave the channel open, as acquire does.
                return true;
            } catch (IOException e) {
                closeQuietly(channel, e);
                return false;
            }
            try {
                return lock == null;
            } finally {
                try {
                    channel.close();
                } catch (IOException e) {
                    // Closing drops our probe's lock with it; nothing else of ours was held on this file.
                }
            }
        } finally {
            HELD.remove(key);
        }
    }

    private static FileChannel lockedChannel(Path dbFile, Path lockFile) {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, options, StoreFiles.ownerOnly("rw-------"));
        } catch (IOException e) {
            throw new StoreException("cannot open the lock file " + lockFile + " of " + dbFile + ": " + e, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Held in this JVM by a copy of this class we cannot see (another class loader). The channel is left
            // open on purpose: closing it would drop that holder's lock for the whole process.
            throw locked(dbFile);
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new StoreException("cannot lock " + lockFile + " of " + dbFile + ": " + e, e);
        }
        if (lock == null) {
            StoreLockedException refusal = locked(dbFile);
            closeQuietly(channel, refusal);
            throw refusal;
        }
        return channel;
    }

    private static Path canonical(Path lockFile) {
        try {
            return lockFile.getParent().toRealPath().resolve(lockFile.getFileName());
        } catch (IOException e) {
            throw new StoreException("cannot resolve the store directory " + lockFile.getParent() + ": " + e, e);
        }
    }

    private static StoreLockedException locked(Path dbFile) {
        return new StoreLockedException(dbFile + " is locked: another broker uses it (its lock file "
                + StoreFiles.sibling(dbFile, ".lock").getFileName() + " is held)");
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    /** Releases the lock; the lock file stays, since deleting it would race with a broker that is opening it. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new StoreException("cannot release the lock file " + key + ": " + e, e);
        } finally {
            HELD.remove(key);
        }
    }
}
