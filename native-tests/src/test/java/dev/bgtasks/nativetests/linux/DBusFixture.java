package dev.bgtasks.nativetests.linux;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bgtasks.linux.dbus.DBusSignals;
import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared set-up of the D-Bus native tests: a private bus per test, the fakes a test starts, the {@link DBusSignals}
 * under test pointed at that bus, and a probe on its change callback. Everything is closed after each test,
 * connections first, the daemon last.
 */
abstract class DBusFixture {
    /** How long one change may take to arrive; measured latencies are printed and are far below it. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    DBusTestBus bus;
    DBusSignals signals;
    DBusSignalProbe probe;
    private final List<AutoCloseable> fakes = new ArrayList<>();
    private String testName;

    @BeforeEach
    void startBus(TestInfo info) throws IOException {
        testName = info.getTestClass().map(Class::getSimpleName).orElse("") + "." + info.getDisplayName();
        bus = DBusTestBus.start(dir);
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (signals != null) {
            signals.close();
        }
        for (AutoCloseable f : fakes) {
            f.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    <T extends AutoCloseable> T fake(T f) {
        fakes.add(f);
        return f;
    }

    /** Starts the signals under test on the private bus (as system bus, and as session bus if asked). */
    DBusSignals watch(boolean sessionBusToo) {
        return watch(bus.pathAddress(), sessionBusToo ? Optional.of(bus.pathAddress()) : Optional.empty());
    }

    DBusSignals watch(String systemBusAddress, Optional<String> sessionBusAddress) {
        signals = DBusSignals.open(systemBusAddress, sessionBusAddress);
        probe = new DBusSignalProbe(signals);
        // start() must not wait for the bus (dbus-java alone retries for 10 s): it only hands work to the source
        // threads. The deadline is far above a real start, so a loaded host cannot trip it.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> signals.start(probe));
        return signals;
    }

    /** Waits for the state a test starts from (no latency recorded). */
    void awaitState(String what, Predicate<Map<HostSignal, Boolean>> condition) throws InterruptedException {
        probe.await(what, 0, condition, DEADLINE);
    }

    interface Change {
        void run() throws Exception;
    }

    /** Makes {@code change} on a fake service and waits for the callback showing its effect; records the latency. */
    Duration flip(String what, Change change, Predicate<Map<HostSignal, Boolean>> effect) throws Exception {
        long t0 = System.nanoTime();
        change.run();
        Duration latency = probe.await(what, t0, effect, DEADLINE);
        record(what, latency);
        return latency;
    }

    void record(String what, Duration latency) throws IOException {
        String line = String.format("%s | %s | %.1f ms%n", testName, what, latency.toNanos() / 1e6);
        System.out.print("[dbus latency] " + line);
        Path report = Path.of("target", "dbus-latencies.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, line, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    static long ownUid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }
}
