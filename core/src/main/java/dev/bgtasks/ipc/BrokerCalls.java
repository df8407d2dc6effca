package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A connection to the broker that has said hello and answers requests one at a time, as {@link BrokerTreeClient}
 * asks them: the threaded {@link ClientChannel} of a long-lived client, or the one-shot {@link DirectChannel} of a
 * {@code bgtask} call.
 */
interface BrokerCalls extends AutoCloseable {
    /**
     * Sends a request and waits for its answer.
     *
     * @return the result, a {@code NullNode} or missing node for operations without one
     * @throws BrokerProtocolException on a deadline passed, a lost connection, or a protocol or internal error
     * @throws RuntimeException the broker's exception, as its own type
     */
    JsonNode call(String type, ObjectNode fields, Duration deadline);

    /** {@return the socket this connection reached} */
    Path socket();

    /** Ends the connection; later calls fail. */
    @Override
    void close();
}
