package dev.bgtasks.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames waiting to be written to one connection, and the thread that writes them. {@link #offer} never
 * blocks: the broker delivers events while holding its lock, so a peer that stops reading must cost it nothing.
 * When the queue is full the owner decides what to do (the server drops the connection).
 */
final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final byte[] END = new byte[0];

    private final WritableByteChannel channel;
    private final BlockingQueue<byte[]> queue;
    private final Thread writer;
    private final Consumer<Throwable> onEnd;
    private volatile boolean accepting = true;

    /**
     * @param onEnd called once on the writer thread when it stops: with the write failure, or null after
     *     {@link #finish}
     */
    Outbox(WritableByteChannel channel, int capacity, String threadName, Consumer<Throwable> onEnd) {
        this.channel = channel;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.onEnd = onEnd;
        this.writer = new Thread(this::drain, threadName);
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    /** Queues a frame without blocking; false when the queue is full or the outbox is finished. */
    boolean offer(byte[] frame) {
        return accepting && queue.offer(frame);
    }

    /**
     * Writes what is queued, then {@code last} if there is room, then stops. False when there was no room for the
     * end marker: the caller must close the connection itself.
     */
    boolean finish(byte[] last) {
        accepting = false;
        if (last != null) {
            queue.offer(last);
        }
        return queue.offer(END);
    }

    /** Stops the writer now, dropping what is queued. */
    void stop() {
        accepting = false;
        queue.clear();
        if (Thread.currentThread() != writer) {
            writer.interrupt();
        }
    }

    private void drain() {
        Throwable failure = null;
        try {
            while (true) {
                byte[] frame = queue.take();
                if (frame == END) {
                    break;
                }
                ByteBuffer buffer = ByteBuffer.wrap(frame);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        } catch (InterruptedException e) {
            // stop(): the connection is closing.
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("writing to a connection failed: {}", e.toString());
            failure = e;
        } finally {
            accepting = false;
            onEnd.accept(failure);
        }
    }
}
