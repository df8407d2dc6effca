package dev.bgtasks.bench.chaos;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes hostile frames for the broker's socket, deterministically from a seed. The wire format is a 4-byte
 * big-endian length and that many bytes of one UTF-8 JSON object ({@code dev.bgtasks.ipc.Frames}). A burst is
 * what one connection carries: usually a hello first, then hostile but well-framed requests, and at most one
 * frame that breaks the framing itself, last (the broker closes the connection after it).
 */
final class FrameFuzzer {
    /** The broker's limit on a frame body ({@code Frames.MAX_FRAME_BYTES}). */
    static final int MAX_FRAME_BYTES = 1 << 20;
    static final int MAX_BURST = 12;
    // Jackson refuses to write past 1,000 levels by default; the fuzzer writes deeper on purpose.
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
            .build());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> OPS = List.of("requestAccess", "accessStatus", "removeAccess",
            "setUserAccess", "clearUserAccess", "register", "registrations", "unregister", "requestTrigger",
            "instances", "cancel", "undeliveredCompletions", "claimCompletion", "subscribe", "unsubscribe",
            "signals", "describePlatform", "progress", "result", "memory", "setMemoryLimit", "hello");
    private static final List<String> FIELDS = List.of("appId", "setting", "definition", "taskId", "cancelTask",
            "request", "instanceId", "overrides", "subscription", "progress", "bytes", "errorClass",
            "errorMessage", "version", "role", "runToken", "triggerName", "arguments", "argv", "classpath");

    /** How a frame is hostile. */
    enum Kind {
        /** Bytes with no framing at all; the first four read as a length. */
        RANDOM_BYTES,
        /** A length prefix promising more than follows before the stream ends. */
        TRUNCATED,
        /** A length prefix over the limit, or negative. */
        OVERSIZED,
        /** A well-framed body that is not UTF-8. */
        INVALID_UTF8,
        /** A well-framed body that is not JSON, or JSON that is not an object. */
        MALFORMED_JSON,
        /** A well-framed JSON object with hostile values: wrong types, huge strings, deep nesting, unknown ops. */
        HOSTILE_JSON;

        /** Whether the broker must close the connection after it (nothing after it is read). */
        boolean breaksFraming() {
            return this != HOSTILE_JSON;
        }
    }

    /**
     * One frame as bytes on the wire.
     *
     * @param kind how it is hostile
     * @param bytes everything written for it, length prefix included
     */
    record Frame(Kind kind, byte[] bytes) {
    }

    private final SplittableRandom random;

    FrameFuzzer(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The frames of one connection: 1 to {@link #MAX_BURST}, any framing breaker last. */
    List<Frame> burst() {
        List<Frame> frames = new ArrayList<>();
        int roll = random.nextInt(100);
        if (roll < 80) {
            frames.add(new Frame(Kind.HOSTILE_JSON, frame(validHello())));
        } else if (roll < 90) {
            frames.add(new Frame(Kind.HOSTILE_JSON, frame(hostileHello())));
        }
        int requests = random.nextInt(0, MAX_BURST - 1);
        for (int i = 0; i < requests; i++) {
            frames.add(hostileJson());
        }
        if (random.nextInt(100) < 35 || frames.isEmpty()) {
            frames.add(framingBreaker());
        }
        return frames;
    }

    Frame framingBreaker() {
        return switch (random.nextInt(5)) {
            case 0 -> randomBytes();
            case 1 -> truncated();
            case 2 -> oversized();
            case 3 -> invalidUtf8();
            default -> malformedJson();
        };
    }

    Frame randomBytes() {
        byte[] bytes = new byte[random.nextInt(1, 300)];
        random.nextBytes(bytes);
        return new Frame(Kind.RANDOM_BYTES, bytes);
    }

    Frame truncated() {
        byte[] body = bytes(request(pickOp()));
        int cut = random.nextInt(0, body.length);
        byte[] whole = frame(body);
        byte[] bytes = new byte[Math.min(whole.length - 1, 4 + cut)];
        System.arraycopy(whole, 0, bytes, 0, bytes.length);
        return new Frame(Kind.TRUNCATED, bytes);
    }

    Frame oversized() {
        int length = switch (random.nextInt(3)) {
            case 0 -> MAX_FRAME_BYTES + 1 + random.nextInt(1 << 20);
            case 1 -> -1 - random.nextInt(Integer.MAX_VALUE);
            default -> Integer.MAX_VALUE;
        };
        byte[] tail = new byte[random.nextInt(0, 64)];
        random.nextBytes(tail);
        return new Frame(Kind.OVERSIZED, ByteBuffer.allocate(4 + tail.length).putInt(length).put(tail).array());
    }

    Frame invalidUtf8() {
        byte[] body = bytes(request(pickOp()));
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
            // 0xC0, 0xF8 and lone continuation bytes never occur in UTF-8.
            body[random.nextInt(body.length)] = (byte) List.of(0xC0, 0xF8, 0x80, 0xFF).get(random.nextInt(4))
                    .intValue();
        }
        return new Frame(Kind.INVALID_UTF8, frame(body));
    }

    Frame malformedJson() {
        List<String> texts = List.of("", "{", "}", "[1,2,3]", "42", "\"text\"", "null", "{\"type\":}",
                "{\"type\":\"hello\",}", "{\"a\":1} {\"b\":2}", "{'type':'hello'}", "{\"type\":\"x\"",
                "[".repeat(5000), "{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}");
        String text = texts.get(random.nextInt(texts.size()));
        return new Frame(Kind.MALFORMED_JSON, frame(text.getBytes(StandardCharsets.UTF_8)));
    }

    Frame hostileJson() {
        return new Frame(Kind.HOSTILE_JSON, frame(bytes(request(pickOp()))));
    }

    private String pickOp() {
        int roll = random.nextInt(100);
        if (roll < 80) {
            return OPS.get(random.nextInt(OPS.size()));
        }
        return roll < 90 ? "op" + random.nextInt(1000) : text(random.nextInt(1, 40));
    }

    ObjectNode validHello() {
        return NODES.objectNode().put("type", "hello").put("version", 1).put("role", "app");
    }

    private ObjectNode hostileHello() {
        ObjectNode hello = NODES.objectNode().put("type", "hello");
        hello.set("version", random.nextBoolean() ? NODES.numberNode(random.nextInt(-5, 5)) : value(2));
        hello.set("role", random.nextBoolean() ? NODES.textNode(random.nextBoolean() ? "host" : "app") : value(2));
        if (random.nextBoolean()) {
            hello.set("runToken", random.nextBoolean() ? NODES.textNode(text(43)) : value(2));
        }
        return hello;
    }

    ObjectNode request(String op) {
        ObjectNode request = NODES.objectNode();
        request.set("type", random.nextInt(10) < 9 ? NODES.textNode(op) : value(2));
        request.set("id", id());
        for (int i = random.nextInt(0, 5); i > 0; i--) {
            String field = FIELDS.get(random.nextInt(FIELDS.size()));
            request.set(field, value(3));
        }
        return request;
    }

    private JsonNode id() {
        return switch (random.nextInt(8)) {
            case 0 -> NODES.numberNode(-random.nextInt(Integer.MAX_VALUE));
            case 1 -> NODES.numberNode(Long.MAX_VALUE);
            case 2 -> NODES.textNode("7");
            case 3 -> NODES.numberNode(1.5);
            case 4 -> NODES.nullNode();
            default -> NODES.numberNode(random.nextInt(1, 1_000_000));
        };
    }

    /** A hostile value: wrong types, extremes, huge strings now and then, deep nesting now and then. */
    JsonNode value(int depth) {
        int roll = random.nextInt(100);
        if (roll < 10) {
            return NODES.nullNode();
        } else if (roll < 20) {
            return NODES.booleanNode(random.nextBoolean());
        } else if (roll < 35) {
            long[] extremes = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, Integer.MIN_VALUE, Integer.MAX_VALUE,
                random.nextLong()};
            return NODES.numberNode(extremes[random.nextInt(extremes.length)]);
        } else if (roll < 40) {
            return NODES.numberNode(random.nextBoolean() ? 1e308 : -4.9e-324);
        } else if (roll < 66) {
            return NODES.textNode(text(random.nextInt(0, 64)));
        } else if (roll < 67) {
            // Mostly large, now and then huge (inside the frame limit, so the broker must parse it all).
            int length = random.nextInt(10) == 0 ? random.nextInt(64 * 1024, MAX_FRAME_BYTES / 2)
                    : random.nextInt(1024, 16 * 1024);
            return NODES.textNode("x".repeat(length));
        } else if (roll < 68) {
            return deep(random.nextInt(50, 4000));
        } else if (roll < 84 && depth > 0) {
            ArrayNode array = NODES.arrayNode();
            for (int i = random.nextInt(0, 6); i > 0; i--) {
                array.add(value(depth - 1));
            }
            return array;
        } else if (depth > 0) {
            ObjectNode object = NODES.objectNode();
            for (int i = random.nextInt(0, 6); i > 0; i--) {
                object.set(random.nextBoolean() ? FIELDS.get(random.nextInt(FIELDS.size())) : text(8),
                        value(depth - 1));
            }
            return object;
        }
        return NODES.textNode(text(8));
    }

    private JsonNode deep(int depth) {
        JsonNode node = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = random.nextBoolean() ? NODES.arrayNode().add(node) : NODES.objectNode().set("a", node);
        }
        return node;
    }

    /** Random text with control characters, surrogate pairs and the odd JSON-significant character. */
    private String text(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int roll = random.nextInt(10);
            if (roll < 6) {
                text.append((char) random.nextInt('a', 'z' + 1));
            } else if (roll < 7) {
                text.append((char) random.nextInt(0, 32));
            } else if (roll < 8) {
                text.append("\"\\/{}[]:,".charAt(random.nextInt(9)));
            } else if (roll < 9) {
                text.appendCodePoint(random.nextInt(0x1F600, 0x1F650));
            } else {
                text.append((char) random.nextInt(0x00A0, 0xD7FF));
            }
        }
        return text.toString();
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a fuzzed frame", e);
        }
    }

    /** The frame for a body: its length, big-endian, then the body; a body over the limit is cut to fit. */
    static byte[] frame(ObjectNode node) {
        return frame(bytes(node));
    }

    static byte[] frame(byte[] body) {
        int length = Math.min(body.length, MAX_FRAME_BYTES);
        return ByteBuffer.allocate(4 + length).putInt(length).put(body, 0, length).array();
    }
}
