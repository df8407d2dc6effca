package dev.bgtasks.ipc;

/**
 * A readable frame whose request the server cannot carry out as sent: an unknown type, a missing or wrongly typed
 * field. It is answered with a {@code protocol} error naming the field; the connection stays (SPEC B2).
 */
final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    BadRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The field at fault, or null when the request as a whole is. */
    String field() {
        return field;
    }
}
