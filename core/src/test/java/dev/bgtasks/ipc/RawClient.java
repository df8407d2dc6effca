package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that speaks raw bytes, for what a well-behaved client never sends. It reads what the server sends on a
 * thread of its own (unless told not to read at all), so the server never sees it as a slow reader by accident.
 */
final class RawClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BlockingQueue<ObjectNode> frames = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final boolean keep;
    private final int readLimit;

    private RawClient(SocketChannel channel, boolean keep, int readLimit) {
        this.channel = channel;
        this.keep = keep;
        this.readLimit = readLimit;
    }

    /** Reads and keeps every frame the server sends. */
    static RawClient open(Path socket) throws IOException {
        return start(socket, true, true);
    }

    /** Reads and counts what the server sends, keeping nothing. */
    static RawClient discarding(Path socket) throws IOException {
        return start(socket, true, false);
    }

    /** Keeps the first {@code frames} frames, then never reads its socket again: a client that hangs. */
    static RawClient stopsReadingAfter(Path socket, int frames) throws IOException {
        return start(socket, true, true, frames);
    }

    private static RawClient start(Path socket, boolean read, boolean keep) throws IOException {
        return start(socket, read, keep, Integer.MAX_VALUE);
    }

    private static RawClient start(Path socket, boolean read, boolean keep, int readLimit) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        RawClient client = new RawClient(channel, keep, readLimit);
        if (read) {
            Thread reader = new Thread(client::readLoop, "raw-client-reader");
            reader.setDaemon(true);
            reader.start();
        }
        return client;
    }

    private void readLoop() {
        try {
            while (received.get() < readLimit) {
                ObjectNode frame = Frames.read(channel);
                if (frame == null) {
                    break;
                }
                received.incrementAndGet();
                if (keep) {
                    frames.add(frame);
                }
            }
        } catch (IOException e) {
            // The server closed it, or we did.
        } finally {
            if (received.get() < readLimit) {
                ended.countDown();
            }
        }
    }

    /** Reads and throws away raw bytes until the server closes the connection; true if it did within the deadline. */
    boolean drainUntilClosedByServer(Duration deadline) throws InterruptedException {
        CountDownLatch drained = new CountDownLatch(1);
        Thread drainer = new Thread(() -> {
            ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
            try {
                while (channel.read(sink.clear()) >= 0) {
                    // Discard.
                }
                drained.countDown();
            } catch (IOException e) {
                drained.countDown();
            }
        }, "raw-client-drain");
        drainer.setDaemon(true);
        drainer.start();
        return drained.await(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    void sendFrame(String json) throws IOException {
        send(IpcFixtures.frame(json));
    }

    /** Half-closes: the server sees the end of the stream, and may still answer. */
    void endOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** The next frame the server sent, or null after the deadline. */
    ObjectNode next(Duration deadline) throws InterruptedException {
        return frames.poll(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether the server closed the connection (the reader saw its end) within the deadline. */
    boolean awaitClosedByServer(Duration deadline) throws InterruptedException {
        return ended.await(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    int received() {
        return received.get();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
