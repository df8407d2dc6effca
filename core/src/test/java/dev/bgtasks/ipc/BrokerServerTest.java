package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.APP;
import static dev.bgtasks.ipc.IpcFixtures.WAIT;
import static dev.bgtasks.ipc.IpcFixtures.awaitEvent;
import static dev.bgtasks.ipc.IpcFixtures.header;
import static dev.bgtasks.ipc.IpcFixtures.helloApp;
import static dev.bgtasks.ipc.IpcFixtures.javaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BrokerServerTest {
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
        server = BrokerServer.start(h.broker(), socket);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        server.close();
        h.close();
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeAfter.add(closeable);
        return closeable;
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    @Test
    void theSocketAndItsDirectoryAreTheUsersAlone() throws Exception { // SPEC S1
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent(),
                LinkOption.NOFOLLOW_LINKS))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rw-------");
        server.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void itRefusesToStartWhereABrokerAnswers() throws Exception { // SPEC B1
        assertThatThrownBy(() -> BrokerServer.start(h.broker(), socket)).isInstanceOf(IOException.class)
                .hasMessageContaining("already answers").hasMessageContaining(socket.toString());
        try (BrokerClient client = BrokerClient.connect(socket)) {
            assertThat(client.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
        }
    }

    @Test
    void itReplacesAStaleSocketFile() throws Exception { // SPEC B1
        server.close();
        // A broker that died leaves its socket file behind, with nothing listening.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        server = BrokerServer.start(h.broker(), socket);
        try (BrokerClient client = BrokerClient.connect(socket)) {
            assertThat(client.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
        }
    }

    @Test
    void aPeerOfAnotherUserIsRefused() throws Exception { // SPEC S1
        boolean supported;
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            supported = PeerCheck.supported(probe);
        }
        if (isLinux()) {
            assertThat(supported).as("SO_PEERCRED on Linux").isTrue();
        }
        server.close();
        UserPrincipal stranger = () -> "stranger";
        server = BrokerServer.start(h.broker(), socket, BrokerServer.Options.defaults().withLimits(8, 8, 8)
                .withOutboxFrames(16).withPeerOwner(stranger));
        if (supported) {
            assertThatThrownBy(() -> BrokerClient.connect(socket)).isInstanceOf(IOException.class)
                    .hasMessageContaining("closed the connection before answering hello");
        }
    }

    @Test
    void aPeerWhoseUidDiffersFromTheDirectoryOwnerIsRefused() throws Exception { // SPEC S1
        // Real uids: only root can hand the directory to another user.
        if (!isLinux() || !"root".equals(System.getProperty("user.name"))) {
            return;
        }
        UserPrincipal nobody = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        server.close();
        Files.setOwner(socket.getParent(), nobody);
        server = BrokerServer.start(h.broker(), socket);
        assertThatThrownBy(() -> BrokerClient.connect(socket)).isInstanceOf(IOException.class);
    }

    @Test
    void anOtherProtocolVersionIsRefusedByName() throws Exception { // SPEC B2
        RawClient raw = closing(RawClient.open(socket));
        raw.sendFrame("{\"type\":\"hello\",\"version\":2,\"role\":\"app\"}");
        ObjectNode error = raw.next(WAIT);
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("kind").asText()).isEqualTo("protocol");
        assertThat(error.path("error").path("message").asText()).contains("version 2").contains("version 1");
        assertThat(raw.awaitClosedByServer(WAIT)).isTrue();
    }

    @Test
    void anOversizedLengthPrefixClosesTheConnection() throws Exception { // SPEC B2
        for (int length : new int[] {Frames.MAX_FRAME_BYTES + 1, Integer.MAX_VALUE, -1}) {
            RawClient raw = closing(RawClient.open(socket));
            raw.sendFrame(helloApp());
            // The prefix alone is refused: the server may close before any body could be written.
            raw.send(header(length));
            assertThat(raw.next(WAIT).path("type").asText()).isEqualTo("hello-ok");
            ObjectNode error = raw.next(WAIT);
            assertThat(error.path("error").path("message").asText()).contains("out of range");
            assertThat(raw.awaitClosedByServer(WAIT)).as("closed after length %s", length).isTrue();
        }
        try (BrokerClient client = BrokerClient.connect(socket)) {
            assertThat(client.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
        }
    }

    @Test
    void aFrameOfExactlyTheLimitIsRead() throws Exception { // SPEC B2
        RawClient raw = closing(RawClient.open(socket));
        raw.sendFrame(helloApp());
        String prefix = "{\"type\":\"accessStatus\",\"id\":1,\"appId\":\"" + APP + "\",\"pad\":\"";
        String body = prefix + "x".repeat(Frames.MAX_FRAME_BYTES - prefix.length() - 2) + "\"}";
        assertThat(body.length()).isEqualTo(Frames.MAX_FRAME_BYTES);
        raw.sendFrame(body);
        raw.next(WAIT);
        assertThat(raw.next(WAIT).path("result").asText()).isEqualTo("UNSPECIFIED");
    }

    @Test
    void readableButWrongRequestsGetErrorsAndTheConnectionGoesOn() throws Exception { // SPEC B2
        RawClient raw = closing(RawClient.open(socket));
        raw.sendFrame(helloApp());
        raw.sendFrame("{\"type\":\"noSuchOperation\",\"id\":1}");
        raw.sendFrame("{\"type\":\"accessStatus\",\"id\":2}");
        raw.sendFrame("{\"type\":\"unregister\",\"id\":3,\"appId\":\"a\",\"taskId\":\"not-a-uuid\","
                + "\"cancelTask\":true}");
        raw.sendFrame("{\"type\":\"unregister\",\"id\":4,\"appId\":\"a\",\"taskId\":\"" + UUID.randomUUID()
                + "\",\"cancelTask\":\"yes\"}");
        raw.sendFrame("{\"type\":\"cancel\",\"id\":9,\"appId\":\"a\",\"instanceId\":null}");
        raw.sendFrame("{\"type\":\"register\",\"id\":5,\"appId\":\"a\",\"definition\":{\"name\":\"x\",\"target\":"
                + "{\"type\":\"rocket\"}}}");
        raw.sendFrame("{\"type\":\"requestTrigger\",\"id\":6,\"request\":{\"appId\":\"a\",\"triggerName\":\"\","
                + "\"arguments\":\"%%% not base64\"}}");
        raw.sendFrame("{\"type\":\"setUserAccess\",\"id\":7,\"appId\":\"a\",\"setting\":\"MAYBE\"}");
        raw.sendFrame("{\"type\":\"accessStatus\",\"id\":8,\"appId\":\"" + APP + "\"}");
        assertThat(raw.next(WAIT).path("type").asText()).isEqualTo("hello-ok");
        assertError(raw.next(WAIT), 1, "protocol", "type");
        assertError(raw.next(WAIT), 2, "protocol", "appId");
        assertError(raw.next(WAIT), 3, "protocol", "taskId");
        assertError(raw.next(WAIT), 4, "protocol", "cancelTask");
        assertError(raw.next(WAIT), 9, "protocol", "instanceId");
        assertError(raw.next(WAIT), 5, "protocol", "definition.target");
        assertError(raw.next(WAIT), 6, "protocol", "request.arguments");
        assertError(raw.next(WAIT), 7, "protocol", "setting");
        ObjectNode ok = raw.next(WAIT);
        assertThat(ok.path("id").asInt()).isEqualTo(8);
        assertThat(ok.path("result").asText()).isEqualTo("UNSPECIFIED");
    }

    private static void assertError(ObjectNode response, int id, String kind, String field) {
        assertThat(response.path("id").asInt()).as("id of %s", response).isEqualTo(id);
        assertThat(response.path("error").path("kind").asText()).as("kind of %s", response).isEqualTo(kind);
        assertThat(response.path("error").path("field").asText()).as("field of %s", response).isEqualTo(field);
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosed() throws Exception { // SPEC B2
        server.close();
        server = BrokerServer.start(h.broker(), socket, BrokerServer.Options.defaults().withLimits(8, 8, 8)
                .withOutboxFrames(16).withTimeouts(Duration.ofMillis(200), Duration.ofSeconds(10)));
        RawClient silent = closing(RawClient.open(socket));
        assertThat(silent.next(WAIT).path("error").path("message").asText()).contains("no hello");
        assertThat(silent.awaitClosedByServer(WAIT)).isTrue();
    }

    @Test
    void connectionsAreBoundedInNumberAndThoseOverTheLimitAreToldBusy() throws Exception { // SPEC B2, issue 20
        server.close();
        server = BrokerServer.start(h.broker(), socket, BrokerServer.Options.defaults().withLimits(3, 8, 8)
                .withOutboxFrames(16));
        BrokerClient first = closing(BrokerClient.connect(socket));
        closing(BrokerClient.connect(socket));
        RawClient third = closing(RawClient.open(socket));
        third.sendFrame(helloApp());
        assertThat(third.next(WAIT)).as("hello-ok").isNotNull();
        // A fourth app is answered, not dropped: busy, with the limit and a retry hint, and then the end.
        RawClient fourth = closing(RawClient.open(socket));
        fourth.sendFrame(helloApp());
        ObjectNode busy = fourth.next(WAIT);
        assertThat(busy.path("type").asText()).isEqualTo("busy");
        assertThat(busy.path("limit").asInt()).isEqualTo(3);
        assertThat(busy.path("limitOf").asText()).isEqualTo("app connections");
        assertThat(busy.path("retryAfterMillis").asLong()).isPositive();
        assertThat(fourth.awaitClosedByServer(WAIT)).isTrue();
        assertThatThrownBy(() -> BrokerClient.connect(socket, Duration.ofMillis(300)))
                .isInstanceOf(BrokerBusyException.class).hasMessageContaining(socket.toString())
                .hasMessageContaining("3 app connections");

        third.endOutput();
        // The server frees the slot before it closes the connection: once the peer sees the end, there is room.
        assertThat(third.awaitClosedByServer(WAIT)).isTrue();
        try (BrokerClient again = BrokerClient.connect(socket)) {
            assertThat(again.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
        }
        assertThat(first.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
    }

    @Test
    void aClientThatStopsReadingIsDroppedWithoutHoldingUpTheBrokerOrOthers() throws Exception { // SPEC B2
        BrokerClient other = closing(BrokerClient.connect(socket, Duration.ofSeconds(5)));
        other.requestAccess(APP);
        other.register(APP, javaTask("export"));
        BlockingQueue<AppEvent> othersEvents = IpcFixtures.eventQueue();
        other.subscribe(APP, othersEvents::add);
        other.requestTrigger(new TriggerRequest(APP, "", new byte[0], null));
        FakeProcess process = h.platform.awaitProcess(1);

        // Says hello, subscribes, reads both answers, and never reads again.
        RawClient hung = closing(RawClient.stopsReadingAfter(socket, 2));
        hung.sendFrame(helloApp());
        hung.sendFrame("{\"type\":\"subscribe\",\"id\":1,\"appId\":\"" + APP + "\"}");
        assertThat(hung.next(WAIT)).isNotNull();
        assertThat(hung.next(WAIT).has("error")).isFalse();
        assertThat(server.connectionCount()).isEqualTo(2);

        int published = 0;
        long slowest = 0;
        // The broker publishes from its lock, on this thread: if a full queue blocked it, this loop would hang.
        while (server.connectionCount() > 1 && published < 200_000) {
            h.progress(process, published % 101);
            published++;
            if (published % 500 == 0) {
                long before = System.nanoTime();
                assertThat(other.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
                slowest = Math.max(slowest, System.nanoTime() - before);
            }
        }
        assertThat(server.connectionCount()).as("the hung client is dropped after %d events", published)
                .isEqualTo(1);
        assertThat(hung.drainUntilClosedByServer(WAIT)).isTrue();
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(5));
        // The reading client got every event, in order.
        for (int i = 0; i < published; i++) {
            int expected = i % 101;
            assertThat(awaitEvent(othersEvents, AppEvent.Progress.class, p -> true).progress()).isEqualTo(expected);
        }
        assertThat(other.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);
    }
}
