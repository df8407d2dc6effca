package dev.bgtasks.linux.jna;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One descriptor waited on in poll(2) with no timer, and an eventfd that {@link #close()} writes to end the wait
 * from another thread. The watches of the backend (a directory's inotify descriptor, the mount table) wait this way.
 *
 * <pre>{@code
 * WakeableWait wait = WakeableWait.open(inotifyFd, false, "inotify watch of /run/dbus");
 * while (wait.await()) { drainAndLookAgain(); }
 * wait.release();   // by the waiting thread, after its last wait
 * }</pre>
 */
public final class WakeableWait implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WakeableWait.class);
    private static final byte[] ONE = {1, 0, 0, 0, 0, 0, 0, 0};

    private final int fd;
    private final int wakeFd;
    private final boolean priority;
    private final String what;
    private final PollSet pollSet;
    private final Object lock = new Object();
    private boolean closed;

    private WakeableWait(int fd, int wakeFd, boolean priority, String what) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.priority = priority;
        this.what = what;
        this.pollSet = priority ? PollSet.priority(fd, wakeFd) : new PollSet(fd, wakeFd);
    }

    /**
     * Waits on {@code fd}, which it owns from now on (closed by {@link #release()}, or at once when this fails).
     *
     * @param priority wait for {@code POLLPRI}/{@code POLLERR} (the mount table's change mark), not for input
     * @param what the descriptor in words, for logs
     * @throws IOException when the eventfd cannot be made
     */
    public static WakeableWait open(int fd, boolean priority, String what) throws IOException {
        try {
            return new WakeableWait(fd, Syscalls.eventFd(), priority, what);
        } catch (ErrnoException e) {
            closeQuietly(fd);
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Blocks until the descriptor is ready (true) or {@link #close()} was called (false).
     *
     * @throws IOException when poll(2) fails
     */
    public boolean await() throws IOException {
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
            if (priority ? pollSet.changed(0) : pollSet.ready(0)) {
                return true;
            }
        }
    }

    /** Wakes a waiting {@link #await()}, which returns false; the descriptors go with the waiter. */
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
                LOG.debug("cannot wake the wait on {}: {}", what, e.getMessage());
            }
        }
    }

    /** Releases both descriptors; only the waiting thread calls it, after its last wait. */
    public void release() {
        synchronized (lock) {
            // A close() after this must not write to a descriptor number the JVM may have reused.
            closed = true;
        }
        closeQuietly(fd);
        closeQuietly(wakeFd);
    }

    /** {@return the descriptor waited on} */
    public int fd() {
        return fd;
    }

    static void closeQuietly(int descriptor) {
        try {
            Syscalls.close(descriptor);
        } catch (ErrnoException e) {
            LOG.debug("close {}: {}", descriptor, e.getMessage());
        }
    }
}
