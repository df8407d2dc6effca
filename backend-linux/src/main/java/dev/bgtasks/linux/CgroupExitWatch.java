package dev.bgtasks.linux;

import com.sun.jna.LastErrorException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns when a process that is not our child exits (a task re-adopted after a broker restart), without polling:
 * {@code pidfd_open(2)} (Linux 5.3) gives a descriptor that {@code poll(2)} reports readable once the process has
 * exited. {@link ProcessHandle#onExit()} would poll non-children every 300 ms growing to 5 s. Where pidfd_open is
 * missing, that is the fallback.
 *
 * <pre>{@code
 * CgroupExitWatch.start(pid).thenRun(() -> log.info("pid {} exited", pid));
 * }</pre>
 */
final class CgroupExitWatch {
    /** How long one poll waits before it looks again whether the watch was cancelled. */
    private static final int POLL_TIMEOUT_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(CgroupExitWatch.class);

    private CgroupExitWatch() {
    }

    /**
     * Starts watching. The future completes when the process exits (at once when it is already gone); cancelling
     * it stops the watch.
     */
    static CompletableFuture<Void> start(long pid) {
        CompletableFuture<Void> exited = new CompletableFuture<>();
        int fd;
        try {
            fd = (int) LinuxLibc.INSTANCE.syscall(LinuxLibc.SYS_PIDFD_OPEN, pid, 0L);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LinuxLibc.ESRCH) {
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
            LinuxLibc.PollFd[] fds = (LinuxLibc.PollFd[]) new LinuxLibc.PollFd().toArray(1);
            while (!exited.isDone()) {
                fds[0].fd = fd;
                fds[0].events = LinuxLibc.POLLIN;
                fds[0].revents = 0;
                int ready;
                try {
                    ready = LinuxLibc.INSTANCE.poll(fds, 1, POLL_TIMEOUT_MS);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == LinuxLibc.EINTR) {
                        continue;
                    }
                    throw e;
                }
                if (ready > 0 && (fds[0].revents & (LinuxLibc.POLLIN | LinuxLibc.POLLHUP | LinuxLibc.POLLERR)) != 0) {
                    exited.complete(null);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("watching pid {} through its pidfd failed; falling back to ProcessHandle", pid, e);
            fallback(pid, exited);
        } finally {
            try {
                LinuxLibc.INSTANCE.close(fd);
            } catch (LastErrorException e) {
                LOG.debug("closing pidfd {} failed", fd, e);
            }
        }
    }
}
