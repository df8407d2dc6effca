package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.APP;
import static dev.bgtasks.ipc.IpcFixtures.WAIT;
import static dev.bgtasks.ipc.IpcFixtures.header;
import static dev.bgtasks.ipc.IpcFixtures.helloApp;
import static dev.bgtasks.ipc.IpcFixtures.javaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.testing.BrokerHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20: limits answered with {@code busy}, apps and task hosts counted apart, stalled frames closed. */
@Timeout(60)
class ServerCapacityTest {
    private static final Duration FRAME_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;
    private BrokerHarness h;
    private Path socket;
    private BrokerServer server;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        h = new BrokerHarness(dir);
        socket = IpcFixtures.socketIn(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        h.close();
    }

    private void serve(int apps, int hosts, int unidentified) throws Exception {
        server = BrokerServer.start(h.broker(), socket, BrokerServer.Options.defaults()
                .withLimits(apps, hosts, unidentified).withTimeouts(Duration.ofSeconds(10), FRAME_TIMEOUT));
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeAfter.add(closeable);
        return closeable;
    }

    /** Waits for a condition the server reaches by itself, failing after {@link IpcFixtures#WAIT}. */
    private static void await(String what, BooleanSupplier condition) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("waiting for %s", what).isNegative();
            Thread.onSpinWait();
        }
    }

    @Test
    void aBusyReplyMakesTheClientWaitAndThenSucceed() throws Exception { // issue 20
        serve(1, 8, 8);
        BrokerClient first = BrokerClient.connect(socket);
        CompletableFuture<BrokerClient> second = CompletableFuture.supplyAsync(() -> {
            try {
                return BrokerClient.connect(socket, Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        await("a busy answer", () -> server.busyAnswers() >= 1);
        assertThat(second).as("still waiting while the broker is full").isNotDone();

        first.close();
        BrokerClient admitted = closing(second.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(admitted.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
    }

    @Test
    void aClientStillBusyAtItsDeadlineFailsNamingTheSocketAndTheLimit() throws Exception { // issue 20
        serve(1, 8, 8);
        closing(BrokerClient.connect(socket));
        assertThatThrownBy(() -> BrokerClient.connect(socket, Duration.ofMillis(600)))
                .isInstanceOfSatisfying(BrokerBusyException.class, busy -> {
                    assertThat(busy.limit()).isEqualTo(1);
                    assertThat(busy.limitOf()).isEqualTo("app connections");
                    assertThat(busy.socket()).isEqualTo(socket.toAbsolutePath());
                })
                .hasMessageContaining(socket.toString()).hasMessageContaining("is busy")
                .hasMessageContaining("1 app connections");
        assertThat(server.busyAnswers()).as("asked again before giving up").isGreaterThanOrEqualTo(2);
    }

    @Test
    void taskHostsDoNotTakeAnAppsRoom() throws Exception { // issue 20
        serve(1, 8, 8);
        BrokerClient app = closing(BrokerClient.connect(socket));
        app.requestAccess(APP);
        app.register(APP, javaTask("export"));
        assertThat(app.requestTrigger(new TriggerRequest(APP, "", new byte[0], null)).result())
                .isEqualTo(ApplicationTriggerResult.ALLOWED);
        // The one app slot is taken, and a task host still attaches.
        try (HostConnection host = HostConnection.attach(socket, h.platform.awaitProcess(1).runToken(), r -> { })) {
            assertThat(host.attachment().appId()).isEqualTo(APP);
        }
    }

    @Test
    void connectionsThatHaveNotSaidHelloAreBoundedAndTheNextIsToldBusy() throws Exception { // issue 20
        serve(8, 8, 1);
        RawClient silent = closing(RawClient.open(socket));
        await("the silent connection to be held", () -> server.connectionCount() == 1);
        RawClient next = closing(RawClient.open(socket));
        ObjectNode busy = next.next(WAIT);
        assertThat(busy.path("type").asText()).isEqualTo("busy");
        assertThat(busy.path("limitOf").asText()).isEqualTo("connections that have not said hello yet");
        next.sendFrame(helloApp());
        assertThat(next.awaitClosedByServer(WAIT)).isTrue();
        silent.sendFrame(helloApp());
        assertThat(silent.next(WAIT).path("type").asText()).isEqualTo("hello-ok");
        try (BrokerClient client = BrokerClient.connect(socket)) {
            assertThat(client.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
        }
    }

    @Test
    void aHalfFrameIsClosedAfterTheFrameTimeout() throws Exception { // issue 20
        serve(8, 8, 8);
        RawClient idle = closing(RawClient.open(socket));
        idle.sendFrame(helloApp());
        assertThat(idle.next(WAIT).path("type").asText()).isEqualTo("hello-ok");

        RawClient stalled = closing(RawClient.open(socket));
        stalled.sendFrame(helloApp());
        assertThat(stalled.next(WAIT).path("type").asText()).isEqualTo("hello-ok");
        stalled.send(header(100));
        stalled.send(new byte[10]);
        long sent = System.nanoTime();
        ObjectNode error = stalled.next(WAIT);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("message").asText()).contains("not completed within");
        assertThat(stalled.awaitClosedByServer(WAIT)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(FRAME_TIMEOUT);

        // A stalled hello is a half frame too: closed at the frame timeout, not the 10 s hello timeout.
        RawClient stalledHello = closing(RawClient.open(socket));
        byte[] hello = IpcFixtures.frame(helloApp().getBytes(StandardCharsets.UTF_8));
        stalledHello.send(Arrays.copyOf(hello, hello.length / 2));
        assertThat(stalledHello.next(WAIT).path("error").path("message").asText()).contains("not completed within");
        assertThat(stalledHello.awaitClosedByServer(WAIT)).isTrue();

        // A connection idle between frames is left alone, however long it idles.
        idle.sendFrame("{\"type\":\"accessStatus\",\"id\":1,\"appId\":\"" + APP + "\"}");
        assertThat(idle.next(WAIT).path("result").asText()).isEqualTo("UNSPECIFIED");
        await("the stalled peers' slots to be free", () -> server.connectionCount() == 1);
    }
}
