package dev.bgtasks.linux.dbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.freedesktop.dbus.exceptions.DBusException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DBusConnectorTest {
    private DBusConnector connector;

    @AfterEach
    void close() {
        if (connector != null) {
            connector.close();
        }
    }

    @Test
    void systemBusAddressComesFromTheEnvironmentOrTheWellKnownSocket() {
        assertThat(DBusConnector.systemBusAddress(Map.of())).isEqualTo("unix:path=/run/dbus/system_bus_socket");
        assertThat(DBusConnector.systemBusAddress(Map.of("DBUS_SYSTEM_BUS_ADDRESS", " ")))
                .isEqualTo("unix:path=/run/dbus/system_bus_socket");
        assertThat(DBusConnector.systemBusAddress(Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/tmp/b")))
                .isEqualTo("unix:path=/tmp/b");
    }

    @Test
    void sessionBusOnlyWhereTheEnvironmentNamesOne() {
        assertThat(DBusConnector.sessionBusAddress(Map.of())).isEmpty();
        assertThat(DBusConnector.sessionBusAddress(Map.of("DBUS_SESSION_BUS_ADDRESS", "")))
                .isEmpty();
        assertThat(DBusConnector.sessionBusAddress(Map.of("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1/bus")))
                .contains("unix:path=/run/user/1/bus");
        assertThat(DBusConnector.sessionBus(Map.of())).isEmpty();
    }

    /** Records what the connector tells a listener, in order. */
    private static final class Events implements DBusConnector.Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void connected(DBusBus bus) {
            events.add("connected");
        }

        @Override
        public void disconnected() {
            events.add("disconnected");
        }

        String next() throws InterruptedException {
            String e = events.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("an event within 5 s").isNotNull();
            return e;
        }
    }

    @Test
    void retriesUntilTheBusAnswersThenTellsListeners() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        DBusConnector.Link link = mock(DBusConnector.Link.class);
        connector = new DBusConnector("system bus", "unix:path=/x", (address, onLost) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new DBusException("Failed to connect to bus: No such file or directory");
            }
            return link;
        }, Duration.ofMillis(5));
        Events events = new Events();
        connector.addListener(events);

        assertThat(events.next()).isEqualTo("connected");
        assertThat(attempts).hasValue(3);
        assertThat(connector.status()).isEqualTo("system bus unix:path=/x: connected");

        // A listener added later hears of the bus at once.
        Events late = new Events();
        connector.addListener(late);
        assertThat(late.next()).isEqualTo("connected");
    }

    @Test
    void saysWhyItIsNotConnected() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        connector = new DBusConnector("system bus", "unix:path=/x", (address, onLost) -> {
            attempts.incrementAndGet();
            throw new DBusException("Failed to connect to bus: No such file or directory");
        }, Duration.ofSeconds(30));
        connector.addListener(new Events());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (attempts.get() == 0 && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        long end2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!connector.status().contains("unreachable") && System.nanoTime() < end2) {
            Thread.onSpinWait();
        }
        assertThat(connector.status()).isEqualTo("system bus unix:path=/x: unreachable (Failed to connect to bus: "
                + "No such file or directory), next try in 30 s");
    }

    @Test
    void aLostConnectionIsClosedReportedAndReopened() throws Exception {
        List<Consumer<DBusConnector.Link>> lostCallbacks = new ArrayList<>();
        List<DBusConnector.Link> links = new ArrayList<>();
        connector = new DBusConnector("system bus", "unix:path=/x", (address, onLost) -> {
            DBusConnector.Link l = mock(DBusConnector.Link.class);
            synchronized (links) {
                links.add(l);
                lostCallbacks.add(onLost);
            }
            return l;
        }, Duration.ofMillis(5));
        Events events = new Events();
        connector.addListener(events);
        assertThat(events.next()).isEqualTo("connected");

        DBusConnector.Link first;
        synchronized (links) {
            first = links.get(0);
            lostCallbacks.get(0).accept(first);
        }
        assertThat(events.next()).isEqualTo("disconnected");
        verify(first, timeout(5000)).close();
        assertThat(events.next()).isEqualTo("connected");
        synchronized (links) {
            assertThat(links).hasSize(2);
            // A late report about the old link changes nothing.
            lostCallbacks.get(0).accept(first);
        }
        assertThat(events.events.poll(100, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void closeClosesTheLinkAndStopsRetrying() throws Exception {
        DBusConnector.Link link = mock(DBusConnector.Link.class);
        connector = new DBusConnector("session bus", "unix:path=/y", (address, onLost) -> link,
                Duration.ofMillis(5));
        Events events = new Events();
        connector.addListener(events);
        assertThat(events.next()).isEqualTo("connected");
        connector.close();
        verify(link).close();
        assertThat(connector.status()).endsWith("closed");
        connector.addListener(new Events());
        assertThat(Optional.ofNullable(events.events.poll(50, TimeUnit.MILLISECONDS))).isEmpty();
    }

    @Test
    void aRealConnectionToNoBusFailsAtOnce() {
        long t0 = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DBusConnector.openConnection(
                "unix:path=/nonexistent/bgtasks-test-bus;unix:path=/nonexistent/second", l -> { }))
                .isInstanceOf(DBusException.class);
        // One attempt per address, not dbus-java's default of 20 over 10 s.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aMissingSocketIsWaitedForWithNoTimer(@TempDir Path dir) throws Exception { // issue 15: a broker that sleeps
        Path socket = dir.resolve("dbus/system_bus_socket");
        AtomicInteger attempts = new AtomicInteger();
        DBusConnector.Link link = mock(DBusConnector.Link.class);
        BlockingQueue<Runnable> waits = new LinkedBlockingQueue<>();
        AtomicInteger closedWaits = new AtomicInteger();
        // A first retry of an hour: only the socket's appearance can bring the second attempt within the test.
        connector = new DBusConnector("system bus", "unix:path=" + socket, (address, onLost) -> {
            attempts.incrementAndGet();
            if (!Files.exists(socket)) {
                throw new DBusException("Failed to connect to bus: No such file or directory");
            }
            return link;
        }, Duration.ofHours(1), (path, appeared) -> {
            assertThat(path).isEqualTo(socket);
            waits.add(appeared);
            return closedWaits::incrementAndGet;
        });
        Events events = new Events();
        connector.addListener(events);
        Runnable appeared = waits.poll(5, TimeUnit.SECONDS);
        assertThat(appeared).as("a wait for the socket").isNotNull();
        assertThat(connector.status()).endsWith("waiting for " + socket + " to appear (inotify, no timer)");
        assertThat(attempts).hasValue(1);

        Files.createDirectories(socket.getParent());
        Files.createFile(socket);
        appeared.run();
        assertThat(events.next()).isEqualTo("connected");
        assertThat(attempts).hasValue(2);
        assertThat(closedWaits).hasValue(1);
    }

    @Test
    void theSocketFileOfAnAddress() {
        assertThat(DBusConnector.socketFile("unix:path=/run/dbus/system_bus_socket"))
                .contains(Path.of("/run/dbus/system_bus_socket"));
        assertThat(DBusConnector.socketFile("unix:guid=1,path=/tmp/b")).contains(Path.of("/tmp/b"));
        assertThat(DBusConnector.socketFile("unix:abstract=/tmp/dbus-x")).isEmpty();
        assertThat(DBusConnector.socketFile("tcp:host=localhost,port=1")).isEmpty();
        assertThat(DBusConnector.socketFile("unix:path=/a;unix:path=/b")).isEmpty();
    }
}
