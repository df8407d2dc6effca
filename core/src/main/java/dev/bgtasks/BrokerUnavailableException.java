package dev.bgtasks;

import java.nio.file.Path;

/**
 * The broker could not be reached or started. Names the socket it tried and the log that says why.
 *
 * <pre>{@code
 * try (BackgroundTasks bg = BackgroundTasks.open("com.example.notes")) { ... }
 * catch (BrokerUnavailableException e) { log.error("{} (see {})", e.getMessage(), e.logFile()); }
 * }</pre>
 */
public final class BrokerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path socket;
    private final transient Path logFile;

    /**
     * Creates it for {@code what} failed, naming the socket and the broker's log.
     *
     * @param what what was tried, e.g. {@code "no broker answers"}
     * @param socket the broker's socket
     * @param logFile the broker's log
     * @param cause the underlying error
     */
    public BrokerUnavailableException(String what, Path socket, Path logFile, Throwable cause) {
        super(what + " (socket " + socket + ", broker log " + logFile + ")", cause);
        this.socket = socket;
        this.logFile = logFile;
    }

    /** {@return the socket nothing answered on} */
    public Path socket() {
        return socket;
    }

    /** {@return the broker's log, where a failed start says why} */
    public Path logFile() {
        return logFile;
    }
}
