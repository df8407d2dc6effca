package dev.bgtasks.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames waiting to be written to a client's connection, and the thread that writes them, in order.
 * {@link #offer} never blocks; when the queue is full the owner decides what to do. (The server writes through
 * {@link ChannelOutput} instead, on non-blocking channels without a thread per connection.)
 *
 * <p>{@link #send} writes on the calling thread when nothing is queued or being written: a request from the
 * client's caller, or a response from the connection's own reader thread, then skips two thread hand-offs of a
 * round trip (issue 8's {@code CURRENTLY_RUNNING} figure). It may block while the peer's socket buffer is full, so
 * only a thread that serves that one peer may call it.
 */
final class Outbox {
    private static final byte[] END = new byte[0];

    private final WritableByteChannel channel;
    private final int capacity;
    private final Thread writer;
    private final Consumer<Throwable> onEnd;
    private final Object lock = new Object();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    /** A frame is being written, by the writer thread or a {@link #send} caller: the channel is taken. */
    private boolean writing;
    private boolean accepting = true;
    private IOException failure;

    /**
     * @param onEnd called once on the writer thread when it stops: with the write failure, or null after
     *     {@link #finish}
     */
    Outbox(WritableByteChannel channel, int capacity, String threadName, Consumer<Throwable> onEnd) {
        this.channel = channel;
        this.capacity = capacity;
        this.onEnd = onEnd;
        this.writer = new Thread(this::drain, threadName);
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    /** Queues a frame without blocking; false when the queue is full or the outbox is finished. */
    boolean offer(byte[] frame) {
        synchronized (lock) {
            return accepting && enqueue(frame);
        }
    }

    /**
     * Writes a frame now on the calling thread when the channel is free and nothing waits before it, else queues
     * it like {@link #offer}. False when the queue is full or the outbox is finished. A failed write ends the
     * outbox as a failed write of its own thread would.
     */
    boolean send(byte[] frame) {
        synchronized (lock) {
            if (!accepting) {
                return false;
            }
            if (writing || !queue.isEmpty()) {
                return enqueue(frame);
            }
            writing = true;
        }
        IOException failed = null;
        try {
            write(frame);
        } catch (IOException e) {
            failed = e;
        }
        synchronized (lock) {
            writing = false;
            if (failed != null && failure == null) {
                failure = failed;
                accepting = false;
            }
            lock.notifyAll();
        }
        return true;
    }

    private boolean enqueue(byte[] frame) {
        if (queue.size() >= capacity) {
            return false;
        }
        queue.add(frame);
        lock.notifyAll();
        return true;
    }

    /**
     * Writes what is queued, then {@code last} if there is room, then stops. False when there was no room for the
     * end marker: the caller must close the connection itself.
     */
    boolean finish(byte[] last) {
        synchronized (lock) {
            accepting = false;
            if (last != null) {
                enqueue(last);
            }
            return enqueue(END);
        }
    }

    /** Stops the writer now, dropping what is queued. */
    void stop() {
        synchronized (lock) {
            accepting = false;
            queue.clear();
        }
        if (Thread.currentThread() != writer) {
            writer.interrupt();
        }
    }

    private void write(byte[] frame) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private void drain() {
        Throwable ended = null;
        try {
            while (true) {
                byte[] frame;
                synchronized (lock) {
                    while (failure == null && (writing || queue.isEmpty())) {
                        lock.wait();
                    }
                    if (failure != null) {
                        Log.LOG.debug("writing to a connection failed: {}", failure.toString());
                        ended = failure;
                        break;
                    }
                    frame = queue.poll();
                    if (frame == END) {
                        break;
                    }
                    writing = true;
                }
                try {
                    write(frame);
                } finally {
                    synchronized (lock) {
                        writing = false;
                        lock.notifyAll();
                    }
                }
            }
        } catch (InterruptedException e) {
            // stop(): the connection is closing.
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            Log.LOG.debug("writing to a connection failed: {}", e.toString());
            ended = e;
        } finally {
            synchronized (lock) {
                accepting = false;
            }
            onEnd.accept(ended);
        }
    }

    /** SLF4J starts with the first line logged, not with this class: a task host's start logs nothing (issue 15). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    }
}
