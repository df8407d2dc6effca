package dev.bgtasks.arguments;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON trees read and written with Jackson's streaming {@link JsonParser} and {@link JsonGenerator} (which do all of
 * JSON's syntax and escaping), strictly: a repeated key and anything after the value are refused. The encoded
 * arguments and the wire's frames use it, so no {@code ObjectMapper} is built for either: a task host, which reads
 * one frame's worth of each before its task's first line, starts without one (issue 15: building a mapper, with its
 * serializer and deserializer lookups, was about 100 ms of a Java task's interpreted start). The typed mapper of the
 * wire is built only where records travel (the broker, an app's client), which convert these trees.
 *
 * <pre>{@code
 * ObjectNode hello = JsonTrees.object().put("role", "host");
 * byte[] body = JsonTrees.write(hello);
 * JsonNode same = JsonTrees.read(new String(body, StandardCharsets.UTF_8));
 * }</pre>
 */
public final class JsonTrees {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    /** {@return the strict factory, for a generator or parser of one's own} */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /** {@return a new empty JSON object} */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /**
     * The UTF-8 JSON of a tree.
     *
     * @param node the tree
     * @return its JSON
     * @throws IOException only if the generator fails (it writes to memory)
     */
    public static byte[] write(JsonNode node) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(node, generator);
        }
        return out.toByteArray();
    }

    /**
     * Writes a tree with a generator of one's own (a pretty printer, a writer): the same calls {@link #write(JsonNode)}
     * makes.
     *
     * @param node the tree
     * @param g the generator
     * @throws IOException when the generator fails
     */
    public static void write(JsonNode node, JsonGenerator g) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    g.writeFieldName(field.getKey());
                    write(field.getValue(), g);
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    write(element, g);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BINARY -> g.writeBinary(node.binaryValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL, MISSING -> g.writeNull();
            case NUMBER -> writeNumber(node, g);
            default -> throw new IOException("a " + node.getNodeType() + " node has no JSON form");
        }
    }

    private static void writeNumber(JsonNode node, JsonGenerator g) throws IOException {
        switch (node.numberType()) {
            case INT -> g.writeNumber(node.intValue());
            case LONG -> g.writeNumber(node.longValue());
            case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
            case FLOAT -> g.writeNumber(node.floatValue());
            case DOUBLE -> g.writeNumber(node.doubleValue());
            case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
            default -> throw new IOException("an unknown number type " + node.numberType());
        }
    }

    /**
     * Parses one JSON value, and nothing after it.
     *
     * @param text the JSON
     * @return the tree; a missing node for empty text
     * @throws JsonParseException when the text is not one JSON value, repeats a key or has anything after it
     * @throws IOException when the parser fails otherwise
     */
    public static JsonNode read(String text) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
            JsonNode node = value(parser, first);
            JsonToken after = parser.nextToken();
            if (after != null) {
                throw new JsonParseException(parser, "Trailing token (of type " + after + ") found after value");
            }
            return node;
        }
    }

    private static JsonNode value(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String name = p.currentName();
                    object.set(name, value(p, p.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    array.add(value(p, t));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseException(p, "Unexpected token " + token);
        }
    }
}
