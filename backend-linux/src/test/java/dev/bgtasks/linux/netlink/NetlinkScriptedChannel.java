package dev.bgtasks.linux.netlink;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A {@link NetlinkChannel} played by the test: datagrams and failures queued with {@link #push}, answers to each
 * sent request from a responder. {@link #awaitIdle} returns once the source has handled everything queued, so
 * tests check "no callback" without sleeping.
 */
public final class NetlinkScriptedChannel implements NetlinkChannel {
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Function<byte[], List<Object>> responder;
    private final List<byte[]> sent = new ArrayList<>();
    private final Object lock = new Object();
    private long pushed;
    private long taken;
    // The value of taken when the reader last came for more and found nothing queued; -1 before that.
    private long idleAfterTaking = -1;
    private volatile boolean closed;
    private volatile boolean wokenUp;
    /** Queued by {@link #wakeUp()} to end a waiting receive, like the real socket's eventfd. */
    private static final Object WAKE = new Object();

    public NetlinkScriptedChannel(Function<byte[], List<Object>> responder) {
        this.responder = responder;
    }

    public static NetlinkScriptedChannel silent() {
        return new NetlinkScriptedChannel(request -> List.of());
    }

    /** Queues datagrams ({@code byte[]}) or failures ({@code IOException}) for the source to receive. */
    public void push(Object... items) {
        for (Object item : items) {
            if (!(item instanceof byte[] || item instanceof IOException)) {
                throw new IllegalArgumentException("push byte[] or IOException, not " + item);
            }
            synchronized (lock) {
                pushed++;
                inbox.add(item);
            }
        }
    }

    @Override
    public void send(byte[] message) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        synchronized (lock) {
            sent.add(message.clone());
        }
        for (Object answer : responder.apply(message)) {
            push(answer);
        }
    }

    @Override
    public Optional<byte[]> receive(int timeoutMillis) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        synchronized (lock) {
            if (inbox.isEmpty() || inbox.peek() == WAKE) {
                idleAfterTaking = taken;
                lock.notifyAll();
            }
        }
        if (wokenUp && inbox.isEmpty()) {
            return Optional.empty();
        }
        Object item;
        try {
            item = timeoutMillis < 0 ? inbox.take() : inbox.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        if (item == WAKE || item == null) {
            return Optional.empty();
        }
        synchronized (lock) {
            taken++;
        }
        if (item instanceof IOException failure) {
            throw failure;
        }
        return Optional.ofNullable((byte[]) item);
    }

    /** Waits until the reader has taken everything queued and come back for more with nothing left. */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (taken < pushed || idleAfterTaking != taken) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("the reader did not take " + (pushed - taken)
                            + " queued items and come back for more within " + timeout);
                }
                lock.wait(left);
            }
        }
    }

    /** The requests sent so far. */
    public List<byte[]> sent() {
        synchronized (lock) {
            return List.copyOf(sent);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void wakeUp() {
        wokenUp = true;
        inbox.add(WAKE);
    }

    @Override
    public void close() {
        closed = true;
    }
}
