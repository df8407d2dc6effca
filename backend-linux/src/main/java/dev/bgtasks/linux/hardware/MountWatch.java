package dev.bgtasks.linux.hardware;

import dev.bgtasks.linux.jna.ErrnoException;
import dev.bgtasks.linux.jna.PollSet;
import dev.bgtasks.linux.jna.Syscalls;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the mount table to change: the kernel marks a {@code /proc/self/mountinfo} descriptor with
 * {@code POLLPRI}/{@code POLLERR} after every mount, unmount or remount in the process's mount namespace, so a thread
 * blocks in poll(2) with no timer at all. An eventfd ends the wait on {@link #close()}.
 *
 * <pre>{@code
 * MountWatch watch = MountWatch.open("/proc/self/mountinfo");
 * while (watch.awaitChange()) { reread(); }
 * }</pre>
 */
final class MountWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MountWatch.class);
    private static final byte[] ONE = {1, 0, 0, 0, 0, 0, 0, 0};

    private final int fd;
    private final int wakeFd;
    private final PollSet pollSet;
    private final Object lock = new Object();
    private boolean closed;

    private MountWatch(int fd, int wakeFd) {
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.pollSet = PollSet.priority(fd, wakeFd);
    }

    /** Opens the mount table to watch; the change count starts at the moment of opening. */
    static MountWatch open(String mountinfo) throws IOException {
        int fd;
        try {
            fd = Syscalls.openReadOnly(mountinfo);
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage(), e);
        }
        try {
            return new MountWatch(fd, Syscalls.eventFd());
        } catch (ErrnoException e) {
            closeQuietly(fd);
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Blocks until the mount table changed (true) or {@link #close()} was called (false).
     *
     * @throws IOException when poll(2) fails
     */
    boolean awaitChange() throws IOException {
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
            if (pollSet.changed(0)) {
                return true;
            }
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
                LOG.debug("cannot wake the mount watcher: {}", e.getMessage());
            }
        }
    }

    /** Releases the descriptors; only the waiting thread calls it, after its last wait. */
    void release() {
        synchronized (lock) {
            // A close() after this must not write to a descriptor number the JVM may have reused.
            closed = true;
        }
        closeQuietly(fd);
        closeQuietly(wakeFd);
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
        return "mount watch (poll(2) POLLPRI on fd " + fd + ")";
    }
}
