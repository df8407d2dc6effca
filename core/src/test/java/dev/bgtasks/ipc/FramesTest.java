package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.frame;
import static dev.bgtasks.ipc.IpcFixtures.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FramesTest {
    private static ReadableByteChannel bytes(byte[]... parts) {
        int total = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        ByteBuffer all = ByteBuffer.allocate(total);
        for (byte[] part : parts) {
            all.put(part);
        }
        return Channels.newChannel(new ByteArrayInputStream(all.array()));
    }

    /** A channel that hands out one byte per read, as a slow socket may. */
    private static ReadableByteChannel trickle(byte[] data) {
        ReadableByteChannel inner = bytes(data);
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (!dst.hasRemaining()) {
                    return 0;
                }
                ByteBuffer one = ByteBuffer.allocate(1);
                int n = inner.read(one);
                if (n > 0) {
                    dst.put(one.flip());
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aFrameIsABigEndianLengthAndOneUtf8JsonObject() throws Exception { // SPEC B2
        ObjectNode message = IpcFixtures.json("{\"type\":\"hello\",\"text\":\"ünï\"}");
        byte[] encoded = Frames.encode(message);
        byte[] body = Arrays.copyOfRange(encoded, 4, encoded.length);
        assertThat(ByteBuffer.wrap(encoded).getInt()).isEqualTo(body.length);
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"hello\",\"text\":\"ünï\"}");
        ReadableByteChannel channel = bytes(encoded, encoded);
        assertThat(Frames.read(channel)).isEqualTo(message);
        assertThat(Frames.read(channel)).isEqualTo(message);
        assertThat(Frames.read(channel)).isNull(); // a clean end between frames
    }

    @Test
    void framesArriveWholeFromATrickleAndAcrossChunkSizes() throws Exception { // SPEC B2
        String big = "{\"type\":\"x\",\"pad\":\"" + "p".repeat(300_000) + "\"}";
        assertThat(Frames.read(trickle(frame("{\"type\":\"a\"}"))).path("type").asText()).isEqualTo("a");
        assertThat(Frames.read(bytes(frame(big))).path("pad").asText()).hasSize(300_000);
    }

    @Test
    void aMessageLargerThanTheLimitIsNotEncoded() { // SPEC B2
        ObjectNode huge = IpcFixtures.json("{\"type\":\"x\"}").put("pad", "p".repeat(Frames.MAX_FRAME_BYTES));
        assertThatThrownBy(() -> Frames.encode(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1048576");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, Integer.MIN_VALUE, Frames.MAX_FRAME_BYTES + 1, Integer.MAX_VALUE})
    void aLengthOutOfRangeIsRefusedBeforeAnyBodyIsRead(int length) { // SPEC B2
        assertThatThrownBy(() -> Frames.read(bytes(header(length)))).isInstanceOf(FrameException.class)
                .hasMessageContaining("out of range");
    }

    @Test
    void aStreamThatEndsInsideAFrameIsRefused() { // SPEC B2
        assertThatThrownBy(() -> Frames.read(bytes(new byte[] {0, 0}))).isInstanceOf(FrameException.class)
                .hasMessageContaining("header");
        byte[] whole = frame("{\"type\":\"hello\"}");
        for (int cut = 4; cut < whole.length; cut++) {
            byte[] part = Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> Frames.read(bytes(part))).isInstanceOf(FrameException.class)
                    .hasMessageContaining("ended inside a frame");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "[1]", "42", "\"text\"", "null", "{\"a\":1", "{\"a\":1}{}", "{\"a\":1} x",
        "{\"a\":1,\"a\":2}", "{'a':1}", "{\"a\":NaN}"})
    void anythingButOneJsonObjectIsRefused(String body) { // SPEC B2
        assertThatThrownBy(() -> Frames.read(bytes(frame(body)))).isInstanceOf(FrameException.class);
    }

    @Test
    void malformedUtf8AndTooDeepNestingAreRefused() { // SPEC B2
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> Frames.read(bytes(frame(badUtf8)))).isInstanceOf(FrameException.class)
                .hasMessageContaining("UTF-8");
        String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThatThrownBy(() -> Frames.read(bytes(frame(deep)))).isInstanceOf(FrameException.class)
                .hasMessageContaining("nesting");
    }
}
