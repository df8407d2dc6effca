package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.arguments.JsonTrees;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task host's line to the broker, kept up across a broker restart (SPEC B3): the current channel, the thread
 * that attaches again when it drops, and the latest progress, which the broker that took over is sent again.
 * {@link HostConnection} speaks the protocol over it.
 *
 * <pre>{@code
 * HostLink link = new HostLink(socket, attacher, BrokerClient.DEFAULT_DEADLINE, HostLink.RECONNECT_WINDOW);
 * link.connect();                                           // retried for up to the window
 * link.progress(40);                                        // sent again after a reconnection
 * JsonNode reply = link.call(Messages.MEMORY, fields);      // waits out a reconnection
 * }</pre>
 *
 * <p>The states: connected (an open channel); reconnecting (no channel, one daemon thread attaching again with
 * backoff from 50 ms to 1 s, callers waiting); failed (the window passed, or the broker refused the host: every
 * call throws, with the reconnection's exception as its cause); closed. A call whose channel drops under it waits
 * for the next channel and is sent again.
 */
final class HostLink {
    static final Duration RECONNECT_WINDOW = Duration.ofSeconds(60);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    /** Opens one attached channel: for the first connection and for every reconnection. */
    interface Attacher {
        /**
         * Connects and attaches.
         *
         * @param onDropped to run when the broker's side ends the channel (on one of the channel's threads)
         * @return an attached channel
         * @throws IOException when nothing answers on the socket
         */
        ClientChannel attach(Runnable onDropped) throws IOException;

        /** Runs once a reconnection's channel is in use. */
        void reattached();
    }

    private final Path socket;
    private final Attacher attacher;
    private final Duration deadline;
    private final Duration reconnectWindow;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    // Guarded by lock.
    private ClientChannel channel;
    private int generation;
    private Integer resentProgress;
    private Integer latestProgress;
    private boolean reconnecting;
    private RuntimeException failure;
    private boolean closed;

    HostLink(Path socket, Attacher attacher, Duration deadline, Duration reconnectWindow) {
        this.socket = socket;
        this.attacher = attacher;
        this.deadline = deadline;
        this.reconnectWindow = reconnectWindow;
    }

    /**
     * The first connection, retried like a reconnection: the broker that started this host may have died before
     * the host got here, and the next broker re-adopts the task only if the host attaches within its window.
     *
     * @throws IOException when no broker answers within the reconnect window
     */
    void connect() throws IOException {
        install(openFirst());
    }

    /**
     * The first connection in one attempt: a standby host's (SPEC W1). Nothing waits for a standby, so one whose
     * broker is gone ends at once instead of trying for the reconnect window; once it runs an instance, a lost
     * connection is reconnected like any host's.
     *
     * @throws IOException when no broker answers
     */
    void connectOnce() throws IOException {
        install(attacher.attach(this::droppedSoon));
    }

    private void install(ClientChannel first) {
        lock.lock();
        try {
            channel = first;
        } finally {
            lock.unlock();
        }
        if (!first.isOpen()) {
            dropped(first);
        }
    }

    private ClientChannel openFirst() throws IOException {
        long giveUp = System.nanoTime() + reconnectWindow.toNanos();
        long backoff = FIRST_BACKOFF.toNanos();
        while (true) {
            try {
                return attacher.attach(this::droppedSoon);
            } catch (IOException e) {
                long left = giveUp - System.nanoTime();
                if (left <= 0) {
                    throw e;
                }
                Log.LOG.warn("no broker answers at {} ({}); trying again for up to {} s", socket, e.getMessage(),
                        TimeUnit.NANOSECONDS.toSeconds(left));
                LockSupport.parkNanos(Math.min(backoff, left));
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
            }
        }
    }

    /**
     * Sends a progress report (SPEC X2) and remembers it, so that a reconnection sends it again.
     *
     * @throws IllegalArgumentException for a value the broker refuses, which is then not sent again either
     * @throws BrokerProtocolException when the broker is gone and did not come back within the reconnect window
     */
    void progress(int value) {
        int startGeneration;
        Integer previous;
        lock.lock();
        try {
            previous = latestProgress;
            latestProgress = value;
            startGeneration = generation;
        } finally {
            lock.unlock();
        }
        ObjectNode fields = JsonTrees.object().put(Messages.PROGRESS, value);
        try {
            call(Messages.PROGRESS, fields, startGeneration, value);
        } catch (IllegalArgumentException | IllegalStateException refused) {
            // A value the broker refused is not the task's progress: never send it again after a reconnect.
            lock.lock();
            try {
                if (Integer.valueOf(value).equals(latestProgress)) {
                    latestProgress = previous;
                }
            } finally {
                lock.unlock();
            }
            throw refused;
        }
    }

    /**
     * A request on the current channel, waiting for a reconnection when there is none, and sent again when the
     * channel drops under it.
     *
     * @return the broker's result
     */
    JsonNode call(String type, ObjectNode fields) {
        return call(type, fields, -1, null);
    }

    /**
     * A request sent now on the current channel, from any thread, its answer awaited later ({@link Sent#await}):
     * no waiting for a reconnection and no second send. Null when there is no open channel.
     */
    Sent sendNow(String type, ObjectNode fields) {
        ClientChannel current;
        lock.lock();
        try {
            current = channel;
        } finally {
            lock.unlock();
        }
        if (current == null || !current.isOpen()) {
            return null;
        }
        int id = current.nextId();
        return new Sent(current, id, type, current.send(id, type, fields));
    }

    /** A request {@link #sendNow} sent, on the channel it went out on. */
    record Sent(ClientChannel channel, int id, String type, CompletableFuture<ObjectNode> answer) {
        /**
         * Waits for the answer.
         *
         * @throws BrokerProtocolException when the channel dropped first (then {@code channelLost} is true)
         */
        JsonNode await(Duration deadline) {
            return channel.await(id, type, answer, deadline);
        }

        boolean channelLost() {
            return !channel.isOpen();
        }
    }

    private JsonNode call(String type, ObjectNode fields, int startGeneration, Integer progress) {
        long giveUp = System.nanoTime() + reconnectWindow.toNanos() + deadline.toNanos();
        while (true) {
            ClientChannel current;
            lock.lock();
            try {
                current = awaitChannel(giveUp);
                if (progress != null && generation != startGeneration && progress.equals(resentProgress)) {
                    // The reconnection already sent this value to the new broker.
                    return NullNode.getInstance();
                }
            } finally {
                lock.unlock();
            }
            try {
                return current.call(type, fields, deadline);
            } catch (BrokerProtocolException e) {
                if (current.isOpen()) {
                    throw e;
                }
                // The connection dropped under the call: wait for the next one and send again.
                dropped(current);
            }
        }
    }

    // Holding lock.
    private ClientChannel awaitChannel(long giveUp) {
        while (true) {
            if (closed) {
                throw new IllegalStateException("the connection of this task host to the broker at " + socket
                        + " is closed");
            }
            if (failure != null) {
                // A fresh exception per call, so its stack shows the caller; the reconnection's is the cause.
                throw failure instanceof IllegalArgumentException
                        ? new IllegalArgumentException(failure.getMessage(), failure)
                        : new BrokerProtocolException(failure.getMessage(), failure);
            }
            if (channel != null && channel.isOpen()) {
                return channel;
            }
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                throw new BrokerProtocolException("no connection to the broker at " + socket + " within "
                        + reconnectWindow.plus(deadline));
            }
            try {
                changed.awaitNanos(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BrokerProtocolException("interrupted while waiting for the broker at " + socket);
            }
        }
    }

    /** From a channel's reader or writer thread: whichever channel it was, the current one is checked. */
    private void droppedSoon() {
        lock.lock();
        try {
            if (channel != null && !channel.isOpen()) {
                startReconnecting();
            }
        } finally {
            lock.unlock();
        }
    }

    private void dropped(ClientChannel lost) {
        lock.lock();
        try {
            if (channel == lost) {
                startReconnecting();
            }
        } finally {
            lock.unlock();
        }
    }

    // Holding lock.
    private void startReconnecting() {
        channel = null;
        if (closed || reconnecting || failure != null) {
            return;
        }
        reconnecting = true;
        Log.LOG.warn("lost the broker at {}; reconnecting for up to {}", socket, reconnectWindow);
        Thread thread = new Thread(this::reconnect, "bgtasks-host-reconnect");
        thread.setDaemon(true);
        thread.start();
    }

    private void reconnect() {
        long until = System.nanoTime() + reconnectWindow.toNanos();
        long backoff = FIRST_BACKOFF.toNanos();
        String lastProblem = "no attempt yet";
        while (true) {
            try {
                if (tryReattach()) {
                    return;
                }
            } catch (IOException | BrokerProtocolException | IllegalStateException e) {
                // Nothing listens yet, or a broker that is still starting or stopping.
                lastProblem = e.getMessage();
                Log.LOG.debug("reconnecting to {}: {}", socket, lastProblem);
            } catch (RuntimeException e) {
                Log.LOG.error("the broker at {} refused this task host on reconnect: {}", socket, e.getMessage());
                giveUp(e);
                return;
            }
            long left = until - System.nanoTime();
            if (left <= 0) {
                giveUp(new BrokerProtocolException("lost the broker at " + socket + " and could not reconnect within "
                        + reconnectWindow + " (" + lastProblem + ")"));
                return;
            }
            lock.lock();
            try {
                if (closed) {
                    reconnecting = false;
                    return;
                }
                changed.awaitNanos(Math.min(backoff, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveUp(new BrokerProtocolException("interrupted while reconnecting to the broker at " + socket));
                return;
            } finally {
                lock.unlock();
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
        }
    }

    /** One attempt: attach, send the latest progress again, then publish the channel. */
    private boolean tryReattach() throws IOException {
        ClientChannel fresh = attacher.attach(this::droppedSoon);
        Integer resend;
        lock.lock();
        try {
            resend = latestProgress;
        } finally {
            lock.unlock();
        }
        boolean resent = false;
        if (resend != null) {
            try {
                fresh.call(Messages.PROGRESS, JsonTrees.object().put(Messages.PROGRESS, resend),
                        deadline);
                resent = true;
            } catch (IllegalArgumentException | IllegalStateException e) {
                Log.LOG.warn("the broker at {} did not take the latest progress again: {}", socket, e.getMessage());
            } catch (BrokerProtocolException e) {
                fresh.close();
                throw e;
            }
        }
        lock.lock();
        try {
            if (closed) {
                fresh.close();
                reconnecting = false;
                return true;
            }
            if (!fresh.isOpen()) {
                return false;
            }
            channel = fresh;
            generation++;
            resentProgress = resent ? resend : null;
            reconnecting = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        attacher.reattached();
        return true;
    }

    private void giveUp(RuntimeException why) {
        lock.lock();
        try {
            failure = why;
            reconnecting = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the current channel and stops any reconnection; later calls throw {@link IllegalStateException}. */
    void close() {
        ClientChannel current;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            current = channel;
            channel = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.close();
        }
    }

    /** SLF4J starts with the first line logged, not with this class: a task host's start logs nothing (issue 15). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(HostLink.class);
    }
}
