package dev.bgtasks.macos.sandbox;

/**
 * Decodes a Darwin {@code waitpid} status word the way {@code sys/wait.h}'s macros do: the low 7 bits are the
 * terminating signal (0 for a normal exit, 0177 for a stopped process), the next 8 bits the exit code.
 *
 * <pre>{@code
 * int code = WaitStatus.exitCode(status);   // 128 + signal when a signal ended the process
 * }</pre>
 */
final class WaitStatus {
    private static final int SIGNAL_MASK = 0177;
    private static final int STOPPED = 0177;

    private WaitStatus() {
    }

    /** {@code WIFEXITED}. */
    static boolean exited(int status) {
        return (status & SIGNAL_MASK) == 0;
    }

    /** {@code WIFSIGNALED}. */
    static boolean signaled(int status) {
        int low = status & SIGNAL_MASK;
        return low != STOPPED && low != 0;
    }

    /** {@code WTERMSIG}, meaningful when {@link #signaled} is true. */
    static int signal(int status) {
        return status & SIGNAL_MASK;
    }

    /** The exit code the JDK would report: {@code WEXITSTATUS}, or 128 + the signal when one ended the process. */
    static int exitCode(int status) {
        if (signaled(status)) {
            return 128 + signal(status);
        }
        return (status >>> 8) & 0xff;
    }
}
