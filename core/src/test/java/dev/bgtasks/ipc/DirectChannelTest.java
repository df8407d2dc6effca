package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.APP;
import static dev.bgtasks.ipc.IpcFixtures.commandTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.testing.BrokerHarness;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-shot client of a {@code bgtask} call (issue 18), which reads and writes on the calling thread, against the
 * threaded client of the same trees: the same answers from a broker, and for every way a broker can fail (not
 * there, refusing the hello, another protocol version, closing before the hello, busy, silent, gone mid-call) the
 * same exception with the same message.
 */
@Timeout(60)
class DirectChannelTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path dir;
    private AutoCloseable server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** How a test connects: the threaded client or the one-shot one. */
    private interface Connect {
        BrokerTreeClient to(Path socket, Duration deadline) throws IOException;
    }

    private static final Connect THREADED = BrokerTreeClient::connect;
    private static final Connect ONE_SHOT = BrokerTreeClient::connectOneShot;

    /** What one client does that is expected to fail. */
    private interface Failing {
        void run(Connect connect) throws Exception;
    }

    /**
     * Runs {@code failing} with each client: both must fail, with the same exception and message (but for the
     * nanoseconds of a deadline that is what was left of it, which differ from one try to the next).
     */
    private static Throwable sameFailure(Failing failing) {
        Throwable threaded = catchThrowable(() -> failing.run(THREADED));
        Throwable oneShot = catchThrowable(() -> failing.run(ONE_SHOT));
        assertThat(threaded).as("the threaded client's failure").isNotNull();
        assertThat(oneShot).as("the one-shot client's failure").isNotNull()
                .isExactlyInstanceOf(threaded.getClass());
        assertThat(withoutNanos(oneShot.getMessage())).isEqualTo(withoutNanos(threaded.getMessage()));
        return oneShot;
    }

    private static String withoutNanos(String message) {
        return message.replaceAll("PT0\\.\\d+S", "PT0.*S");
    }

    @Test
    void answersAsTheThreadedClientDoes() throws Exception { // issue 18
        BrokerHarness h = new BrokerHarness(dir);
        BrokerServer broker = BrokerServer.start(h.broker(), IpcFixtures.socketIn(dir));
        server = () -> {
            broker.close();
            h.close();
        };
        try (BrokerClient typed = BrokerClient.connect(broker.socket());
             BrokerTreeClient threaded = BrokerTreeClient.connect(broker.socket());
             BrokerTreeClient oneShot = BrokerTreeClient.connectOneShot(broker.socket(), SHORT.multipliedBy(100))) {
            assertThat(oneShot.accessStatus(APP)).isEqualTo(threaded.accessStatus(APP));
            typed.requestAccess(APP);
            typed.register(APP, commandTask("rsync"));
            TriggerResponse triggered = oneShot.requestTrigger(new TriggerRequest(APP, "",
                    ValueMapCodec.encode(Map.of()), null));
            assertThat(triggered.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
            assertThat(oneShot.instances(APP)).isEqualTo(threaded.instances(APP)).isNotEmpty();
            assertThat(oneShot.registrations(APP)).isEqualTo(threaded.registrations(APP)).isNotEmpty();
            assertThat(oneShot.signals()).isEqualTo(threaded.signals());
            assertThat(oneShot.describePlatform()).isEqualTo(threaded.describePlatform());
            // The broker's exception comes back as itself, and the connection still answers.
            assertThatThrownBy(() -> oneShot.instances("not an app id!"))
                    .isInstanceOfAny(IllegalArgumentException.class, InvalidRegistrationException.class)
                    .hasMessage(catchThrowable(() -> threaded.instances("not an app id!")).getMessage());
            assertThat(oneShot.accessStatus(APP)).isEqualTo(threaded.accessStatus(APP));
            assertThatThrownBy(() -> oneShot.subscribeSignals(signals -> { }))
                    .isInstanceOf(IllegalStateException.class);
            oneShot.close();
            assertThat(catchThrowable(() -> oneShot.signals())).isExactlyInstanceOf(BrokerProtocolException.class)
                    .hasMessage("the connection to the broker at " + broker.socket() + " is closed");
        }
    }

    @Test
    void itsDefaultDeadlineIsTheAppClients() {
        assertThat(BrokerTreeClient.DEFAULT_DEADLINE).isEqualTo(BrokerClient.DEFAULT_DEADLINE);
    }

    @Test
    void nothingListeningFailsAlike() throws Exception {
        Path socket = IpcFixtures.socketIn(dir);
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(sameFailure(c -> c.to(socket, SHORT).close())).isInstanceOf(IOException.class);
    }

    @Test
    void aRefusedHelloFailsAlike() throws Exception {
        Path socket = scripted(peer -> answerHello(peer,
                "{\"type\":\"error\",\"error\":{\"kind\":\"illegal-argument\",\"message\":\"unknown run token\"}}"));
        assertThat(sameFailure(c -> c.to(socket, SHORT).close())).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown run token");
    }

    @Test
    void anotherProtocolVersionFailsAlike() throws Exception {
        Path socket = scripted(peer -> answerHello(peer, "{\"type\":\"hello-ok\",\"version\":2}"));
        assertThat(sameFailure(c -> c.to(socket, SHORT).close())).isExactlyInstanceOf(BrokerProtocolException.class)
                .hasMessageContaining("speaks protocol version 2");
    }

    @Test
    void aConnectionClosedBeforeHelloFailsAlike() throws Exception {
        Path socket = scripted(peer -> Frames.read(peer));
        assertThat(sameFailure(c -> c.to(socket, SHORT).close())).isExactlyInstanceOf(IOException.class)
                .hasMessageContaining("closed the connection before answering hello");
    }

    @Test
    void aHelloWithoutAnswerFailsAtTheDeadlineAlike() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Path socket = scripted(peer -> {
            Frames.read(peer);
            release.await(IpcFixtures.WAIT.toSeconds(), TimeUnit.SECONDS);
        });
        try {
            assertThat(sameFailure(c -> c.to(socket, SHORT).close()))
                    .hasMessageStartingWith("the broker at " + socket + " did not answer hello within PT0.");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aBrokerBusyUntilTheDeadlineFailsAlike() throws Exception { // issue 20
        AtomicInteger asked = new AtomicInteger();
        Path socket = scripted(peer -> {
            asked.incrementAndGet();
            answerHello(peer, "{\"type\":\"busy\",\"limit\":1,\"limitOf\":\"app connections\","
                    + "\"retryAfterMillis\":20}");
        });
        Throwable busy = catchThrowable(() -> BrokerTreeClient.connectOneShot(socket, SHORT).close());
        assertThat(busy).isExactlyInstanceOf(BrokerBusyException.class).hasMessageContaining(socket.toString())
                .hasMessageContaining("is busy").hasMessageContaining("1 app connections");
        assertThat(asked).as("asked again before giving up").hasValueGreaterThanOrEqualTo(2);
        // The time it waited ends the message; the threaded client's is alike up to it.
        String upToTheWait = busy.getMessage().substring(0, busy.getMessage().indexOf("; tried again for"));
        assertThat(catchThrowable(() -> BrokerTreeClient.connect(socket, SHORT).close()))
                .isExactlyInstanceOf(BrokerBusyException.class).hasMessageStartingWith(upToTheWait);
    }

    @Test
    void aCallWithoutAnswerFailsAtTheDeadlineAlike() throws Exception { // SPEC B2 (client side)
        Path socket = scripted(peer -> {
            answerHello(peer, "{\"type\":\"hello-ok\",\"version\":1}");
            while (Frames.read(peer) != null) {
                // Swallows every request.
            }
        });
        assertThat(sameFailure(c -> {
            try (BrokerTreeClient client = c.to(socket, SHORT)) {
                client.accessStatus(APP);
            }
        })).hasMessage("the broker at " + socket + " did not answer accessStatus within " + SHORT);
    }

    @Test
    void aConnectionLostMidCallFailsAlike() throws Exception { // SPEC B3 (client side)
        Path socket = scripted(peer -> {
            answerHello(peer, "{\"type\":\"hello-ok\",\"version\":1}");
            Frames.read(peer);
        });
        assertThat(sameFailure(c -> {
            try (BrokerTreeClient client = c.to(socket, IpcFixtures.WAIT)) {
                client.accessStatus(APP);
            }
        })).hasMessage("lost the connection to the broker at " + socket + " (the broker closed the connection)");
    }

    @Test
    void framesPushedBeforeTheAnswerArePassedOver() throws Exception {
        Path socket = scripted(peer -> {
            answerHello(peer, "{\"type\":\"hello-ok\",\"version\":1}");
            int id = Frames.read(peer).path("id").asInt();
            peer.write(ByteBuffer.wrap(IpcFixtures.frame("{\"type\":\"event\",\"subscription\":7}")));
            peer.write(ByteBuffer.wrap(IpcFixtures.frame("{\"type\":\"response\",\"id\":" + (id + 1)
                    + ",\"result\":\"ANOTHER\"}")));
            peer.write(ByteBuffer.wrap(IpcFixtures.frame("{\"type\":\"response\",\"id\":" + id
                    + ",\"result\":\"ALLOWED_SUBJECT_TO_SYSTEM_POLICY\"}")));
            Frames.read(peer);
        });
        try (BrokerTreeClient client = BrokerTreeClient.connectOneShot(socket, IpcFixtures.WAIT)) {
            assertThat(client.accessStatus(APP).textValue()).isEqualTo("ALLOWED_SUBJECT_TO_SYSTEM_POLICY");
        }
    }

    /** What a scripted broker does with each connection it accepts. */
    private interface Script {
        void serve(SocketChannel peer) throws Exception;
    }

    /** A broker that runs {@code script} on every connection, one at a time, and then closes it. */
    private Path scripted(Script script) throws IOException {
        Path socket = IpcFixtures.socketIn(dir);
        Files.createDirectories(socket.getParent());
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        Thread thread = new Thread(() -> {
            while (listener.isOpen()) {
                try (SocketChannel peer = listener.accept()) {
                    script.serve(peer);
                } catch (Exception e) {
                    // The client went away, or the test ended.
                }
            }
        }, "scripted-broker");
        thread.setDaemon(true);
        thread.start();
        server = listener;
        return socket;
    }

    private static void answerHello(SocketChannel peer, String reply) throws IOException {
        Frames.read(peer);
        peer.write(ByteBuffer.wrap(IpcFixtures.frame(reply)));
    }
}
