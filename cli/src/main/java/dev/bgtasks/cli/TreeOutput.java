package dev.bgtasks.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code --json} output written from the broker's replies as they came off the wire, with jackson-core's streaming
 * generator and the pretty printer {@link Output}'s mapper uses, so a call builds no {@code ObjectMapper} (issue 18:
 * the mapper and its introspection of the reply records were about a quarter of each call). The text is
 * {@link Output}'s, byte for byte ({@code TreeOutputTest} holds them equal): the wire and {@link Output} write the
 * same records with the same serializers, so the replies' fields are copied as they are, and only what {@link Output}
 * changes is changed here: an instance's {@code result} is the decoded map, a task's target has no {@code type}.
 *
 * <pre>{@code
 * TreeOutput.instances(out, broker.instances("com.example.notes"));
 * }</pre>
 */
final class TreeOutput {
    private TreeOutput() {
    }

    /** What one {@code --json} document writes. */
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** One document, indented as {@link Output#json} indents it, then a line end. */
    static void json(PrintWriter out, Body body) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JsonTrees.factory().createGenerator(text)) {
            g.useDefaultPrettyPrinter();
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot print the broker's answer as JSON", e);
        }
        out.println(text);
        out.flush();
    }

    /** {@code bgtask runs --json}: the instances, each with its result map decoded (SPEC P2). */
    static void instances(PrintWriter out, JsonNode instances) {
        json(out, g -> {
            g.writeStartArray();
            for (JsonNode instance : instances) {
                instance(g, instance);
            }
            g.writeEndArray();
        });
    }

    /** An instance as {@link Output#instance} shows it: {@code result} decoded, {@code {}} when the task set none. */
    static void instance(JsonGenerator g, JsonNode instance) throws IOException {
        g.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = instance.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            g.writeFieldName(field.getKey());
            if (field.getKey().equals("result")) {
                JsonNode encoded = field.getValue();
                value(g, encoded.isNull() ? Map.of() : ValueMapCodec.decode(encoded.binaryValue()));
            } else {
                JsonTrees.write(field.getValue(), g);
            }
        }
        g.writeEndObject();
    }

    /**
     * {@code bgtask tasks --json}: the registrations without the wire's {@code type} of a task's target, which
     * {@link Output}'s mapper (without the wire's mix-ins) never wrote.
     */
    static void registrations(PrintWriter out, JsonNode registrations) {
        JsonNode shown = registrations.deepCopy();
        for (JsonNode registration : shown) {
            JsonNode target = registration.path("definition").path("target");
            if (target instanceof ObjectNode object) {
                object.remove("type");
            }
        }
        json(out, g -> JsonTrees.write(shown, g));
    }

    /** {@code bgtask signals --json}: every signal (null: unknown), energy saver, the work cost, the hardware. */
    static void signals(PrintWriter out, SignalSnapshot snapshot, JsonNode hardware) {
        json(out, g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("signals");
            for (HostSignal signal : HostSignal.values()) {
                g.writeFieldName(SignalsCommand.name(signal));
                value(g, snapshot.get(signal).orElse(null));
            }
            g.writeEndObject();
            g.writeBooleanField("energySaver", snapshot.is(HostSignal.ENERGY_SAVER, true));
            g.writeStringField("backgroundWorkCost", snapshot.backgroundWorkCost().name());
            g.writeFieldName("hardware");
            JsonTrees.write(hardware, g);
            g.writeEndObject();
        });
    }

    /**
     * A decoded value as {@link Output}'s mapper writes it: numbers in their own width, {@code BigDecimal} as its
     * text, UUIDs, characters, instants and durations as their ISO/{@code toString} text, bytes as base64.
     */
    static void value(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String text) {
            g.writeString(text);
        } else if (value instanceof Boolean bool) {
            g.writeBoolean(bool);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long number) {
            g.writeNumber(number);
        } else if (value instanceof Float number) {
            g.writeNumber(number);
        } else if (value instanceof Double number) {
            g.writeNumber(number);
        } else if (value instanceof BigInteger number) {
            g.writeNumber(number);
        } else if (value instanceof BigDecimal number) {
            g.writeNumber(number);
        } else if (value instanceof byte[] bytes) {
            g.writeBinary(bytes);
        } else if (value instanceof Character || value instanceof UUID || value instanceof java.time.Instant
                || value instanceof java.time.Duration) {
            // The Java time module writes ISO-8601 text (timestamps are off), which is what toString gives.
            g.writeString(value.toString());
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeFieldName(entry.getKey().toString());
                value(g, entry.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (Object element : list) {
                value(g, element);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("a decoded value of " + value.getClass() + " has no JSON form here");
        }
    }
}
