package dev.bgtasks.broker;

/**
 * What a task host can ask of a broker, by its instance's run token: the task-host side beside the app's
 * {@link BrokerOperations}. The {@link Broker} implements it; the socket server calls it for each connected host.
 *
 * <pre>{@code
 * HostOperations broker = Broker.start(config);
 * HostAttachment attachment = broker.attachHost(runToken, reason -> connection.send(new CancelFrame(reason)));
 * broker.reportProgress(runToken, 50);
 * broker.reportResult(runToken, null, null);   // run returned
 * broker.detachHost(runToken);
 * }</pre>
 *
 * <p>Only the holder of an instance's run token can speak for it (SPEC S2): every call with a token that belongs to
 * no running instance throws {@link IllegalArgumentException}, except {@link #detachHost}, which ignores it.
 */
public interface HostOperations {
    /**
     * A task host connects with its run token. For a running instance it becomes the instance's control line; for
     * an instance a previous broker started, it is re-adopted (SPEC B3).
     *
     * @throws IllegalArgumentException for a token that belongs to no running instance (SPEC S2)
     */
    HostAttachment attachHost(String runToken, HostControl control);

    /** The task reports progress, 0 to 100 (SPEC X2). */
    void reportProgress(String runToken, int progress);

    /**
     * The task host reports how {@code run} ended, just before its process exits (SPEC X3, X4).
     *
     * @param errorClass the exception class when {@code run} threw, else null
     * @param errorMessage its message, else null
     */
    default void reportResult(String runToken, String errorClass, String errorMessage) {
        reportResult(runToken, errorClass, errorMessage, false);
    }

    /**
     * The task host reports how {@code run} ended and whether the task asked for another attempt (SPEC P1).
     *
     * @param errorClass the exception class when {@code run} threw, else null
     * @param errorMessage its message, else null
     * @param retry the task called {@code requestRetry()}
     */
    void reportResult(String runToken, String errorClass, String errorMessage, boolean retry);

    /**
     * The task sets its result map (SPEC P2), replacing one it set before; the completion carries it.
     *
     * @param encoded the map as {@code ValueMapCodec.encode} wrote it
     * @throws IllegalArgumentException when it is over 64 KiB or not a value map
     */
    void setResult(String runToken, byte[] encoded);

    /** The task tree's memory and the limit in force, as the sandbox measures them (SPEC X11). */
    MemoryReport memoryOf(String runToken);

    /**
     * SPEC X11: the task asks for a new memory limit. Refused below its current usage, above the registration's
     * limit, and where the sandbox cannot change a running task's limit.
     */
    boolean trySetMemoryLimit(String runToken, long bytes);

    /** The host's connection closed; its process may still be running. */
    void detachHost(String runToken);

    /**
     * A standby task host connects with the token it was started with (SPEC W1). It waits: the broker hands it an
     * instance through {@code control} when its registration is triggered. Until then the token speaks for no
     * instance (S2).
     *
     * @throws IllegalArgumentException for a token that belongs to no standby of this broker
     */
    default StandbyAttachment attachStandby(String token, StandbyControl control) {
        throw new IllegalArgumentException("this broker keeps no standby task hosts");
    }

    /**
     * SPEC W3: the standby host that was handed an instance took it, before it runs anything of the task.
     *
     * @throws IllegalArgumentException when the token runs no instance handed to a standby
     */
    default void confirmTaken(String runToken) {
        throw new IllegalArgumentException("this broker keeps no standby task hosts");
    }
}
