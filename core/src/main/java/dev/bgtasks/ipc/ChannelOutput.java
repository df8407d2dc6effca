package dev.bgtasks.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * The frames waiting to be written to one non-blocking server connection, in order. {@link #offer} never blocks,
 * from any thread: it writes what the socket takes at once and leaves the rest for the server's I/O thread, which
 * calls {@link #writable} when the socket has room again. The broker pushes events while holding its lock, so a
 * peer that stops reading must cost it nothing; when {@code capacity} frames wait, offers fail and the owner drops
 * the connection.
 *
 * <pre>{@code
 * ChannelOutput output = new ChannelOutput(channel, 1024, owner);
 * output.offer(Frames.encode(frame));   // false: full or finished
 * output.finish(lastFrame);             // owner.drained() once all is written
 * }</pre>
 */
final class ChannelOutput {
    /** What the output tells its connection; called under the output's lock, so each only flags or schedules. */
    interface Owner {
        /** The socket is full: ask the I/O thread for writability ({@code true}), or stop asking. */
        void wantWritable(boolean wanted);

        /** A write failed; nothing more will be written. */
        void failed(IOException failure);

        /** Everything up to {@link #finish} is written. */
        void drained();
    }

    private final WritableByteChannel channel;
    private final int capacity;
    private final Owner owner;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private boolean accepting = true;
    private boolean finishing;
    private boolean waitingForRoom;

    ChannelOutput(WritableByteChannel channel, int capacity, Owner owner) {
        this.channel = channel;
        this.capacity = capacity;
        this.owner = owner;
    }

    /** Queues a frame and writes what the socket takes; false when the queue is full or the output finished. */
    synchronized boolean offer(byte[] frame) {
        if (!accepting || queue.size() >= capacity) {
            return false;
        }
        queue.add(ByteBuffer.wrap(frame));
        if (!waitingForRoom) {
            flush();
        }
        return true;
    }

    /** On the I/O thread: the socket has room again. */
    synchronized void writable() {
        if (waitingForRoom) {
            waitingForRoom = false;
            owner.wantWritable(false);
        }
        flush();
    }

    /**
     * Writes what is queued, then {@code last} (unless null), then tells {@link Owner#drained}. Later offers fail,
     * and so does a second finish. The last frame is queued even when the queue is full: it says why the connection
     * ends.
     */
    synchronized void finish(byte[] last) {
        if (!accepting) {
            return;
        }
        accepting = false;
        finishing = true;
        if (last != null) {
            queue.add(ByteBuffer.wrap(last));
        }
        if (!waitingForRoom) {
            flush();
        }
    }

    /** Drops what is queued; nothing more is written. */
    synchronized void stop() {
        accepting = false;
        finishing = false;
        queue.clear();
    }

    synchronized int queued() {
        return queue.size();
    }

    private void flush() {
        try {
            while (!queue.isEmpty()) {
                ByteBuffer head = queue.peek();
                channel.write(head);
                if (head.hasRemaining()) {
                    waitingForRoom = true;
                    owner.wantWritable(true);
                    return;
                }
                queue.poll();
            }
        } catch (IOException e) {
            accepting = false;
            finishing = false;
            queue.clear();
            owner.failed(e);
            return;
        }
        if (finishing) {
            finishing = false;
            owner.drained();
        }
    }
}
