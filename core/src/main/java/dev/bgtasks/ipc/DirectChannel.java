package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A one-shot client's end of a connection, for a {@code bgtask} call that asks the broker one or two things and
 * exits (issue 18): it says hello, then writes each request and reads its answer on the calling thread. No reader
 * or writer thread and no future per call, as {@link ClientChannel} has for an app's long-lived client; the same
 * frames, the same hello (a busy broker is asked again alike) and the same failures, with the same messages.
 *
 * <pre>{@code
 * try (DirectChannel broker = DirectChannel.open(socket, JsonTrees.object().put("role", "app"), deadline)) {
 *     JsonNode runs = broker.call("instances", JsonTrees.object().put("appId", "com.example.notes"), deadline);
 * }
 * }</pre>
 *
 * <p>A blocking read has no timeout of its own, so a sleeping watchdog thread keeps the deadline: when an answer is
 * late it closes the socket, which wakes the read, and the call fails as {@link ClientChannel}'s does ("did not
 * answer ... within"). Unlike there, a late answer ends the connection, frames the broker pushes are skipped (a
 * one-shot client subscribes to nothing), and calls are answered one at a time.
 */
final class DirectChannel implements BrokerCalls {
    /** The id that waits for the answer to hello rather than to a request. */
    private static final int HELLO = -1;

    private final Path socket;
    private final SocketChannel channel;
    private final Watchdog watchdog;
    private int ids;
    /** Why the connection ended; null while it is open. */
    private String endReason;
    private boolean closedByUs;

    private DirectChannel(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.watchdog = new Watchdog(channel, "bgtasks-client-deadline " + socket);
    }

    /**
     * Connects and says hello with {@code helloFields}, as {@link ClientChannel#open} does (a busy broker is asked
     * again until {@code deadline}), with the same failures.
     *
     * @return the open channel
     * @throws BrokerBusyException when the broker was still busy at the deadline
     * @throws IOException when nothing answers on the socket, or the connection ends before the broker answers
     * @throws BrokerProtocolException when the broker does not answer within the deadline or speaks another
     *     protocol version
     * @throws RuntimeException the broker's refusal, as its type
     */
    static DirectChannel open(Path socket, ObjectNode helloFields, Duration deadline) throws IOException {
        return ClientChannel.openRetryingBusy(socket, deadline, left -> openOnce(socket, helloFields, left));
    }

    private static DirectChannel openOnce(Path socket, ObjectNode helloFields, Duration deadline)
            throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        DirectChannel client = new DirectChannel(socket, channel);
        try {
            client.hello(helloFields, deadline);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private synchronized void hello(ObjectNode helloFields, Duration deadline) throws IOException {
        ObjectNode reply;
        try {
            reply = exchange(Frames.encode(ClientChannel.helloFrame(helloFields)), HELLO, deadline);
        } catch (Late e) {
            throw new BrokerProtocolException("the broker at " + socket + " did not answer hello within " + deadline);
        }
        if (reply == null) {
            throw new IOException("the broker at " + socket + " closed the connection before answering hello ("
                    + endReason + ")", lost());
        }
        ClientChannel.checkHello(socket, reply);
    }

    @Override
    public synchronized JsonNode call(String type, ObjectNode fields, Duration deadline) {
        int id = ++ids;
        byte[] request = Frames.encode(ClientChannel.requestFrame(id, type, fields));
        ObjectNode reply;
        try {
            reply = exchange(request, id, deadline);
        } catch (Late e) {
            throw new BrokerProtocolException("the broker at " + socket + " did not answer " + type + " within "
                    + deadline);
        }
        if (reply == null) {
            throw lost();
        }
        return ClientChannel.resultOf(socket, reply);
    }

    /**
     * Writes {@code request} and reads frames until the answer to {@code id} (or, for {@link #HELLO}, to hello).
     *
     * @return the answer; null when the connection ended first ({@link #endReason} says why)
     * @throws Late when the deadline passed first; the connection has ended
     */
    private ObjectNode exchange(byte[] request, int id, Duration deadline) throws Late {
        if (endReason != null) {
            return null;
        }
        watchdog.arm(deadline);
        ObjectNode answer = null;
        String failure = null;
        try {
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            while (answer == null && failure == null) {
                ObjectNode frame = Frames.read(channel);
                if (frame == null) {
                    failure = "the broker closed the connection";
                } else if (answers(frame, id)) {
                    answer = frame;
                }
            }
        } catch (IOException e) {
            failure = e.toString();
        } catch (RuntimeException e) {
            Log.LOG.warn("the connection to the broker at {} failed", socket, e);
            failure = e.toString();
        }
        boolean late = watchdog.disarm();
        if (late && answer == null) {
            end("no answer within " + deadline);
            throw new Late();
        }
        if (late || failure != null) {
            // Late but answered, the socket closed all the same: the answer stands, the connection is over.
            end(failure != null ? failure : "no answer within " + deadline);
        }
        return answer;
    }

    /** Whether {@code frame} is what the exchange for {@code id} waits for; anything else is passed over. */
    private boolean answers(ObjectNode frame, int id) {
        String type = frame.path(Messages.TYPE).asText("");
        if (id == HELLO) {
            return Messages.HELLO_OK.equals(type) || Messages.BUSY.equals(type) || Messages.FATAL.equals(type);
        }
        if (Messages.FATAL.equals(type)) {
            // As ClientChannel reports it; the broker closes the connection next, and the call fails as lost.
            Log.LOG.warn("the broker at {} ends the connection: {}", socket,
                    frame.path(Messages.ERROR).path("message").asText());
        }
        return Messages.RESPONSE.equals(type) && frame.path(Messages.ID).asInt(-1) == id;
    }

    /** Built in the caller's thread, as {@link ClientChannel}'s, so its stack trace shows the call that failed. */
    private BrokerProtocolException lost() {
        return new BrokerProtocolException(closedByUs ? "the connection to the broker at " + socket + " is closed"
                : "lost the connection to the broker at " + socket + " (" + endReason + ")");
    }

    private void end(String reason) {
        if (endReason != null) {
            return;
        }
        endReason = reason;
        watchdog.stopWatching();
        try {
            channel.close();
        } catch (IOException e) {
            Log.LOG.debug("closing the connection to {} failed: {}", socket, e.toString());
        }
    }

    @Override
    public Path socket() {
        return socket;
    }

    /** Closes the socket; nothing waits to be written or read, so there is nothing to wait for. */
    @Override
    public synchronized void close() {
        if (endReason == null) {
            closedByUs = true;
        }
        end("closed by this client");
    }

    /** The deadline passed before the answer came. */
    private static final class Late extends Exception {
        private static final long serialVersionUID = 1L;

        Late() {
            super(null, null, false, false);
        }
    }

    /**
     * Sleeps until the armed deadline and, if it is still armed then, closes the socket: a read blocked on it
     * wakes with an {@code AsynchronousCloseException}.
     */
    private static final class Watchdog extends Thread {
        private final SocketChannel channel;
        private long deadline;
        private boolean armed;
        private boolean fired;
        private boolean stopped;

        Watchdog(SocketChannel channel, String name) {
            super(name);
            this.channel = channel;
            setDaemon(true);
        }

        synchronized void arm(Duration timeout) {
            deadline = System.nanoTime() + timeout.toNanos();
            armed = true;
            fired = false;
            if (getState() == State.NEW) {
                start();
            }
            notifyAll();
        }

        /** {@return whether the deadline passed (and the socket was closed) before this} */
        synchronized boolean disarm() {
            armed = false;
            notifyAll();
            return fired;
        }

        synchronized void stopWatching() {
            stopped = true;
            notifyAll();
        }

        @Override
        public synchronized void run() {
            try {
                while (!stopped) {
                    long left = deadline - System.nanoTime();
                    if (!armed) {
                        wait();
                    } else if (left > 0) {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } else {
                        fired = true;
                        armed = false;
                        closeQuietly();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void closeQuietly() {
            try {
                channel.close();
            } catch (IOException e) {
                Log.LOG.debug("closing a connection at its deadline failed: {}", e.toString());
            }
        }
    }

    /** SLF4J starts with the first line logged, not with this class: a quick call logs nothing (issue 18). */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(DirectChannel.class);
    }
}
