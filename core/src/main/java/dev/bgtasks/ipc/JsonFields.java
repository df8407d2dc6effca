package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.UUID;

/**
 * Typed reads of one field of a wire JSON tree, for the readers that take a frame field by field with no mapper
 * (the task host's attachment, the CLI's records): a missing or JSON-null field is null, a field of the wrong type
 * is an {@link IllegalArgumentException} that names it.
 *
 * <pre>{@code
 * UUID id = JsonFields.uuid(node, "instanceId");   // null when absent
 * }</pre>
 */
final class JsonFields {
    private JsonFields() {
    }

    /** The field, or null when it is missing or JSON null. */
    static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value == null ? null : textOf(value, name);
    }

    static String textOf(JsonNode value, String name) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException(name + " is not text");
        }
        return value.textValue();
    }

    static UUID uuid(JsonNode node, String name) {
        String value = text(node, name);
        return value == null ? null : UUID.fromString(value);
    }

    static byte[] bytes(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual() && !value.isBinary()) {
            throw new IllegalArgumentException(name + " is not base64 text");
        }
        try {
            return value.binaryValue();
        } catch (IOException e) {
            throw new IllegalArgumentException(name + " is not base64: " + e.getMessage(), e);
        }
    }
}
