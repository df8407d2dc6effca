package dev.bgtasks.ipc;

/**
 * The conversation with the broker failed: no answer within the deadline, a dropped connection, a protocol
 * version the broker does not speak, a request it could not read, or an internal failure of the broker. The
 * message names the socket. Errors the broker raised by rule arrive as their own types instead
 * ({@code InvalidRegistrationException}, {@code IllegalStateException}, {@code IllegalArgumentException}).
 *
 * <pre>{@code
 * try {
 *     client.requestTrigger(request);
 * } catch (BrokerProtocolException e) {
 *     log.warn("broker unreachable: {}", e.getMessage());
 * }
 * }</pre>
 */
public class BrokerProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokerProtocolException(String message) {
        super(message);
    }

    public BrokerProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
