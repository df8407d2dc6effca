package dev.bgtasks.ipc;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The broker answered, and said it is busy: one of its connection limits is reached (issue 20). A broker runs, so
 * this is never a reason to start one; a client waits and tries again, and throws this once its deadline passes.
 * The message names the socket and the limit.
 *
 * <pre>{@code
 * try (BrokerClient client = BrokerClient.connect(socket)) { ... }
 * catch (BrokerBusyException e) {
 *     log.warn("{} ({} {})", e.getMessage(), e.limit(), e.limitOf());   // "4096 app connections"
 * }
 * }</pre>
 */
public final class BrokerBusyException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path socket;
    private final int limit;
    private final String limitOf;
    private final transient Duration retryAfter;

    BrokerBusyException(Path socket, int limit, String limitOf, Duration retryAfter, Duration waited) {
        super("the broker at " + socket + " is busy: it holds " + limit + " " + limitOf + ", the most it takes"
                + (waited == null ? "" : "; tried again for " + waited.toMillis() + " ms"));
        this.socket = socket;
        this.limit = limit;
        this.limitOf = limitOf;
        this.retryAfter = retryAfter;
    }

    /** The same answer, after the client tried again for {@code waited} and gave up. */
    BrokerBusyException afterWaiting(Duration waited) {
        BrokerBusyException last = new BrokerBusyException(socket, limit, limitOf, retryAfter, waited);
        last.initCause(this);
        return last;
    }

    /** {@return the socket of the busy broker} */
    public Path socket() {
        return socket;
    }

    /** {@return how many connections of the kind {@link #limitOf()} names the broker takes} */
    public int limit() {
        return limit;
    }

    /** {@return what the limit counts, e.g. {@code app connections}} */
    public String limitOf() {
        return limitOf;
    }

    /** {@return how long the broker asked the client to wait before it tries again} */
    public Duration retryAfter() {
        return retryAfter;
    }
}
