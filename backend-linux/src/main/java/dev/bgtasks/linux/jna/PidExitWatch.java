package dev.bgtasks.linux.jna;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns when a process that is not our child exits (a task the cgroup or the rlimit sandbox re-adopted after a
 * broker restart), without polling: {@code pidfd_open(2)} (Linux 5.3) gives a descriptor that {@code poll(2)}
 * reports readable once the process has exited. {@link ProcessHandle#onExit()} would poll non-children every 300 ms growing to 5 s. Where pidfd_open is
 * missing, that is the fallback.
 *
 * <pre>{@code
 * PidExitWatch.start(pid).thenRun(() -> log.info("pid {} exited", pid));
 * }</pre>
 */
public final class PidExitWatch {
    /** How long one poll waits before it looks again whether the watch was cancelled. */
    private static final int POLL_TIMEOUT_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(PidExitWatch.class);

    private PidExitWatch() {
    }

    /**
     * Starts watching. The future completes when the process exits (at once when it is already gone); cancelling
     * it stops the watch.
     */
    public static CompletableFuture<Void> start(long pid) {
        CompletableFuture<Void> exited = new CompletableFuture<>();
        int fd;
        try {
            fd = Syscalls.pidfdOpen(pid);
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.ESRCH) {
                exited.complete(null);
                return exited;
            }
            LOG.info("pidfd_open({}) failed ({}); watching its exit through ProcessHandle, which polls", pid,
                    e.getMessage());
            return fallback(pid, exited);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            LOG.info("no libc through JNA ({}); watching pid {} through ProcessHandle, which polls", e, pid);
            return fallback(pid, exited);
        }
        Thread watcher = new Thread(() -> watch(fd, pid, exited), "bgtasks-pidfd-" + pid);
        watcher.setDaemon(true);
        watcher.start();
        return exited;
    }

    private static CompletableFuture<Void> fallback(long pid, CompletableFuture<Void> exited) {
        ProcessHandle.of(pid).ifPresentOrElse(h -> h.onExit().thenRun(() -> exited.complete(null)),
                () -> exited.complete(null));
        return exited;
    }

    private static void watch(int fd, long pid, CompletableFuture<Void> exited) {
        try {
            PollSet pidfd = new PollSet(fd);
            while (!exited.isDone()) {
                int ready;
                try {
                    ready = pidfd.poll(POLL_TIMEOUT_MS);
                } catch (ErrnoException e) {
                    if (e.errno() == ErrnoException.EINTR) {
                        continue;
                    }
                    throw e;
                }
                if (ready > 0 && pidfd.ready(0)) {
                    exited.complete(null);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("watching pid {} through its pidfd failed; falling back to ProcessHandle", pid, e);
            fallback(pid, exited);
        } finally {
            try {
                Syscalls.close(fd);
            } catch (ErrnoException e) {
                LOG.debug("closing pidfd {} failed", fd, e);
            }
        }
    }
}
