package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.store.StoreException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An error as it travels: {@code {"kind": ..., "message": ..., "field": ...}}. The kind maps both ways to an
 * exception type, so a client throws what the broker threw, with the same message and field.
 *
 * @param kind what kind of failure
 * @param message the exception's message
 * @param field the registration field at fault ({@code invalid-registration}) or the request field at fault
 *     ({@code protocol}), else null
 */
record WireError(Kind kind, String message, String field) {
    static final int MAX_MESSAGE_CHARS = 8192;

    /** The error kinds of the protocol; anything the broker throws that is not named here is {@code internal}. */
    enum Kind {
        INVALID_REGISTRATION, ILLEGAL_STATE, ILLEGAL_ARGUMENT, PROTOCOL, STORAGE, INTERNAL;

        String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind fromWire(String name) {
            for (Kind kind : values()) {
                if (kind.wireName().equals(name)) {
                    return kind;
                }
            }
            // A kind from a newer broker: still an error, just not one we can type.
            return INTERNAL;
        }
    }

    /** The error for what a broker call threw. */
    static WireError of(Throwable thrown) {
        if (thrown instanceof InvalidRegistrationException invalid) {
            return new WireError(Kind.INVALID_REGISTRATION, invalid.getMessage(), invalid.field());
        }
        if (thrown instanceof BadRequestException bad) {
            return new WireError(Kind.PROTOCOL, bad.getMessage(), bad.field());
        }
        if (thrown instanceof IllegalStateException) {
            return new WireError(Kind.ILLEGAL_STATE, thrown.getMessage(), null);
        }
        if (thrown instanceof StoreException) {
            // The broker's own storage failed (disk full, file damaged): the user's problem to fix, not a bug.
            return new WireError(Kind.STORAGE, thrown.getMessage(), null);
        }
        if (thrown instanceof IllegalArgumentException) {
            return new WireError(Kind.ILLEGAL_ARGUMENT, thrown.getMessage(), null);
        }
        return new WireError(Kind.INTERNAL, thrown.toString(), null);
    }

    static WireError protocol(String message) {
        return new WireError(Kind.PROTOCOL, message, null);
    }

    ObjectNode toJson() {
        ObjectNode node = WireJson.MAPPER.createObjectNode();
        node.put("kind", kind.wireName());
        // The broker's messages are short; this bound keeps an error inside one frame whatever it quotes.
        node.put("message", message == null || message.length() <= MAX_MESSAGE_CHARS ? message
                : message.substring(0, MAX_MESSAGE_CHARS) + "...");
        node.put("field", field);
        return node;
    }

    /** Reads an error leniently: whatever a broker sent, the caller gets an exception that says it. */
    static WireError fromJson(JsonNode node) {
        Kind kind = Kind.fromWire(node.path("kind").asText(""));
        JsonNode message = node.path("message");
        JsonNode field = node.path("field");
        return new WireError(kind, message.isTextual() ? message.asText() : "(no message)",
                field.isTextual() ? field.asText() : null);
    }

    /** The exception to throw in the caller's thread; {@code socket} names the broker for protocol failures. */
    RuntimeException toException(Path socket) {
        switch (kind) {
            case INVALID_REGISTRATION:
                if (field != null) {
                    String prefix = field + ": ";
                    return new InvalidRegistrationException(field,
                            message.startsWith(prefix) ? message.substring(prefix.length()) : message);
                }
                return new IllegalArgumentException(message);
            case ILLEGAL_STATE:
                return new IllegalStateException(message);
            case ILLEGAL_ARGUMENT:
                return new IllegalArgumentException(message);
            case STORAGE:
                return new IllegalStateException("the broker could not save this, so nothing changed: " + message);
            case PROTOCOL:
                return new BrokerProtocolException("the broker at " + socket + " refused the request: " + message
                        + (field == null ? "" : " (field " + field + ")"));
            default:
                return new BrokerProtocolException("the broker at " + socket + " failed: " + message);
        }
    }
}
