package dev.bgtasks.arguments;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The wire tag of each allowed value type. Scalars are looked up by exact class so that subclasses are refused
 * rather than silently narrowed; the tags are stored durably, so this list only ever grows.
 *
 * <pre>{@code
 * ValueTag tag = ValueTag.BY_CLASS.get(Integer.class);   // INTEGER, written as ["i32", 3]
 * ValueTag back = ValueTag.BY_WIRE.get("i32");            // INTEGER
 * }</pre>
 */
enum ValueTag {
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

    static final Map<Class<?>, ValueTag> BY_CLASS = new HashMap<>();
    static final Map<String, ValueTag> BY_WIRE = new HashMap<>();

    static {
        for (ValueTag tag : values()) {
            if (tag.scalarClass != null) {
                BY_CLASS.put(tag.scalarClass, tag);
            }
            BY_WIRE.put(tag.wire, tag);
        }
    }

    final String wire;
    final Class<?> scalarClass;

    ValueTag(String wire, Class<?> scalarClass) {
        this.wire = wire;
        this.scalarClass = scalarClass;
    }
}
