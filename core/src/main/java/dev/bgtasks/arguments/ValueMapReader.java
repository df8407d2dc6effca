package dev.bgtasks.arguments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a value map back, strictly: only what {@link ValueMapWriter} writes is accepted (strict UTF-8, no
 * duplicate fields, known tags, canonical payloads), because the bytes come from the store and from other
 * processes. {@link ValueMapCodec#decode} is the way in.
 *
 * <pre>{@code
 * Map<String, Object> args = ValueMapReader.decode(wire);   // deeply immutable, insertion order kept
 * }</pre>
 */
final class ValueMapReader {
    // Float and Double are carried as text, not JSON numbers: JSON has no NaN or Infinity, and parsing the exact
    // text back with Float.parseFloat avoids rounding a float through a double. The text is checked against this
    // grammar rather than against Double.toString(parsed): Double.toString changed its output in JDK 19, and the
    // app, the broker and the task may run on different JDKs.
    // Compiled on the first floating-point value, not with this class: every task host decodes its arguments before
    // the task's first line, and a regex compiled in a fresh JVM costs a millisecond or two (issue 15).
    private static final class FloatingText {
        static final Pattern GRAMMAR =
                Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:E-?[0-9]+)?|NaN|-?Infinity");
    }

    private ValueMapReader() {
    }

    static Map<String, Object> decode(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length > ValueMapCodec.MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("malformed encoded arguments: " + encoded.length
                    + " bytes, over the limit of " + ValueMapCodec.MAX_ENCODED_BYTES + " bytes");
        }
        JsonNode root = parse(encoded);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("malformed encoded arguments: expected a JSON object, found "
                    + describe(root));
        }
        JsonNode version = root.get(ValueMapCodec.VERSION_FIELD);
        if (version == null || !version.isIntegralNumber()) {
            throw new IllegalArgumentException("malformed encoded arguments: no integer \""
                    + ValueMapCodec.VERSION_FIELD + "\" format version");
        }
        if (!version.canConvertToInt() || version.intValue() != ValueMapCodec.FORMAT_VERSION) {
            throw new IllegalArgumentException("malformed encoded arguments: format version " + version
                    + " is not supported; this codec reads version " + ValueMapCodec.FORMAT_VERSION);
        }
        JsonNode args = root.get(ValueMapCodec.ARGS_FIELD);
        if (args == null || !args.isObject() || root.size() != 2) {
            throw new IllegalArgumentException("malformed encoded arguments: expected exactly the fields \""
                    + ValueMapCodec.VERSION_FIELD + "\" and \"" + ValueMapCodec.ARGS_FIELD + "\" (an object)");
        }
        return readEntries(args, ValuePath.ROOT, 0);
    }

    private static JsonNode parse(byte[] encoded) {
        String text;
        try {
            // Decoded strictly up front: Jackson would otherwise also accept UTF-16/32 input by sniffing.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(encoded))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("malformed encoded arguments: not valid UTF-8", e);
        }
        try {
            return JsonTrees.read(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed encoded arguments: not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("malformed encoded arguments: not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> readEntries(JsonNode object, ValuePath path, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            map.put(field.getKey(), readValue(field.getValue(), path.key(field.getKey()), depth));
        }
        return Collections.unmodifiableMap(map);
    }

    private static Object readValue(JsonNode node, ValuePath path, int depth) {
        if (!node.isArray() || node.size() != 2 || !node.get(0).isTextual()) {
            throw malformed(path, "expected a [tag, value] pair, found " + describe(node));
        }
        String wire = node.get(0).textValue();
        ValueTag tag = ValueTag.BY_WIRE.get(wire);
        if (tag == null) {
            throw malformed(path, "unknown tag " + Quoting.quote(wire));
        }
        JsonNode payload = node.get(1);
        return switch (tag) {
            case LIST -> readList(payload, path, depth + 1);
            case MAP -> {
                requireContainer(payload, payload.isObject(), "object", path, depth + 1);
                yield readEntries(payload, path, depth + 1);
            }
            default -> readScalar(tag, payload, path);
        };
    }

    private static List<Object> readList(JsonNode payload, ValuePath path, int depth) {
        requireContainer(payload, payload.isArray(), "array", path, depth);
        List<Object> list = new ArrayList<>(payload.size());
        for (int i = 0; i < payload.size(); i++) {
            list.add(readValue(payload.get(i), path.index(i), depth));
        }
        return List.copyOf(list);
    }

    private static void requireContainer(JsonNode payload, boolean rightShape, String shape, ValuePath path,
                                         int depth) {
        if (!rightShape) {
            throw malformed(path, "expected a JSON " + shape + ", found " + describe(payload));
        }
        if (depth > ValueMapCodec.MAX_NESTING_DEPTH) {
            throw malformed(path, "Lists and Maps are nested deeper than " + ValueMapCodec.MAX_NESTING_DEPTH
                    + " levels");
        }
    }

    private static Object readScalar(ValueTag tag, JsonNode payload, ValuePath path) {
        return switch (tag) {
            case STRING -> text(tag, payload, path);
            case BOOLEAN -> {
                if (!payload.isBoolean()) {
                    throw wrongPayload(tag, "a JSON boolean", payload, path);
                }
                yield payload.booleanValue();
            }
            case CHARACTER -> {
                String text = text(tag, payload, path);
                if (text.length() != 1) {
                    throw malformed(path, "a char payload must be exactly one UTF-16 unit, found " + text.length());
                }
                yield text.charAt(0);
            }
            case BYTE -> (byte) integer(tag, payload, Byte.MIN_VALUE, Byte.MAX_VALUE, path);
            case SHORT -> (short) integer(tag, payload, Short.MIN_VALUE, Short.MAX_VALUE, path);
            case INTEGER -> (int) integer(tag, payload, Integer.MIN_VALUE, Integer.MAX_VALUE, path);
            case LONG -> integer(tag, payload, Long.MIN_VALUE, Long.MAX_VALUE, path);
            case FLOAT -> {
                String text = floatingText(tag, payload, path);
                float value = Float.parseFloat(text);
                requireFiniteUnlessSaid(value, text, path);
                yield value;
            }
            case DOUBLE -> {
                String text = floatingText(tag, payload, path);
                double value = Double.parseDouble(text);
                requireFiniteUnlessSaid(value, text, path);
                yield value;
            }
            case BIG_INTEGER -> canonical(tag, payload, path, BigInteger::new);
            case BIG_DECIMAL -> canonical(tag, payload, path, BigDecimal::new);
            case UUID_VALUE -> canonical(tag, payload, path, UUID::fromString);
            case INSTANT -> {
                long[] secondsAndNanos = secondsAndNanos(tag, payload, path);
                try {
                    yield Instant.ofEpochSecond(secondsAndNanos[0], secondsAndNanos[1]);
                } catch (DateTimeException e) {
                    throw malformed(path, "instant out of range: " + e.getMessage());
                }
            }
            case DURATION -> {
                long[] secondsAndNanos = secondsAndNanos(tag, payload, path);
                yield Duration.ofSeconds(secondsAndNanos[0], secondsAndNanos[1]);
            }
            case BYTES -> {
                String text = text(tag, payload, path);
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException e) {
                    throw malformed(path, "bytes payload is not Base64: " + e.getMessage());
                }
                if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
                    throw malformed(path, "bytes payload is not canonical padded Base64");
                }
                yield bytes;
            }
            default -> throw new IllegalStateException("not a scalar tag: " + tag);
        };
    }

    private static String text(ValueTag tag, JsonNode payload, ValuePath path) {
        if (!payload.isTextual()) {
            throw wrongPayload(tag, "a JSON string", payload, path);
        }
        return payload.textValue();
    }

    private static long integer(ValueTag tag, JsonNode payload, long min, long max, ValuePath path) {
        if (!payload.isIntegralNumber()) {
            throw wrongPayload(tag, "a JSON integer", payload, path);
        }
        if (!payload.canConvertToLong() || payload.longValue() < min || payload.longValue() > max) {
            throw malformed(path, tag.wire + " payload " + Quoting.abbreviate(payload.asText()) + " is outside [" + min
                    + ", " + max + "]");
        }
        return payload.longValue();
    }

    private static String floatingText(ValueTag tag, JsonNode payload, ValuePath path) {
        String text = text(tag, payload, path);
        if (!FloatingText.GRAMMAR.matcher(text).matches()) {
            throw malformed(path, tag.wire + " payload " + Quoting.quote(text)
                    + " is not a Java floating-point literal");
        }
        return text;
    }

    private static void requireFiniteUnlessSaid(double value, String text, ValuePath path) {
        if (Double.isInfinite(value) && !text.endsWith("Infinity")) {
            throw malformed(path, "floating-point payload " + Quoting.quote(text) + " overflows");
        }
    }

    private static Object canonical(ValueTag tag, JsonNode payload, ValuePath path, Function<String, Object> parser) {
        String text = text(tag, payload, path);
        Object value;
        try {
            value = parser.apply(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // NumberFormatException is an IllegalArgumentException; BigDecimal throws it for exponents out of range.
            throw malformed(path, tag.wire + " payload " + Quoting.quote(text) + " does not parse: " + e.getMessage());
        }
        // The parsers are lenient ("1-1-1-1-1" is a UUID, "007" a BigInteger); only the encoder's own spelling is
        // accepted so that every value has exactly one encoding.
        if (!value.toString().equals(text)) {
            throw malformed(path, tag.wire + " payload " + Quoting.quote(text) + " is not in canonical form");
        }
        return value;
    }

    private static long[] secondsAndNanos(ValueTag tag, JsonNode payload, ValuePath path) {
        if (!payload.isArray() || payload.size() != 2
                || !payload.get(0).isIntegralNumber() || !payload.get(0).canConvertToLong()
                || !payload.get(1).isIntegralNumber() || !payload.get(1).canConvertToInt()) {
            throw wrongPayload(tag, "[seconds, nanos] as two JSON integers", payload, path);
        }
        long nanos = payload.get(1).longValue();
        if (nanos < 0 || nanos > 999_999_999) {
            throw malformed(path, tag.wire + " nanos " + nanos + " are outside [0, 999999999]");
        }
        return new long[] {payload.get(0).longValue(), nanos};
    }

    private static IllegalArgumentException wrongPayload(ValueTag tag, String expected, JsonNode payload,
                                                         ValuePath path) {
        return malformed(path, tag.wire + " payload must be " + expected + ", found " + describe(payload));
    }

    private static IllegalArgumentException malformed(ValuePath path, String why) {
        return new IllegalArgumentException("malformed encoded arguments at " + path + ": " + why);
    }

    /** The kind of node only: payloads may be large or private, so they are not echoed into messages. */
    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return "a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
