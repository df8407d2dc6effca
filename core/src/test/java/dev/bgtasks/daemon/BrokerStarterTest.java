package dev.bgtasks.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.BrokerUnavailableException;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.ipc.BrokerServer;
import dev.bgtasks.ipc.BrokerTreeClient;
import dev.bgtasks.store.Store;
import dev.bgtasks.testing.FakePlatform;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 20: a client starts a broker only when none holds the database, never because a socket refused it. */
@Timeout(60)
class BrokerStarterTest {
    private static final Duration DEADLINE = Duration.ofMillis(800);

    @TempDir
    Path home;
    private final AtomicInteger launches = new AtomicInteger();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private BrokerLocation location() throws IOException {
        BrokerLocation location = BrokerLocation.underHome(home);
        location.ensureRuntimeDirectory();
        location.ensureStateDirectories();
        return location;
    }

    /** Counts starts, and starts nothing: a test that expects none fails on the count, not on a hang. */
    private Process countingLauncher(BrokerLocation location) {
        launches.incrementAndGet();
        return null;
    }

    /** A socket file with nothing listening, as a broker killed with SIGKILL leaves it. */
    private static void staleSocket(Path socket) throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
    }

    @Test
    void aBusyBrokerIsWaitedForAndNeverStartsAnother() throws Exception { // issue 20
        BrokerLocation location = location();
        BusyBroker busy = new BusyBroker(location.socket());
        closeAfter.add(busy);
        assertThatThrownBy(() -> BrokerStarter.connectOrStart(location, DEADLINE, this::countingLauncher))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("the broker is busy").hasMessageContaining("4096 app connections")
                .hasMessageContaining(location.socket().toString());
        assertThat(launches).as("brokers started").hasValue(0);
        assertThat(busy.answered()).as("asked again while it was busy").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aOneShotClientWaitsForABusyBrokerAsTheOthersDo() throws Exception { // issue 18, issue 20
        BrokerLocation location = location();
        BusyBroker busy = new BusyBroker(location.socket());
        closeAfter.add(busy);
        assertThatThrownBy(() -> BrokerStarter.connectOrStartOneShot(location, DEADLINE, this::countingLauncher))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("the broker is busy").hasMessageContaining("4096 app connections")
                .hasMessageContaining(location.socket().toString());
        assertThat(launches).as("brokers started").hasValue(0);
        assertThat(busy.answered()).as("asked again while it was busy").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aOneShotClientStartsABrokerWhenNoneRuns() throws Exception { // SPEC B1, issue 18
        BrokerLocation location = location();
        BrokerTreeClient client = BrokerStarter.connectOrStartOneShot(location, Duration.ofSeconds(20),
                this::startingLauncher);
        closeAfter.add(client);
        assertThat(client.accessStatus("com.example.notes").textValue())
                .isEqualTo(BackgroundAccessStatus.UNSPECIFIED.name());
        assertThat(launches).as("brokers started").hasValue(1);
    }

    @Test
    void aRefusedConnectionWhileABrokerHoldsTheDatabaseNeverStartsAnother() throws Exception { // issue 20
        BrokerLocation location = location();
        staleSocket(location.socket());
        closeAfter.add(Store.open(location.databaseFile()));
        assertThat(BrokerStarter.brokerHoldsDatabase(location)).isTrue();
        assertThatThrownBy(() -> BrokerStarter.connectOrStart(location, DEADLINE, this::countingLauncher))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("holds the database").hasMessageContaining(location.socket().toString());
        assertThat(launches).as("brokers started").hasValue(0);
    }

    @Test
    void aStaleSocketWithNoBrokerStartsExactlyOne() throws Exception { // SPEC B1
        BrokerLocation location = location();
        staleSocket(location.socket());
        assertThat(BrokerStarter.brokerHoldsDatabase(location)).isFalse();
        BrokerClient client = BrokerStarter.connectOrStart(location, Duration.ofSeconds(20), this::startingLauncher);
        closeAfter.add(client);
        assertThat(client.accessStatus("com.example.notes")).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
        assertThat(launches).as("brokers started").hasValue(1);
        assertThat(BrokerStarter.brokerHoldsDatabase(location)).isTrue();
    }

    private Process startingLauncher(BrokerLocation where) throws IOException {
        launches.incrementAndGet();
        Broker broker = Broker.start(BrokerConfig.builder().home(where.stateDirectory())
                .platform(FakePlatform.withGoodConditions()).policyFile(home.resolve("policy.json"))
                .environment(Map.of()).build());
        closeAfter.add(broker);
        closeAfter.add(BrokerServer.start(broker, where.socket()));
        return null;
    }

    /** Waits for the early connections' threads to end, so that what they did (or did not do) is done. */
    private static void awaitEarlyThreads() throws InterruptedException {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("bgtasks-early-connection")) {
                thread.join(Duration.ofSeconds(20).toMillis());
                assertThat(thread.isAlive()).as("the early connection's thread after 20 s").isFalse();
            }
        }
    }

    @Test
    void anEarlyConnectionToARunningBrokerIsTheClientTaken() throws Exception { // issue 18
        BrokerLocation location = location();
        startingLauncher(location);
        EarlyConnection early = EarlyConnection.begin(() -> location, Duration.ofSeconds(20), this::countingLauncher);
        BrokerTreeClient client = early.take();
        closeAfter.add(client);
        assertThat(client.accessStatus("com.example.notes").textValue())
                .isEqualTo(BackgroundAccessStatus.UNSPECIFIED.name());
        assertThat(launches).as("brokers started, the test's own included").hasValue(1);
        assertThatThrownBy(early::take).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEarlyConnectionNeverStartsABrokerAndTakingItStartsExactlyOne() throws Exception { // SPEC B1, issue 18
        BrokerLocation location = location();
        EarlyConnection unused = EarlyConnection.begin(() -> location, Duration.ofSeconds(20), this::startingLauncher);
        unused.discard();
        awaitEarlyThreads();
        assertThat(launches).as("brokers started by a discarded early connection").hasValue(0);
        assertThatThrownBy(unused::take).isInstanceOf(IllegalStateException.class);

        EarlyConnection early = EarlyConnection.begin(() -> location, Duration.ofSeconds(20), this::startingLauncher);
        awaitEarlyThreads();
        assertThat(launches).as("brokers started before the connection was taken").hasValue(0);
        BrokerTreeClient client = early.take();
        closeAfter.add(client);
        assertThat(client.accessStatus("com.example.notes").textValue())
                .isEqualTo(BackgroundAccessStatus.UNSPECIFIED.name());
        assertThat(launches).as("brokers started").hasValue(1);
    }

    @Test
    void takingAnEarlyConnectionOnlyIfConnectedStartsNoBroker() throws Exception { // issue 18: bgtask doctor
        BrokerLocation location = location();
        EarlyConnection none = EarlyConnection.begin(() -> location, Duration.ofSeconds(20), this::startingLauncher);
        assertThat(none.takeIfConnected()).as("the client when no broker runs").isNull();
        assertThat(launches).as("brokers started").hasValue(0);

        startingLauncher(location);
        EarlyConnection early = EarlyConnection.begin(() -> location, Duration.ofSeconds(20), this::countingLauncher);
        BrokerTreeClient client = early.takeIfConnected();
        assertThat(client).as("the client when a broker runs").isNotNull();
        closeAfter.add(client);
        assertThat(client.accessStatus("com.example.notes").textValue())
                .isEqualTo(BackgroundAccessStatus.UNSPECIFIED.name());
        assertThat(launches).as("brokers started, the test's own included").hasValue(1);
    }

    @Test
    void anEarlyConnectionToABusyBrokerFailsAsTheOneShotClientDoes() throws Exception { // issue 18, issue 20
        BrokerLocation location = location();
        BusyBroker busy = new BusyBroker(location.socket());
        closeAfter.add(busy);
        EarlyConnection early = EarlyConnection.begin(() -> location, DEADLINE, this::countingLauncher);
        assertThatThrownBy(early::take).isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("the broker is busy").hasMessageContaining("4096 app connections")
                .hasMessageContaining(location.socket().toString());
        assertThat(launches).as("brokers started").hasValue(0);
    }

    /** Answers every hello with {@code busy}, as a broker at its app limit does, and counts the answers. */
    private static final class BusyBroker implements AutoCloseable {
        private final ServerSocketChannel listener;
        private final AtomicInteger answered = new AtomicInteger();

        BusyBroker(Path socket) throws IOException {
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(socket));
            Thread thread = new Thread(this::serve, "busy-broker");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            byte[] body = "{\"type\":\"busy\",\"limit\":4096,\"limitOf\":\"app connections\",\"retryAfterMillis\":50}"
                    .getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body);
            while (true) {
                try (SocketChannel peer = listener.accept()) {
                    ByteBuffer header = ByteBuffer.allocate(4);
                    while (header.hasRemaining() && peer.read(header) >= 0) {
                        // Up to the hello's length: enough to know a client is there.
                    }
                    peer.write(frame.flip());
                    frame.limit(frame.capacity());
                    answered.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }

        int answered() {
            return answered.get();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
