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

    public BrokerUnavailableException(String what, Path socket, Path logFile, Throwable cause) {
        super(what + " (socket " + socket + ", broker log " + logFile + ")", cause);
        this.socket = socket;
        this.logFile = logFile;
    }

    public Path socket() {
        return socket;
    }

    public Path logFile() {
        return logFile;
    }
}
