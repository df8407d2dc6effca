package dev.bgtasks.linux.dbus;

import dev.bgtasks.linux.jna.DirectoryWatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a bus's socket file to appear, with no timer: a thread blocked on inotify on the nearest existing
 * directory of its path ({@code /run/dbus/}, or {@code /run} while that does not exist yet), which moves down the path
 * as directories appear. A machine without a system bus (a container, CI) so costs the broker no wakeup at all.
 *
 * <pre>{@code
 * AutoCloseable waiting = SocketWatcher.INOTIFY.watch(Path.of("/run/dbus/system_bus_socket"), this::retry);
 * ...
 * waiting.close();
 * }</pre>
 */
@FunctionalInterface
interface SocketWatcher {
    /** The real one: inotify through JNA. */
    SocketWatcher INOTIFY = InotifyWait::start;

    /**
     * Calls {@code appeared} once, from a thread of the watcher's, when {@code socket} exists (at once when it does
     * already).
     *
     * @param socket the socket file
     * @param appeared what to do then; must not block
     * @return closing it stops the wait
     * @throws IOException when the path cannot be watched (no inotify): the caller retries on a timer instead
     */
    AutoCloseable watch(Path socket, Runnable appeared) throws IOException;

    /** The inotify wait's thread and its current watch. */
    final class InotifyWait implements AutoCloseable, Runnable {
        private static final Logger LOG = LoggerFactory.getLogger(InotifyWait.class);
        private final Path socket;
        private final Runnable appeared;
        private final Object lock = new Object();
        private DirectoryWatch current;
        private boolean closed;

        private InotifyWait(Path socket, Runnable appeared) {
            this.socket = socket.toAbsolutePath();
            this.appeared = appeared;
        }

        static AutoCloseable start(Path socket, Runnable appeared) throws IOException {
            InotifyWait wait = new InotifyWait(socket, appeared);
            // The first watch is taken here, so a host without inotify falls back to the timer at once.
            DirectoryWatch first = DirectoryWatch.open(nearestDirectory(wait.socket));
            wait.current = first;
            Thread thread = new Thread(wait, "bgtasks-dbus-watch");
            thread.setDaemon(true);
            thread.start();
            return wait;
        }

        /** The socket's directory, or its nearest ancestor that exists. */
        static Path nearestDirectory(Path socket) {
            Path dir = socket.getParent();
            while (dir != null && !Files.isDirectory(dir)) {
                dir = dir.getParent();
            }
            return dir == null ? socket.getRoot() : dir;
        }

        @Override
        public void run() {
            DirectoryWatch watch;
            synchronized (lock) {
                watch = current;
            }
            try {
                while (watch != null) {
                    try {
                        // Looked at after the watch is in place: nothing created in between is missed.
                        while (!Files.exists(socket) && nearestDirectory(socket).equals(watch.directory())) {
                            if (!watch.awaitChange()) {
                                return;
                            }
                        }
                    } finally {
                        watch.release();
                    }
                    if (closed()) {
                        return;
                    }
                    if (Files.exists(socket)) {
                        appeared.run();
                        return;
                    }
                    // A directory on the way appeared (or went): watch the nearest one now.
                    watch = reopen();
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("waiting for {} failed; it is tried on a timer instead: {}", socket, e.toString());
                if (!closed()) {
                    appeared.run();
                }
            }
        }

        private boolean closed() {
            synchronized (lock) {
                return closed;
            }
        }

        private DirectoryWatch reopen() throws IOException {
            DirectoryWatch next = DirectoryWatch.open(nearestDirectory(socket));
            synchronized (lock) {
                if (closed) {
                    next.release();
                    return null;
                }
                current = next;
                return next;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                closed = true;
                if (current != null) {
                    current.close();
                }
            }
        }
    }
}
