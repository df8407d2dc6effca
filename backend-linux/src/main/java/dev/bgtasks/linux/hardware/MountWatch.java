package dev.bgtasks.linux.hardware;

import dev.bgtasks.linux.jna.ErrnoException;
import dev.bgtasks.linux.jna.Syscalls;
import dev.bgtasks.linux.jna.WakeableWait;
import java.io.IOException;

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
    private final WakeableWait wait;

    private MountWatch(WakeableWait wait) {
        this.wait = wait;
    }

    /** Opens the mount table to watch; the change count starts at the moment of opening. */
    static MountWatch open(String mountinfo) throws IOException {
        int fd;
        try {
            fd = Syscalls.openReadOnly(mountinfo);
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new MountWatch(WakeableWait.open(fd, true, mountinfo));
    }

    /**
     * Blocks until the mount table changed (true) or {@link #close()} was called (false).
     *
     * @throws IOException when poll(2) fails
     */
    boolean awaitChange() throws IOException {
        return wait.await();
    }

    /** Wakes a waiting {@link #awaitChange()}, which returns false; the descriptors go with the waiter. */
    @Override
    public void close() {
        wait.close();
    }

    /** Releases the descriptors; only the waiting thread calls it, after its last wait. */
    void release() {
        wait.release();
    }

    @Override
    public String toString() {
        return "mount watch (poll(2) POLLPRI on fd " + wait.fd() + ")";
    }
}
