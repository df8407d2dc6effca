package dev.bgtasks.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.UUID;

/**
 * The fields of one request, read strictly: a field must be present and of its JSON type, else the request is
 * answered with a {@code protocol} error naming the field (SPEC B2). Only strings may be null: the broker checks
 * those itself (an app id), so the caller gets the broker's own error, as in-process.
 */
final class Params {
    private final ObjectNode frame;

    Params(ObjectNode frame) {
        this.frame = frame;
    }

    private JsonNode present(String field) {
        JsonNode node = frame.get(field);
        if (node == null) {
            throw new BadRequestException(field, "missing field " + field);
        }
        return node;
    }

    /** Whether the request carries the field at all, for fields a newer peer adds. */
    boolean has(String field) {
        return frame.has(field);
    }

    /** A string, or null. */
    String text(String field) {
        JsonNode node = present(field);
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(field, "a string", node);
        }
        return node.asText();
    }

    /** A string that may not be null. */
    String requiredText(String field) {
        String text = text(field);
        if (text == null) {
            throw new BadRequestException(field, "field " + field + " must not be null");
        }
        return text;
    }

    /** A UUID in its text form. */
    UUID uuid(String field) {
        String text = requiredText(field);
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(field, "field " + field + " is not a UUID: " + Messages.brief(text));
        }
    }

    boolean bool(String field) {
        JsonNode node = present(field);
        if (!node.isBoolean()) {
            throw wrongType(field, "true or false", node);
        }
        return node.asBoolean();
    }

    int integer(String field) {
        JsonNode node = present(field);
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw wrongType(field, "a 32-bit integer", node);
        }
        return node.asInt();
    }

    long longValue(String field) {
        JsonNode node = present(field);
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw wrongType(field, "a 64-bit integer", node);
        }
        return node.asLong();
    }

    /** A value the mapper reads (enums, records, maps); never null. */
    <T> T value(String field, Class<T> type) {
        return value(field, WireJson.MAPPER.constructType(type));
    }

    <T> T value(String field, JavaType type) {
        JsonNode node = present(field);
        if (node.isNull()) {
            throw new BadRequestException(field, "field " + field + " must not be null");
        }
        try {
            return WireJson.MAPPER.treeToValue(node, type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof IllegalArgumentException rule) {
                // A record's own check (ResourceLimits, ...): the same error the caller would get in-process.
                throw rule;
            }
            throw unreadable(field, e);
        } catch (JsonMappingException e) {
            throw unreadable(field, e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new BadRequestException(field, "field " + field + " is not valid: " + e.getMessage());
        }
    }

    private static BadRequestException unreadable(String field, JsonMappingException e) {
        StringBuilder path = new StringBuilder(field);
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String where = path.toString();
        return new BadRequestException(where, "field " + where + " is not valid: " + e.getOriginalMessage());
    }

    private static BadRequestException wrongType(String field, String expected, JsonNode got) {
        return new BadRequestException(field, "field " + field + " must be " + expected + ", got "
                + got.getNodeType().toString().toLowerCase(Locale.ROOT));
    }
}
