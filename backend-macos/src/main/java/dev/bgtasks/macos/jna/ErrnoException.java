package dev.bgtasks.macos.jna;

/**
 * A libSystem call failed and set {@code errno}: the one exception the macOS backend sees for it, made in one place
 * ({@link SystemCalls}) from JNA's {@code LastErrorException}. Checked, because every caller decides what a failure
 * means there ({@link SystemLib#ESRCH} is often "already gone", {@link SystemLib#EINTR} "try again").
 *
 * <pre>{@code
 * try {
 *     calls.kill(pid, 0);
 * } catch (ErrnoException e) {
 *     if (e.errno() == SystemLib.ESRCH) { return Optional.empty(); }
 * }
 * }</pre>
 */
public final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call the C function that failed
     * @param errno the Darwin error number it set
     * @param cause JNA's exception, kept for the stack trace
     */
    ErrnoException(String call, int errno, Throwable cause) {
        super(call + " failed: errno " + errno, cause);
        this.call = call;
        this.errno = errno;
    }

    /**
     * The C function that failed.
     *
     * @return its name
     */
    public String call() {
        return call;
    }

    /**
     * The Darwin error number ({@code sys/errno.h}), compared against {@link SystemLib}'s constants.
     *
     * @return the error number
     */
    public int errno() {
        return errno;
    }
}
