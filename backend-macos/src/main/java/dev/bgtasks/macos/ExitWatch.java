package dev.bgtasks.macos;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
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
    static CompletableFuture<OptionalInt> child(DarwinLibc libc, int pid) {
        CompletableFuture<OptionalInt> exited = new CompletableFuture<>();
        start("bgtasks-waitpid-" + pid, () -> exited.complete(waitFor(libc, pid)));
        return exited;
    }

    static OptionalInt waitFor(DarwinLibc libc, int pid) {
        IntByReference status = new IntByReference();
        while (true) {
            try {
                libc.waitpid(pid, status, 0);
                return OptionalInt.of(status.getValue());
            } catch (LastErrorException e) {
                if (e.getErrorCode() == DarwinLibc.EINTR) {
                    continue;
                }
                LOG.warn("waitpid({}) failed: errno {}; its exit code is unknown", pid, e.getErrorCode());
                return OptionalInt.empty();
            }
        }
    }

    /** Watches a process that is not our child; completes (with no status) once it has exited. */
    static CompletableFuture<OptionalInt> adopted(DarwinLibc libc, int pid) {
        CompletableFuture<OptionalInt> exited = new CompletableFuture<>();
        int kq;
        try {
            kq = libc.kqueue();
        } catch (LastErrorException e) {
            throw new IllegalStateException("kqueue() failed: errno " + e.getErrorCode(), e);
        }
        start("bgtasks-kqueue-" + pid, () -> {
            try {
                awaitExit(libc, kq, pid, exited);
            } finally {
                try {
                    libc.close(kq);
                } catch (LastErrorException e) {
                    LOG.debug("closing kqueue {} failed", kq, e);
                }
            }
        });
        return exited;
    }

    static void awaitExit(DarwinLibc libc, int kq, int pid, CompletableFuture<OptionalInt> exited) {
        DarwinLibc.Kevent[] change = (DarwinLibc.Kevent[]) new DarwinLibc.Kevent().toArray(1);
        change[0].ident = pid;
        change[0].filter = DarwinLibc.EVFILT_PROC;
        change[0].flags = (short) (DarwinLibc.EV_ADD | DarwinLibc.EV_ENABLE | DarwinLibc.EV_ONESHOT);
        change[0].fflags = DarwinLibc.NOTE_EXIT;
        DarwinLibc.Kevent[] event = (DarwinLibc.Kevent[]) new DarwinLibc.Kevent().toArray(1);
        try {
            libc.kevent(kq, change, 1, null, 0, null);
        } catch (LastErrorException e) {
            // ESRCH: it ended between the check and the registration.
            if (e.getErrorCode() != DarwinLibc.ESRCH) {
                LOG.warn("kevent(EVFILT_PROC, {}) failed: errno {}; treating the process as ended", pid,
                        e.getErrorCode());
            }
            exited.complete(OptionalInt.empty());
            return;
        }
        DarwinLibc.Timespec timeout = new DarwinLibc.Timespec(KEVENT_TIMEOUT_MS);
        while (!exited.isDone()) {
            int n;
            try {
                n = libc.kevent(kq, null, 0, event, 1, timeout);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == DarwinLibc.EINTR) {
                    continue;
                }
                LOG.warn("kevent wait for pid {} failed: errno {}; treating the process as ended", pid,
                        e.getErrorCode());
                exited.complete(OptionalInt.empty());
                return;
            }
            if (n > 0 && (event[0].fflags & DarwinLibc.NOTE_EXIT) != 0) {
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
