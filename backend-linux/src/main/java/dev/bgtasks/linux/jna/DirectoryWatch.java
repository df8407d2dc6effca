package dev.bgtasks.linux.jna;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;

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
    private static final int MASK = Libc.IN_CREATE | Libc.IN_MOVED_TO | Libc.IN_MOVED_FROM | Libc.IN_DELETE
            | Libc.IN_ATTRIB | Libc.IN_DELETE_SELF | Libc.IN_MOVE_SELF;

    private final Path directory;
    private final WakeableWait wait;
    private final byte[] events = new byte[4096];

    private DirectoryWatch(Path directory, WakeableWait wait) {
        this.directory = directory;
        this.wait = wait;
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
        } catch (LastErrorException e) {
            WakeableWait.closeQuietly(fd);
            throw new IOException(Syscalls.failed("inotify_add_watch " + directory, e).getMessage(), e);
        }
        return new DirectoryWatch(directory, WakeableWait.open(fd, false, "inotify watch of " + directory));
    }

    /**
     * Blocks until an entry of the directory changed, or the directory itself went (true), or {@link #close()} was
     * called (false). The events read are dropped: the caller looks at the directory again.
     *
     * @return false once closed
     * @throws IOException when poll(2) fails
     */
    public boolean awaitChange() throws IOException {
        if (!wait.await()) {
            return false;
        }
        drain();
        return true;
    }

    private void drain() {
        try {
            while (Libc.Holder.INSTANCE.read(wait.fd(), events, events.length) > 0) {
                // Only that something changed matters.
            }
        } catch (LastErrorException e) {
            // EAGAIN: nothing more to read.
        }
    }

    /** Wakes a waiting {@link #awaitChange()}, which returns false; the descriptors go with the waiter. */
    @Override
    public void close() {
        wait.close();
    }

    /** Releases the descriptors; only the waiting thread calls it, after its last wait. */
    public void release() {
        wait.release();
    }

    /** {@return the directory watched} */
    public Path directory() {
        return directory;
    }

    @Override
    public String toString() {
        return "inotify watch of " + directory;
    }
}
