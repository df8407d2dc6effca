package dev.bgtasks.nativetests.linux;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.junit.jupiter.api.Assumptions;

/**
 * A private {@code dbus-daemon} for one test: a system-like bus (type {@code system}, EXTERNAL auth) on a socket in a
 * temp dir, whose policy allows everything to everyone, so a test may own {@code org.freedesktop.login1} without
 * being root. Missing {@code dbus-daemon} fails the test under {@code BGTASKS_REQUIRE_NATIVE=1} and skips it
 * otherwise.
 *
 * <pre>{@code
 * try (DBusTestBus bus = DBusTestBus.start(tempDir)) {
 *     FakeNetworkManager nm = FakeNetworkManager.start(bus, 4, 2);
 *     DBusSignals signals = DBusSignals.open(bus.address(), Optional.empty());
 * }
 * }</pre>
 */
final class DBusTestBus implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 10;

    private final Process daemon;
    private final String address;
    private final Path socket;
    private final List<DBusConnection> connections = new CopyOnWriteArrayList<>();

    private DBusTestBus(Process daemon, String address, Path socket) {
        this.daemon = daemon;
        this.address = address;
        this.socket = socket;
    }

    /**
     * The dbus-daemon binary ({@code BGTASKS_DBUS_DAEMON} if set, else the first on {@code PATH}, else
     * {@code /usr/bin/dbus-daemon}), or the test fails (native runs) or is skipped (elsewhere).
     */
    static Path daemonBinary() {
        String override = System.getenv("BGTASKS_DBUS_DAEMON");
        Optional<Path> found = override != null && !override.isBlank()
                ? Optional.of(Path.of(override)).filter(Files::isExecutable)
                : Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                        .map(d -> Path.of(d, "dbus-daemon")).filter(Files::isExecutable).findFirst()
                        .or(() -> Optional.of(Path.of("/usr/bin/dbus-daemon")).filter(Files::isExecutable));
        if (found.isEmpty()) {
            String why = "dbus-daemon is not installed (Debian package dbus-daemon)"
                    + (override != null && !override.isBlank() ? ": BGTASKS_DBUS_DAEMON=" + override : "");
            if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
                fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 forbids skipping");
            }
            Assumptions.abort(why);
        }
        return found.get();
    }

    /** A bus listening on {@code dir/system_bus_socket}. */
    static DBusTestBus start(Path dir) throws IOException {
        return start(dir, dir.resolve("system_bus_socket"));
    }

    /** A bus listening on {@code socket}, e.g. a path a client was told about before the bus existed. */
    static DBusTestBus start(Path dir, Path socket) throws IOException {
        Path binary = daemonBinary();
        Path config = dir.resolve("bus-" + System.nanoTime() + ".conf");
        Files.writeString(config, """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>unix:path=%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow user="*"/>
                    <allow own="*"/>
                    <allow send_type="method_call"/>
                    <allow send_type="signal"/>
                    <allow send_type="method_return"/>
                    <allow send_type="error"/>
                    <allow receive_type="method_call"/>
                    <allow receive_type="signal"/>
                    <allow receive_type="method_return"/>
                    <allow receive_type="error"/>
                  </policy>
                </busconfig>
                """.formatted(socket));
        Process p = new ProcessBuilder(binary.toString(), "--config-file=" + config, "--nofork", "--print-address")
                .redirectError(dir.resolve("dbus-daemon.log").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null || line.isBlank()) {
                p.destroyForcibly();
                throw new IOException("dbus-daemon printed no address; see " + dir.resolve("dbus-daemon.log"));
            }
            return new DBusTestBus(p, line.trim(), socket);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("dbus-daemon did not start within " + START_TIMEOUT_SECONDS + " s", e);
        }
    }

    /** The address the daemon printed ({@code unix:path=…,guid=…}). */
    String address() {
        return address;
    }

    /** The address without the guid, as a client configured by path would have it. */
    String pathAddress() {
        return "unix:path=" + socket;
    }

    /** A new, unshared connection, closed with the bus. */
    DBusConnection connect() throws DBusException {
        DBusConnection c = DBusConnectionBuilder.forAddress(address).withShared(false).build();
        connections.add(c);
        return c;
    }

    /** Kills the daemon now, as a crash would. */
    void kill() throws InterruptedException {
        daemon.destroyForcibly();
        daemon.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        for (DBusConnection c : connections) {
            c.disconnect();
        }
        connections.clear();
        daemon.destroy();
        if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
            daemon.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
