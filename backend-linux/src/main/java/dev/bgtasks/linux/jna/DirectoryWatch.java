package dev.bgtasks.linux.jna;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, with no timer, for a name to appear in (or leave) a directory: inotify on the directory, a thread blocked in
 * poll(2) on it and on an eventfd that {@link #close()} writes. The D-Bus connector waits this way for the system
 * bus's socket to appear in {@code /run/dbus/} instead of retrying on a timer.
 *
 * <pre>{@code
 * try (DirectoryWatch watch = DirectoryWatch.open(Path.of("/run/dbus"))) {
 *     while (!Files.exists(socket) && watch.awaitChange()) { }
 * } finally { watch.release(); }
 * }</pre>
 */
public final class DirectoryWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);
    private static final byte[] ONE = {1, 0, 0, 0, 0, 0, 0, 0};
    private static final int MASK = Libc.IN_CREATE | Libc.IN_MOVED_TO | Libc.IN_MOVED_FROM | Libc.IN_DELETE
            | Libc.IN_ATTRIB | Libc.IN_DELETE_SELF | Libc.IN_MOVE_SELF;

    private final Path directory;
    private final int fd;
    private final int wakeFd;
    private final PollSet pollSet;
    private final byte[] events = new byte[4096];
    private final Object lock = new Object();
    private boolean closed;

    private DirectoryWatch(Path directory, int fd, int wakeFd) {
        this.directory = directory;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.pollSet = new PollSet(fd, wakeFd);
    }

    /**
     * Starts watching a directory's entries.
     *
     * @param directory an existing directory
     * @return the watch; the waiting thread calls {@link #release()} after its last wait
     * @throws IOException when inotify is not available or the directory cannot be watched
     */
    public static DirectoryWatch open(Path directory) throws IOException {
        int fd;
        try {
            fd = Libc.Holder.INSTANCE.inotify_init1(Libc.IN_NONBLOCK | Libc.IN_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException(Syscalls.failed("inotify_init1", e).getMessage(), e);
        }
        try {
            Libc.Holder.INSTANCE.inotify_add_watch(fd, directory.toString(), MASK);
            return new DirectoryWatch(directory, fd, Syscalls.eventFd());
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw new IOException(Syscalls.failed("inotify_add_watch " + directory, e).getMessage(), e);
        } catch (ErrnoException e) {
            closeQuietly(fd);
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Blocks until an entry of the directory changed, or the directory itself went (true), or {@link #close()} was
     * called (false). The events read are dropped: the caller looks at the directory again.
     *
     * @return false once closed
     * @throws IOException when poll(2) fails
     */
    public boolean awaitChange() throws IOException {
        while (true) {
            synchronized (lock) {
                if (closed) {
                    return false;
                }
            }
            try {
                if (pollSet.poll(-1) == 0) {
                    continue;
                }
            } catch (ErrnoException e) {
                if (e.errno() == ErrnoException.EINTR) {
                    continue;
                }
                throw new IOException(e.getMessage(), e);
            }
            if (pollSet.readable(1)) {
                return false;
            }
            if (pollSet.ready(0)) {
                drain();
                return true;
            }
        }
    }

    private void drain() {
        try {
            while (Libc.Holder.INSTANCE.read(fd, events, events.length) > 0) {
                // Only that something changed matters.
            }
        } catch (LastErrorException e) {
            // EAGAIN: nothing more to read.
        }
    }

    /** Wakes a waiting {@link #awaitChange()}, which returns false; the descriptors go with the waiter. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                Syscalls.write(wakeFd, ONE);
            } catch (ErrnoException e) {
                LOG.debug("cannot wake the watch of {}: {}", directory, e.getMessage());
            }
        }
    }

    /** Releases the descriptors; only the waiting thread calls it, after its last wait. */
    public void release() {
        synchronized (lock) {
            // A close() after this must not write to a descriptor number the JVM may have reused.
            closed = true;
        }
        closeQuietly(fd);
        closeQuietly(wakeFd);
    }

    /** {@return the directory watched} */
    public Path directory() {
        return directory;
    }

    private static void closeQuietly(int descriptor) {
        try {
            Syscalls.close(descriptor);
        } catch (ErrnoException e) {
            LOG.debug("close {}: {}", descriptor, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "inotify watch of " + directory;
    }
}
