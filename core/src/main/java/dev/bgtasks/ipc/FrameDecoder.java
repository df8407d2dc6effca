package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * {@link Frames}, read from a non-blocking connection: bytes arrive in whatever pieces the socket gives, and each
 * complete frame is parsed and handed on. It remembers when the frame under way began, so the server can close a
 * peer that starts a frame and stalls (issue 20), and it holds no buffer between frames, so an idle connection
 * costs a few bytes here.
 *
 * <pre>{@code
 * FrameDecoder decoder = new FrameDecoder();
 * int n = channel.read(readBuffer.clear());
 * decoder.feed(readBuffer.flip(), System.nanoTime(), frame -> handle(frame));
 * if (n < 0) { decoder.endOfStream(); }   // throws when the stream ended inside a frame
 * }</pre>
 *
 * <p>Checks as {@link Frames#read} does, with the same messages: a length out of range is refused as soon as its
 * four bytes are in, before any room is made for the body; a body grows from 64 KiB only as its bytes arrive.
 */
final class FrameDecoder {
    private final ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
    private ByteBuffer body;
    private int length;
    /** When the first byte of the frame under way arrived, or 0 between frames. */
    private long frameStartedNanos;

    /**
     * Consumes every byte of {@code bytes}, handing each complete frame to {@code frames} in order.
     *
     * @param now the time these bytes arrived ({@link System#nanoTime()})
     * @throws FrameException at the first frame that is not valid; the bytes after it are not read
     */
    void feed(ByteBuffer bytes, long now, Consumer<ObjectNode> frames) throws FrameException {
        while (bytes.hasRemaining() || body != null && body.position() == length) {
            if (frameStartedNanos == 0) {
                // 0 means "between frames": a clock that reads exactly 0 is taken as 1.
                frameStartedNanos = now == 0 ? 1 : now;
            }
            if (body == null) {
                copy(bytes, header);
                if (header.hasRemaining()) {
                    return;
                }
                length = header.flip().getInt();
                header.clear();
                Frames.checkLength(length);
                body = ByteBuffer.allocate(Math.min(length, Frames.FIRST_CHUNK_BYTES));
            }
            copy(bytes, body);
            if (body.position() == length) {
                byte[] complete = body.array();
                body = null;
                frameStartedNanos = 0;
                frames.accept(Frames.parse(complete));
            } else if (!body.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(length, 2L * body.capacity()));
                bigger.put(body.flip());
                body = bigger;
            }
        }
    }

    /**
     * The peer ended its stream.
     *
     * @throws FrameException when it ended inside a frame
     */
    void endOfStream() throws FrameException {
        if (body != null) {
            throw new FrameException("the stream ended inside a frame: got " + body.position() + " of " + length
                    + " bytes");
        }
        if (header.position() > 0) {
            throw new FrameException("the stream ended inside a frame header (" + header.position()
                    + " of 4 bytes)");
        }
    }

    /** Whether a frame has begun and not yet ended. */
    boolean insideFrame() {
        return frameStartedNanos != 0;
    }

    /** When the frame under way began ({@link System#nanoTime()}); meaningful only {@link #insideFrame()}. */
    long frameStartedNanos() {
        return frameStartedNanos;
    }

    private static void copy(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        if (n == 0) {
            return;
        }
        int limit = from.limit();
        from.limit(from.position() + n);
        to.put(from);
        from.limit(limit);
    }
}
