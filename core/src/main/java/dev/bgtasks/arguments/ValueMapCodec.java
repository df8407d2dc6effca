package dev.bgtasks.arguments;

import java.util.Map;

/**
 * Validates, encodes and decodes typed value maps: trigger arguments, the port of UWP's {@code ValueSet} (SPEC T6),
 * and task results (SPEC P2).
 *
 * <p>Arguments travel from the app to the broker, into the store and on to the task process, so they are turned
 * into bytes once, at the call, and every later reader gets back exactly the Java types the app passed: an
 * {@code Integer} stays an {@code Integer}, a {@code BigDecimal} keeps its scale. Anything that could not make that
 * trip is refused synchronously with an {@link IllegalArgumentException} that names the path of the bad value.
 *
 * <pre>{@code
 * byte[] wire = ValueMapCodec.encode(Map.of("file", "/tmp/in.csv", "retries", 3));
 * Map<String, Object> args = ValueMapCodec.decode(wire);   // deeply immutable, insertion order kept
 * int retries = (Integer) args.get("retries");
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
 * new tags; {@link #decode} accepts exactly what {@link #encode} writes. {@link ValueMapWriter} validates while it
 * writes, {@link ValueMapReader} reads strictly, {@link ValueTag} lists the tags.
 */
public final class ValueMapCodec {
    /** The most bytes one encoded value map may take (SPEC T6); the broker checks what reaches it against it. */
    public static final int MAX_ENCODED_BYTES = 64 * 1024;

    /**
     * The most {@code List}/{@code Map} containers nested inside the arguments map; a value directly in the
     * arguments map that is a list is at depth 1.
     */
    public static final int MAX_NESTING_DEPTH = 32;

    static final int FORMAT_VERSION = 1;
    static final String VERSION_FIELD = "v";
    static final String ARGS_FIELD = "args";

    private ValueMapCodec() {
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
        return ValueMapWriter.encode(arguments);
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
        return ValueMapReader.decode(encoded);
    }

    /**
     * The deep copy that trigger details carry (SPEC T6): validated exactly as {@link #encode} validates, and
     * returned as {@link #decode} returns.
     *
     * @param arguments the arguments; empty is valid
     * @return a deeply immutable copy, as {@link #decode} returns it
     * @throws NullPointerException when {@code arguments} is null
     * @throws IllegalArgumentException as {@link #encode}
     */
    public static Map<String, Object> deepCopy(Map<String, ?> arguments) {
        return decode(encode(arguments));
    }
}
