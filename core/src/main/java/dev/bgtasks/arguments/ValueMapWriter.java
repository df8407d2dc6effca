package dev.bgtasks.arguments;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Validates a value map while it writes it, in one walk: every value is checked against the allowed types, the
 * nesting depth, cycles and the size bound exactly where it is written, so "encoded" always means "decodable".
 * {@link ValueMapCodec#encode} is the way in.
 *
 * <pre>{@code
 * byte[] wire = ValueMapWriter.encode(Map.of("retries", 3));   // {"v":1,"args":{"retries":["i32",3]}}
 * }</pre>
 */
final class ValueMapWriter {
    // Encoding stops outright past this many bytes, so that a structure sharing one list many times over (a DAG
    // that expands exponentially) costs bounded work, while ordinary oversized inputs still get their exact size.
    private static final int ENCODE_ABORT_BYTES = 16 * ValueMapCodec.MAX_ENCODED_BYTES;

    private static final String ALLOWED =
            "allowed: String, Boolean, Character, Byte, Short, Integer, Long, Float, Double, BigInteger, BigDecimal,"
                    + " UUID, Instant, Duration, byte[], List and Map<String, ?> of these (SPEC T6)";

    private ValueMapWriter() {
    }

    static byte[] encode(Map<String, ?> arguments) {
        Objects.requireNonNull(arguments, "arguments");
        CappedSink sink = new CappedSink();
        Set<Object> ancestors = Collections.newSetFromMap(new IdentityHashMap<>());
        try (JsonGenerator out = JsonTrees.factory().createGenerator(sink, JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeNumberField(ValueMapCodec.VERSION_FIELD, ValueMapCodec.FORMAT_VERSION);
            out.writeFieldName(ValueMapCodec.ARGS_FIELD);
            writeEntries(out, arguments, ValuePath.ROOT, ancestors, 0);
            out.writeEndObject();
        } catch (CappedSink.Exceeded e) {
            throw new IllegalArgumentException("arguments encode to more than " + ENCODE_ABORT_BYTES
                    + " bytes, over the limit of " + ValueMapCodec.MAX_ENCODED_BYTES + " bytes (SPEC T6)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JSON encoding failed", e);
        }
        if (sink.size() > ValueMapCodec.MAX_ENCODED_BYTES) {
            throw new IllegalArgumentException("arguments encode to " + sink.size() + " bytes, over the limit of "
                    + ValueMapCodec.MAX_ENCODED_BYTES + " bytes (SPEC T6)");
        }
        return sink.toByteArray();
    }

    private static void writeEntries(JsonGenerator out, Map<?, ?> map, ValuePath path, Set<Object> ancestors, int depth)
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
                throw rejected(path, "the key " + Quoting.quote(key)
                        + " occurs twice (distinct but equal String keys)");
            }
            out.writeFieldName(key);
            writeValue(out, entry.getValue(), path.key(key), ancestors, depth);
        }
        out.writeEndObject();
        ancestors.remove(map);
    }

    private static void writeValue(JsonGenerator out, Object value, ValuePath path, Set<Object> ancestors, int depth)
            throws IOException {
        if (value == null) {
            throw rejected(path, "null is not allowed; " + ALLOWED);
        }
        if (value instanceof List<?> list) {
            enter(list, "List", path, ancestors, depth + 1);
            out.writeStartArray();
            out.writeString(ValueTag.LIST.wire);
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
            out.writeString(ValueTag.MAP.wire);
            writeEntries(out, map, path, ancestors, depth + 1);
            out.writeEndArray();
            return;
        }
        ValueTag tag = ValueTag.BY_CLASS.get(value.getClass());
        if (tag == null) {
            throw rejected(path, "type " + value.getClass().getTypeName() + " is not allowed; " + ALLOWED);
        }
        out.writeStartArray();
        out.writeString(tag.wire);
        writeScalar(out, tag, value);
        out.writeEndArray();
    }

    private static void enter(Object container, String kind, ValuePath path, Set<Object> ancestors, int depth) {
        // Checked before the depth so that a cycle is reported as one, and without hashCode(), which a
        // self-containing List answers with a StackOverflowError.
        if (!ancestors.add(container)) {
            throw rejected(path, "this " + kind + " contains itself; self-referencing structures cannot be encoded");
        }
        if (depth > ValueMapCodec.MAX_NESTING_DEPTH) {
            throw rejected(path, "Lists and Maps are nested deeper than " + ValueMapCodec.MAX_NESTING_DEPTH
                    + " levels");
        }
    }

    private static void writeScalar(JsonGenerator out, ValueTag tag, Object value) throws IOException {
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

    private static IllegalArgumentException rejected(ValuePath path, String why) {
        return new IllegalArgumentException(path + ": " + why);
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
            int kept = Math.max(0, Math.min(length, ValueMapCodec.MAX_ENCODED_BYTES - size));
            if (kept > 0) {
                if (size + kept > buffer.length) {
                    buffer = Arrays.copyOf(buffer, Math.min(ValueMapCodec.MAX_ENCODED_BYTES, Math.max(buffer.length * 2,
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
