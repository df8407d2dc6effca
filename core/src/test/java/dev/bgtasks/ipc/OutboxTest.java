package dev.bgtasks.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The outbox's two ways out: queued frames written by its thread, and {@link Outbox#send} written by the caller
 * when the channel is free. Frames leave in the order they were given, whichever way each took.
 */
class OutboxTest {
    private static final long WAIT_SECONDS = 10;

    /** Records what is written, by which thread; a write can be held until the test lets it go. */
    private static final class Channel implements WritableByteChannel {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<String> writers = new ArrayList<>();
        volatile CountDownLatch hold = new CountDownLatch(0);
        final CountDownLatch holding = new CountDownLatch(1);
        volatile IOException failure;

        @Override
        public synchronized int write(ByteBuffer src) throws IOException {
            if (failure != null) {
                throw failure;
            }
            holding.countDown();
            try {
                hold.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = src.remaining();
            byte[] bytes = new byte[n];
            src.get(bytes);
            written.write(bytes, 0, n);
            writers.add(Thread.currentThread().getName());
            return n;
        }

        synchronized String text() {
            return written.toString(StandardCharsets.US_ASCII);
        }

        synchronized List<String> writerNames() {
            return List.copyOf(writers);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] frame(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aSendOnAnIdleChannelIsWrittenByTheCaller() throws Exception {
        Channel channel = new Channel();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Outbox outbox = new Outbox(channel, 8, "outbox-test-writer", ended::complete);
        outbox.start();
        assertThat(outbox.send(frame("a"))).isTrue();
        assertThat(channel.text()).isEqualTo("a");
        assertThat(channel.writerNames()).containsExactly(Thread.currentThread().getName());
        assertThat(outbox.finish(null)).isTrue();
        assertThat(ended.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void framesLeaveInOrderWhenASendFindsTheChannelTaken() throws Exception {
        Channel channel = new Channel();
        channel.hold = new CountDownLatch(1);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Outbox outbox = new Outbox(channel, 8, "outbox-test-writer", ended::complete);
        outbox.start();
        assertThat(outbox.offer(frame("1"))).isTrue();
        assertThat(channel.holding.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue(); // the writer holds the channel
        assertThat(outbox.offer(frame("2"))).isTrue();
        assertThat(outbox.send(frame("3"))).isTrue(); // queued behind 2, not written past it
        assertThat(outbox.offer(frame("4"))).isTrue();
        channel.hold.countDown();
        assertThat(outbox.finish(frame("5"))).isTrue();
        assertThat(ended.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
        assertThat(channel.text()).isEqualTo("12345");
        assertThat(channel.writerNames()).containsOnly("outbox-test-writer");
    }

    @Test
    void aFullQueueRefusesBothWaysAndAFinishedOutboxAcceptsNothing() throws Exception {
        Channel channel = new Channel();
        channel.hold = new CountDownLatch(1);
        Outbox outbox = new Outbox(channel, 2, "outbox-test-writer", e -> { });
        outbox.start();
        assertThat(outbox.offer(frame("1"))).isTrue();
        assertThat(channel.holding.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(outbox.offer(frame("2"))).isTrue();
        assertThat(outbox.send(frame("3"))).isTrue();
        assertThat(outbox.offer(frame("4"))).isFalse();
        assertThat(outbox.send(frame("4"))).isFalse();
        channel.hold.countDown();
        outbox.finish(null);
        assertThat(outbox.send(frame("5"))).isFalse();
        assertThat(outbox.offer(frame("5"))).isFalse();
        outbox.stop();
    }

    @Test
    void aFailedDirectWriteEndsTheOutboxWithThatFailure() throws Exception {
        Channel channel = new Channel();
        channel.failure = new IOException("broken pipe");
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Outbox outbox = new Outbox(channel, 8, "outbox-test-writer", ended::complete);
        outbox.start();
        assertThat(outbox.send(frame("a"))).isTrue();
        assertThat(ended.get(WAIT_SECONDS, TimeUnit.SECONDS)).isSameAs(channel.failure);
        assertThat(outbox.offer(frame("b"))).isFalse();
        assertThat(outbox.send(frame("b"))).isFalse();
    }
}
