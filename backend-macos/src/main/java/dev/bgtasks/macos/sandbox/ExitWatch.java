package dev.bgtasks.macos.sandbox;

import dev.bgtasks.macos.jna.ErrnoException;
import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a task's main process to end, on a daemon thread of its own. The broker's own child is reaped with
 * {@code waitpid}, which yields its wait status; a re-adopted process is not our child, so its end is seen through
 * kqueue {@code EVFILT_PROC}/{@code NOTE_EXIT} and its status is unknown.
 *
 * <pre>{@code
 * ExitWatch.child(libc, pid).thenAccept(status -> status.ifPresent(s -> log.info("code {}", WaitStatus.exitCode(s))));
 * }</pre>
 */
final class ExitWatch {
    /** How long one {@code kevent} call waits, so the thread notices a cancelled watch. */
    static final long KEVENT_TIMEOUT_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(ExitWatch.class);

    private ExitWatch() {
    }

    /** Reaps the child {@code pid}; completes with its wait status, empty if someone else reaped it. */
    static CompletableFuture<OptionalInt> child(SystemCalls libc, int pid) {
        CompletableFuture<OptionalInt> exited = new CompletableFuture<>();
        start("bgtasks-waitpid-" + pid, () -> exited.complete(waitFor(libc, pid)));
        return exited;
    }

    static OptionalInt waitFor(SystemCalls libc, int pid) {
        while (true) {
            try {
                return OptionalInt.of(libc.waitpid(pid));
            } catch (ErrnoException e) {
                if (e.errno() == SystemLib.EINTR) {
                    continue;
                }
                LOG.warn("waitpid({}) failed: errno {}; its exit code is unknown", pid, e.errno());
                return OptionalInt.empty();
            }
        }
    }

    /** Watches a process that is not our child; completes (with no status) once it has exited. */
    static CompletableFuture<OptionalInt> adopted(SystemCalls libc, int pid) {
        CompletableFuture<OptionalInt> exited = new CompletableFuture<>();
        int kq;
        try {
            kq = libc.kqueue();
        } catch (ErrnoException e) {
            throw new IllegalStateException("kqueue() failed: errno " + e.errno(), e);
        }
        start("bgtasks-kqueue-" + pid, () -> {
            // The kqueue is released before anyone hears of the end, so a caller that acts on the end
            // (or a broker that stops right after) never leaves the descriptor open.
            CompletableFuture<OptionalInt> seen = new CompletableFuture<>();
            try {
                awaitExit(libc, kq, pid, seen);
            } finally {
                try {
                    libc.close(kq);
                } catch (ErrnoException e) {
                    LOG.debug("closing kqueue {} failed", kq, e);
                }
                exited.complete(seen.getNow(OptionalInt.empty()));
            }
        });
        return exited;
    }

    static void awaitExit(SystemCalls libc, int kq, int pid, CompletableFuture<OptionalInt> exited) {
        try {
            libc.watchExit(kq, pid);
        } catch (ErrnoException e) {
            // ESRCH: it ended between the check and the registration.
            if (e.errno() != SystemLib.ESRCH) {
                LOG.warn("kevent(EVFILT_PROC, {}) failed: errno {}; treating the process as ended", pid, e.errno());
            }
            exited.complete(OptionalInt.empty());
            return;
        }
        while (!exited.isDone()) {
            boolean ended;
            try {
                ended = libc.awaitExit(kq, KEVENT_TIMEOUT_MS);
            } catch (ErrnoException e) {
                if (e.errno() == SystemLib.EINTR) {
                    continue;
                }
                LOG.warn("kevent wait for pid {} failed: errno {}; treating the process as ended", pid, e.errno());
                exited.complete(OptionalInt.empty());
                return;
            }
            if (ended) {
                exited.complete(OptionalInt.empty());
            }
        }
    }

    private static void start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
