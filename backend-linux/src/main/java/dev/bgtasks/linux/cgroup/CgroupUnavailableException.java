package dev.bgtasks.linux.cgroup;

/**
 * No cgroup can hold a task's memory and process count here: the message says which hierarchy is missing, which
 * controller is not delegated, or which directory is not writable, so {@code bgtask doctor} and a failing
 * registration (SPEC R9) can say exactly why.
 *
 * <pre>{@code
 * try {
 *     sandbox = CgroupSandbox.open();
 * } catch (CgroupUnavailableException e) {
 *     log.warn("no cgroup sandbox: {}", e.getMessage());
 * }
 * }</pre>
 */
public final class CgroupUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates it with a message that says what is missing or not writable.
     *
     * @param message what is missing or not writable, per hierarchy
     */
    public CgroupUnavailableException(String message) {
        super(message);
    }

    /**
     * Creates it with a message that says what is missing or not writable, and the error behind it.
     *
     * @param message what is missing or not writable, per hierarchy
     * @param cause the error behind it
     */
    public CgroupUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
