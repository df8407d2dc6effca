package dev.bgtasks.ipc;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Validates, encodes and decodes trigger arguments, the port of UWP's {@code ValueSet} (SPEC T6).
 *
 * <p>Arguments travel from the app to the broker, into the store and on to the task process, so they are turned
 * into bytes once, at the call, and every later reader gets back exactly the Java types the app passed: an
 * {@code Integer} stays an {@code Integer}, a {@code BigDecimal} keeps its scale. Anything that could not make that
 * trip is refused synchronously with an {@link IllegalArgumentException} that names the path of the bad value.
 *
 * <pre>{@code
 * byte[] wire = ArgumentCodec.encode(Map.of("file", "/tmp/in.csv", "retries", 3));
 * Map<String, Object> args = ArgumentCodec.decode(wire);   // deeply immutable, insertion order kept
 * int retries = (Integer) args.get("retries");
 *
 * Map<String, Object> cli = ArgumentCodec.parseKeyValues(List.of("file=/tmp/in.csv")); // bgtask --arg file=...
 * }</pre>
 *
 * <p>Allowed values: {@code String}, {@code Boolean}, {@code Character}, {@code Byte}, {@code Short},
 * {@code Integer}, {@code Long}, {@code Float}, {@code Double} (NaN and the infinities included), {@code BigInteger},
 * {@code BigDecimal}, {@code UUID}, {@code Instant}, {@code Duration}, {@code byte[]}, and any {@code List} or
 * {@code Map<String, ?>} of allowed values, at most {@value #MAX_NESTING_DEPTH} containers deep. Scalars must be of
 * exactly these classes (a subclass of {@code BigDecimal} would come back as a plain {@code BigDecimal}, so it is
 * refused). Null values and null keys are refused.
 *
 * <p>The wire form is UTF-8 JSON, {@code {"v":1,"args":{"key":[tag,payload],...}}}, where every value is a
 * {@code [tag, payload]} pair: {@code ["i32",3]}, {@code ["str","x"]}, {@code ["list",[...]]},
 * {@code ["map",{...}]}; see {@link #encode} for the full table. The form is stored durably, so it only ever grows
 * new tags; {@link #decode} accepts exactly what {@link #encode} writes.
 */
public final class ArgumentCodec {
    /** The most bytes one encoded argument map may take (SPEC T6). */
    public static final int MAX_ENCODED_BYTES = 64 * 1024;

    /**
     * The most {@code List}/{@code Map} containers nested inside the arguments map; a value directly in the
     * arguments map that is a list is at depth 1.
     */
    public static final int MAX_NESTING_DEPTH = 32;

    private static final int FORMAT_VERSION = 1;
    private static final String VERSION_FIELD = "v";
    private static final String ARGS_FIELD = "args";

    // Encoding stops outright past this many bytes, so that a structure sharing one list many times over (a DAG
    // that expands exponentially) costs bounded work, while ordinary oversized inputs still get their exact size.
    private static final int ENCODE_ABORT_BYTES = 16 * MAX_ENCODED_BYTES;

    private static final String ALLOWED =
            "allowed: String, Boolean, Character, Byte, Short, Integer, Long, Float, Double, BigInteger, BigDecimal,"
                    + " UUID, Instant, Duration, byte[], List and Map<String, ?> of these (SPEC T6)";

    // Float and Double are carried as text, not JSON numbers: JSON has no NaN or Infinity, and parsing the exact
    // text back with Float.parseFloat avoids rounding a float through a double. The text is checked against this
    // grammar rather than against Double.toString(parsed): Double.toString changed its output in JDK 19, and the
    // app, the broker and the task may run on different JDKs.
    private static final Pattern FLOATING_TEXT =
            Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:E-?[0-9]+)?|NaN|-?Infinity");

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The scalar types, looked up by exact class so that subclasses are refused rather than silently narrowed. */
    private enum Tag {
        STRING("str", String.class),
        BOOLEAN("bool", Boolean.class),
        CHARACTER("char", Character.class),
        BYTE("i8", Byte.class),
        SHORT("i16", Short.class),
        INTEGER("i32", Integer.class),
        LONG("i64", Long.class),
        FLOAT("f32", Float.class),
        DOUBLE("f64", Double.class),
        BIG_INTEGER("bigint", BigInteger.class),
        BIG_DECIMAL("decimal", BigDecimal.class),
        UUID_VALUE("uuid", UUID.class),
        INSTANT("instant", Instant.class),
        DURATION("duration", Duration.class),
        BYTES("bytes", byte[].class),
        LIST("list", null),
        MAP("map", null);

        private static final Map<Class<?>, Tag> BY_CLASS = new HashMap<>();
        private static final Map<String, Tag> BY_WIRE = new HashMap<>();

        static {
            for (Tag tag : values()) {
                if (tag.scalarClass != null) {
                    BY_CLASS.put(tag.scalarClass, tag);
                }
                BY_WIRE.put(tag.wire, tag);
            }
        }

        private final String wire;
        private final Class<?> scalarClass;

        Tag(String wire, Class<?> scalarClass) {
            this.wire = wire;
            this.scalarClass = scalarClass;
        }
    }

    private ArgumentCodec() {
    }

    /**
     * Validates and encodes trigger arguments.
     *
     * <p>Tags and payloads: {@code str}, {@code char} (one-char string), {@code uuid} (canonical lower-case text),
     * {@code bigint}, {@code decimal} ({@code toString()} text, scale kept), {@code f32}, {@code f64} (Java
     * {@code toString()} text, including {@code NaN}, {@code Infinity}, {@code -Infinity}, {@code -0.0}),
     * {@code bytes} (standard padded Base64) as JSON strings; {@code bool} as a JSON boolean; {@code i8},
     * {@code i16}, {@code i32}, {@code i64} as JSON integers; {@code instant} and {@code duration} as
     * {@code [seconds, nanos]} with {@code 0 <= nanos < 10^9}; {@code list} as a JSON array and {@code map} as a
     * JSON object of tagged values.
     *
     * @param arguments the arguments; empty is valid
     * @return UTF-8 JSON, at most {@link #MAX_ENCODED_BYTES} bytes
     * @throws NullPointerException when {@code arguments} is null
     * @throws IllegalArgumentException when a value, key or structure is not allowed (the message names its path,
     *     e.g. {@code arguments["files"][2]}), or the encoding exceeds {@link #MAX_ENCODED_BYTES}
     */
    public static byte[] encode(Map<String, ?> arguments) {
        Objects.requireNonNull(arguments, "arguments");
        CappedSink sink = new CappedSink();
        Set<Object> ancestors = Collections.newSetFromMap(new IdentityHashMap<>());
        try (JsonGenerator out = MAPPER.getFactory().createGenerator(sink, JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeNumberField(VERSION_FIELD, FORMAT_VERSION);
            out.writeFieldName(ARGS_FIELD);
            writeEntries(out, arguments, Path.ROOT, ancestors, 0);
            out.writeEndObject();
        } catch (CappedSink.Exceeded e) {
            throw new IllegalArgumentException("arguments encode to more than " + ENCODE_ABORT_BYTES
                    + " bytes, over the limit of " + MAX_ENCODED_BYTES + " bytes (SPEC T6)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JSON encoding failed", e);
        }
        if (sink.size() > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("arguments encode to " + sink.size() + " bytes, over the limit of "
                    + MAX_ENCODED_BYTES + " bytes (SPEC T6)");
        }
        return sink.toByteArray();
    }

    /**
     * Decodes what {@link #encode} produced.
     *
     * @param encoded the bytes from {@link #encode}
     * @return a deeply immutable map in the original insertion order; nested maps and lists are immutable too, and
     *     every {@code byte[]} is a fresh array owned by the caller
     * @throws NullPointerException when {@code encoded} is null
     * @throws IllegalArgumentException for anything {@link #encode} would not have written: not UTF-8, not JSON,
     *     an unknown tag, a payload of the wrong shape or range, too deep, or more than {@link #MAX_ENCODED_BYTES}
     */
    public static Map<String, Object> decode(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length > MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("malformed encoded arguments: " + encoded.length
                    + " bytes, over the limit of " + MAX_ENCODED_BYTES + " bytes");
        }
        JsonNode root = parse(encoded);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("malformed encoded arguments: expected a JSON object, found "
                    + describe(root));
        }
        JsonNode version = root.get(VERSION_FIELD);
        if (version == null || !version.isIntegralNumber()) {
            throw new IllegalArgumentException("malformed encoded arguments: no integer \"" + VERSION_FIELD
                    + "\" format version");
        }
        if (!version.canConvertToInt() || version.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("malformed encoded arguments: format version " + version
                    + " is not supported; this codec reads version " + FORMAT_VERSION);
        }
        JsonNode args = root.get(ARGS_FIELD);
        if (args == null || !args.isObject() || root.size() != 2) {
            throw new IllegalArgumentException("malformed encoded arguments: expected exactly the fields \""
                    + VERSION_FIELD + "\" and \"" + ARGS_FIELD + "\" (an object)");
        }
        return readEntries(args, Path.ROOT, 0);
    }

    /**
     * The deep copy that trigger details carry (SPEC T6): validated exactly as {@link #encode} validates, and
     * returned as {@link #decode} returns.
     *
     * @throws NullPointerException when {@code arguments} is null
     * @throws IllegalArgumentException as {@link #encode}
     */
    public static Map<String, Object> deepCopy(Map<String, ?> arguments) {
        return decode(encode(arguments));
    }

    /**
     * Parses the CLI's {@code --arg KEY=VALUE} pairs. The split is at the first {@code '='}, so a value may itself
     * contain {@code '='}; values stay strings and may be empty.
     *
     * @param pairs the pairs in command-line order
     * @return an immutable map in the given order
     * @throws NullPointerException when {@code pairs} or one of its elements is null
     * @throws IllegalArgumentException when a pair has no {@code '='}, an empty key, or repeats a key
     */
    public static Map<String, Object> parseKeyValues(List<String> pairs) {
        Objects.requireNonNull(pairs, "pairs");
        Map<String, Object> result = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            String pair = Objects.requireNonNull(pairs.get(i), "pairs[" + i + "]");
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("argument " + quote(pair) + " is not KEY=VALUE: it has no '='");
            }
            if (eq == 0) {
                throw new IllegalArgumentException("argument " + quote(pair) + " is not KEY=VALUE: the key is empty");
            }
            String key = pair.substring(0, eq);
            if (result.putIfAbsent(key, pair.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("argument " + quote(pair) + " repeats the key " + quote(key)
                        + "; each key may be given once");
            }
        }
        return Collections.unmodifiableMap(result);
    }

    // ---------------------------------------------------------------------------------------------------- encoding

    private static void writeEntries(JsonGenerator out, Map<?, ?> map, Path path, Set<Object> ancestors, int depth)
            throws IOException {
        enter(map, "Map", path, ancestors, depth);
        // Two distinct-but-equal String keys (an IdentityHashMap) would write a duplicate JSON field that decode
        // must refuse; catching it here keeps "encode accepted it" meaning "decode will read it".
        Set<String> written = new HashSet<>();
        out.writeStartObject();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object rawKey = entry.getKey();
            if (rawKey == null) {
                throw rejected(path, "a map key is null; keys must be non-null Strings");
            }
            if (!(rawKey instanceof String key)) {
                throw rejected(path, "a map key of type " + rawKey.getClass().getTypeName()
                        + " is not allowed; keys must be Strings");
            }
            if (!written.add(key)) {
                throw rejected(path, "the key " + quote(key) + " occurs twice (distinct but equal String keys)");
            }
            out.writeFieldName(key);
            writeValue(out, entry.getValue(), path.key(key), ancestors, depth);
        }
        out.writeEndObject();
        ancestors.remove(map);
    }

    private static void writeValue(JsonGenerator out, Object value, Path path, Set<Object> ancestors, int depth)
            throws IOException {
        if (value == null) {
            throw rejected(path, "null is not allowed; " + ALLOWED);
        }
        if (value instanceof List<?> list) {
            enter(list, "List", path, ancestors, depth + 1);
            out.writeStartArray();
            out.writeString(Tag.LIST.wire);
            out.writeStartArray();
            int index = 0;
            for (Object element : list) {
                writeValue(out, element, path.index(index++), ancestors, depth + 1);
            }
            out.writeEndArray();
            out.writeEndArray();
            ancestors.remove(list);
            return;
        }
        if (value instanceof Map<?, ?> map) {
            out.writeStartArray();
            out.writeString(Tag.MAP.wire);
            writeEntries(out, map, path, ancestors, depth + 1);
            out.writeEndArray();
            return;
        }
        Tag tag = Tag.BY_CLASS.get(value.getClass());
        if (tag == null) {
            throw rejected(path, "type " + value.getClass().getTypeName() + " is not allowed; " + ALLOWED);
        }
        out.writeStartArray();
        out.writeString(tag.wire);
        writeScalar(out, tag, value);
        out.writeEndArray();
    }

    private static void enter(Object container, String kind, Path path, Set<Object> ancestors, int depth) {
        // Checked before the depth so that a cycle is reported as one, and without hashCode(), which a
        // self-containing List answers with a StackOverflowError.
        if (!ancestors.add(container)) {
            throw rejected(path, "this " + kind + " contains itself; self-referencing structures cannot be encoded");
        }
        if (depth > MAX_NESTING_DEPTH) {
            throw rejected(path, "Lists and Maps are nested deeper than " + MAX_NESTING_DEPTH + " levels");
        }
    }

    private static void writeScalar(JsonGenerator out, Tag tag, Object value) throws IOException {
        switch (tag) {
            case STRING -> out.writeString((String) value);
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case CHARACTER -> out.writeString(String.valueOf(((Character) value).charValue()));
            case BYTE -> out.writeNumber(((Byte) value).intValue());
            case SHORT -> out.writeNumber(((Short) value).intValue());
            case INTEGER -> out.writeNumber(((Integer) value).intValue());
            case LONG -> out.writeNumber(((Long) value).longValue());
            case FLOAT -> out.writeString(Float.toString((Float) value));
            case DOUBLE -> out.writeString(Double.toString((Double) value));
            case BIG_INTEGER, BIG_DECIMAL, UUID_VALUE -> out.writeString(value.toString());
            case INSTANT -> writeSecondsAndNanos(out, ((Instant) value).getEpochSecond(), ((Instant) value).getNano());
            case DURATION -> writeSecondsAndNanos(out, ((Duration) value).getSeconds(), ((Duration) value).getNano());
            case BYTES -> out.writeString(Base64.getEncoder().encodeToString((byte[]) value));
            default -> throw new IllegalStateException("not a scalar tag: " + tag);
        }
    }

    private static void writeSecondsAndNanos(JsonGenerator out, long seconds, int nanos) throws IOException {
        out.writeStartArray();
        out.writeNumber(seconds);
        out.writeNumber(nanos);
        out.writeEndArray();
    }

    private static IllegalArgumentException rejected(Path path, String why) {
        return new IllegalArgumentException(path + ": " + why);
    }

    // ---------------------------------------------------------------------------------------------------- decoding

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
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed encoded arguments: not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> readEntries(JsonNode object, Path path, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            map.put(field.getKey(), readValue(field.getValue(), path.key(field.getKey()), depth));
        }
        return Collections.unmodifiableMap(map);
    }

    private static Object readValue(JsonNode node, Path path, int depth) {
        if (!node.isArray() || node.size() != 2 || !node.get(0).isTextual()) {
            throw malformed(path, "expected a [tag, value] pair, found " + describe(node));
        }
        String wire = node.get(0).textValue();
        Tag tag = Tag.BY_WIRE.get(wire);
        if (tag == null) {
            throw malformed(path, "unknown tag " + quote(wire));
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

    private static List<Object> readList(JsonNode payload, Path path, int depth) {
        requireContainer(payload, payload.isArray(), "array", path, depth);
        List<Object> list = new ArrayList<>(payload.size());
        for (int i = 0; i < payload.size(); i++) {
            list.add(readValue(payload.get(i), path.index(i), depth));
        }
        return List.copyOf(list);
    }

    private static void requireContainer(JsonNode payload, boolean rightShape, String shape, Path path, int depth) {
        if (!rightShape) {
            throw malformed(path, "expected a JSON " + shape + ", found " + describe(payload));
        }
        if (depth > MAX_NESTING_DEPTH) {
            throw malformed(path, "Lists and Maps are nested deeper than " + MAX_NESTING_DEPTH + " levels");
        }
    }

    private static Object readScalar(Tag tag, JsonNode payload, Path path) {
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

    private static String text(Tag tag, JsonNode payload, Path path) {
        if (!payload.isTextual()) {
            throw wrongPayload(tag, "a JSON string", payload, path);
        }
        return payload.textValue();
    }

    private static long integer(Tag tag, JsonNode payload, long min, long max, Path path) {
        if (!payload.isIntegralNumber()) {
            throw wrongPayload(tag, "a JSON integer", payload, path);
        }
        if (!payload.canConvertToLong() || payload.longValue() < min || payload.longValue() > max) {
            throw malformed(path, tag.wire + " payload " + abbreviate(payload.asText()) + " is outside [" + min
                    + ", " + max + "]");
        }
        return payload.longValue();
    }

    private static String floatingText(Tag tag, JsonNode payload, Path path) {
        String text = text(tag, payload, path);
        if (!FLOATING_TEXT.matcher(text).matches()) {
            throw malformed(path, tag.wire + " payload " + quote(text) + " is not a Java floating-point literal");
        }
        return text;
    }

    private static void requireFiniteUnlessSaid(double value, String text, Path path) {
        if (Double.isInfinite(value) && !text.endsWith("Infinity")) {
            throw malformed(path, "floating-point payload " + quote(text) + " overflows");
        }
    }

    private static Object canonical(Tag tag, JsonNode payload, Path path, Function<String, Object> parser) {
        String text = text(tag, payload, path);
        Object value;
        try {
            value = parser.apply(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // NumberFormatException is an IllegalArgumentException; BigDecimal throws it for exponents out of range.
            throw malformed(path, tag.wire + " payload " + quote(text) + " does not parse: " + e.getMessage());
        }
        // The parsers are lenient ("1-1-1-1-1" is a UUID, "007" a BigInteger); only the encoder's own spelling is
        // accepted so that every value has exactly one encoding.
        if (!value.toString().equals(text)) {
            throw malformed(path, tag.wire + " payload " + quote(text) + " is not in canonical form");
        }
        return value;
    }

    private static long[] secondsAndNanos(Tag tag, JsonNode payload, Path path) {
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

    private static IllegalArgumentException wrongPayload(Tag tag, String expected, JsonNode payload, Path path) {
        return malformed(path, tag.wire + " payload must be " + expected + ", found " + describe(payload));
    }

    private static IllegalArgumentException malformed(Path path, String why) {
        return new IllegalArgumentException("malformed encoded arguments at " + path + ": " + why);
    }

    /** The kind of node only: payloads may be large or private, so they are not echoed into messages. */
    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return "a JSON " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------------------------------------------ shared

    private static String quote(String text) {
        String shown = abbreviate(text);
        StringBuilder quoted = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    private static String abbreviate(String text) {
        int max = 80;
        return text.length() <= max ? text : text.substring(0, max) + "…(" + text.length() + " chars)";
    }

    /**
     * Where a value sits, as {@code arguments["files"][2]}; built only when a message needs it, so the happy path
     * allocates one small node per value and no strings.
     */
    private record Path(Path parent, String key, int index) {
        static final Path ROOT = new Path(null, null, -1);

        Path key(String childKey) {
            return new Path(this, childKey, -1);
        }

        Path index(int childIndex) {
            return new Path(this, null, childIndex);
        }

        @Override
        public String toString() {
            List<Path> chain = new ArrayList<>();
            for (Path p = this; p.parent != null; p = p.parent) {
                chain.add(p);
            }
            Collections.reverse(chain);
            StringBuilder text = new StringBuilder("arguments");
            for (Path p : chain) {
                text.append('[').append(p.key != null ? quote(p.key) : Integer.toString(p.index)).append(']');
            }
            return text.toString();
        }
    }

    /** Keeps what fits in the limit, only counts the rest, and gives up at {@link #ENCODE_ABORT_BYTES}. */
    private static final class CappedSink extends OutputStream {
        private byte[] buffer = new byte[256];
        private int size;

        static final class Exceeded extends IOException {
            Exceeded() {
                super("encoded arguments exceed " + ENCODE_ABORT_BYTES + " bytes");
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if ((long) size + length > ENCODE_ABORT_BYTES) {
                throw new Exceeded();
            }
            int kept = Math.max(0, Math.min(length, MAX_ENCODED_BYTES - size));
            if (kept > 0) {
                if (size + kept > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(MAX_ENCODED_BYTES, Math.max(buffer.length * 2,
                            size + kept)));
                }
                System.arraycopy(bytes, offset, buffer, size, kept);
            }
            size += length;
        }

        int size() {
            return size;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }
}
