package dev.bgtasks.ipc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.arguments.JsonTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The framing of the broker protocol: a 4-byte big-endian length, then that many bytes holding one UTF-8 JSON
 * object. Every frame carries a {@code "type"}; requests carry an integer {@code "id"} that their response repeats.
 * The first frame a client sends is {@code hello}, naming {@link #PROTOCOL_VERSION}.
 *
 * <pre>{@code
 * // {"type":"hello","version":1,"role":"app"} travels as
 * // 00 00 00 29  7b 22 74 79 70 65 22 ...     (41 bytes of UTF-8 JSON follow the length)
 * if (declaredLength < 0 || declaredLength > Frames.MAX_FRAME_BYTES) { refuse(); }
 * }</pre>
 *
 * <p>Reading trusts nothing: a length over {@link #MAX_FRAME_BYTES} or negative, a stream that ends inside a
 * frame, bytes that are not UTF-8, JSON that is malformed, nested too deep or not an object all fail with a
 * {@link FrameException} before anything acts on the frame (SPEC B2).
 */
public final class Frames {
    /** The largest frame body either side accepts: 1 MiB. */
    public static final int MAX_FRAME_BYTES = 1 << 20;
    /** The protocol version both sides name in {@code hello}; a mismatch is refused, never guessed around. */
    public static final int PROTOCOL_VERSION = 1;
    static final int HEADER_BYTES = 4;
    // A peer that announces a large frame and then stalls must not make us hold the full size up front.
    static final int FIRST_CHUNK_BYTES = 64 * 1024;

    private Frames() {
    }

    /**
     * The frame for one message, length prefix included.
     *
     * @throws IllegalArgumentException when the encoded message is larger than {@link #MAX_FRAME_BYTES}
     */
    static byte[] encode(ObjectNode message) {
        byte[] body;
        try {
            body = JsonTrees.write(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a " + message.path(Messages.TYPE).asText() + " frame", e);
        }
        if (body.length > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("a " + message.path(Messages.TYPE).asText() + " frame of "
                    + body.length + " bytes is larger than the protocol's limit of " + MAX_FRAME_BYTES + " bytes");
        }
        byte[] frame = new byte[HEADER_BYTES + body.length];
        ByteBuffer.wrap(frame).putInt(body.length).put(body);
        return frame;
    }

    /**
     * Reads the next frame.
     *
     * @return the message, or null when the stream ended cleanly between frames
     * @throws FrameException when the bytes are not a valid frame
     * @throws IOException when reading fails
     */
    static ObjectNode read(ReadableByteChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        int got = fill(channel, header);
        if (got == 0) {
            return null;
        }
        if (got < HEADER_BYTES) {
            throw new FrameException("the stream ended inside a frame header (" + got + " of 4 bytes)");
        }
        int length = header.flip().getInt();
        checkLength(length);
        return parse(readBody(channel, length));
    }

    /** Refuses a declared body length before any of the body is read or any room is made for it. */
    static void checkLength(int length) throws FrameException {
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new FrameException("frame length " + Integer.toUnsignedString(length)
                    + " is out of range: at most " + MAX_FRAME_BYTES + " bytes");
        }
    }

    private static byte[] readBody(ReadableByteChannel channel, int length) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(Math.min(length, FIRST_CHUNK_BYTES));
        int total = 0;
        while (true) {
            total += fill(channel, body);
            if (total == length) {
                return body.array();
            }
            if (body.hasRemaining()) {
                throw new FrameException("the stream ended inside a frame: got " + total + " of " + length
                        + " bytes");
            }
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(length, 2L * body.capacity()));
            bigger.put(body.flip());
            body = bigger;
        }
    }

    /** Reads until the buffer is full or the stream ends; returns the bytes read. */
    private static int fill(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** One frame body: strict UTF-8, one JSON object, nothing after it. */
    static ObjectNode parse(byte[] body) throws FrameException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new FrameException("a frame must be UTF-8: " + e.getMessage());
        }
        JsonNode node;
        try {
            node = JsonTrees.read(text);
        } catch (JsonProcessingException e) {
            throw new FrameException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FrameException("malformed JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new FrameException("a frame must hold a JSON object, got "
                    + (node == null || node.isMissingNode() ? "nothing" : node.getNodeType().toString()));
        }
        return (ObjectNode) node;
    }
}
