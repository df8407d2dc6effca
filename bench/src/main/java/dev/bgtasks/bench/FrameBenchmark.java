package dev.bgtasks.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TriggerRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and decoding of one protocol frame, a {@code requestTrigger} request as {@code BrokerClient} builds
 * it, through core's own {@code dev.bgtasks.ipc.Frames} (package-private, so reached once by reflection and
 * called through constant method handles, which the JIT inlines like a direct call).
 *
 * <pre>{@code
 * java -cp <bench classpath> org.openjdk.jmh.Main FrameBenchmark -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FrameBenchmark {
    private static final MethodHandle ENCODE;
    private static final MethodHandle PARSE;
    private static final ObjectMapper MAPPER;

    static {
        try {
            Class<?> frames = Class.forName("dev.bgtasks.ipc.Frames");
            Method encode = frames.getDeclaredMethod("encode", ObjectNode.class);
            Method parse = frames.getDeclaredMethod("parse", byte[].class);
            encode.setAccessible(true);
            parse.setAccessible(true);
            ENCODE = MethodHandles.lookup().unreflect(encode);
            PARSE = MethodHandles.lookup().unreflect(parse);
            Field mapper = Class.forName("dev.bgtasks.ipc.WireJson").getDeclaredField("MAPPER");
            mapper.setAccessible(true);
            MAPPER = (ObjectMapper) mapper.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ObjectNode request;
    private byte[] body;

    /**
     * Builds the frame of a trigger with two arguments, and its body bytes.
     *
     * @throws Throwable what encoding throws
     */
    @Setup
    public void build() throws Throwable {
        request = MAPPER.createObjectNode();
        request.put("type", "requestTrigger");
        request.put("id", 4242);
        request.set("request", MAPPER.valueToTree(new TriggerRequest("com.example.notes", "",
                ValueMapCodec.encode(Map.of("file", "notes.db", "attempt", 3)), null)));
        byte[] frame = encode();
        body = Arrays.copyOfRange(frame, Integer.BYTES, frame.length);
    }

    /**
     * Message tree → length-prefixed bytes.
     *
     * @return the frame
     * @throws Throwable what {@code Frames.encode} throws
     */
    @Benchmark
    public byte[] encode() throws Throwable {
        return (byte[]) ENCODE.invokeExact(request);
    }

    /**
     * Body bytes → message tree (strict UTF-8 check, JSON parse).
     *
     * @return the message
     * @throws Throwable what {@code Frames.parse} throws
     */
    @Benchmark
    public ObjectNode decode() throws Throwable {
        return (ObjectNode) PARSE.invokeExact(body);
    }
}
