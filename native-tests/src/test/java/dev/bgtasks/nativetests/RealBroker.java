package dev.bgtasks.nativetests;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.ipc.BrokerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A real broker daemon process in a temp home of its own, started the way apps start it, and everything it
 * started killed at the end.
 */
final class RealBroker implements AutoCloseable {
    final Path home;
    final BrokerLocation location;
    private final List<Long> taskPids = new ArrayList<>();
    private BrokerClient client;

    RealBroker() throws IOException {
        // Short: a Unix socket path must stay under ~100 bytes.
        this(TempHome.create());
    }

    /** The broker of {@code home}: connects to the one running there (an app process started it), else starts it. */
    RealBroker(Path home) {
        this.home = home;
        this.location = BrokerLocation.underHome(home);
        this.client = BrokerStarter.connectOrStart(location);
    }

    /**
     * A broker daemon started directly, not through {@code BrokerStarter}, with {@code environment} added to this
     * JVM's (settings the starter's clean environment would drop, such as {@code BGTASKS_MINIMUM_FRESHNESS_SECONDS}).
     */
    static RealBroker withEnvironment(java.util.Map<String, String> environment) throws IOException {
        Path home = TempHome.create();
        BrokerLocation where = BrokerLocation.underHome(home);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.bgtasks.daemon.BrokerDaemon",
                where.runtimeDirectory().toString(), where.stateDirectory().toString(),
                where.logDirectory().toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("daemon.out").toFile());
        builder.environment().putAll(environment);
        Process daemon = builder.start();
        await(() -> !daemon.isAlive() || Files.exists(location(home).pidFile()), Duration.ofSeconds(60),
                "the broker daemon to write its pid file");
        if (!daemon.isAlive()) {
            throw new AssertionError("the broker daemon exited " + daemon.exitValue() + ": "
                    + Files.readString(home.resolve("daemon.out")));
        }
        return new RealBroker(home);
    }

    private static BrokerLocation location(Path home) {
        return BrokerLocation.underHome(home);
    }

    /** What the task of {@code instanceId} wrote: its stdout and stderr. */
    String runLog(java.util.UUID instanceId) throws IOException {
        return Files.readString(location.stateDirectory().resolve("runs").resolve(instanceId + ".log"));
    }

    BrokerClient client() {
        return client;
    }

    long pid() throws IOException {
        return Long.parseLong(Files.readString(location.pidFile()).trim());
    }

    /** SIGKILL: the broker gets no chance to clean up (SPEC B3). */
    void kill9() throws Exception {
        ProcessHandle broker = ProcessHandle.of(pid()).orElseThrow();
        client.close();
        broker.destroyForcibly();
        broker.onExit().get(20, TimeUnit.SECONDS);
    }

    /** Starts a new broker on the same home, as the next app would. */
    BrokerClient restart() {
        client = BrokerStarter.connectOrStart(location);
        return client;
    }

    String log() throws IOException {
        return Files.exists(location.logFile()) ? Files.readString(location.logFile()) : "";
    }

    /** Remembers a task's pid so {@link #close()} kills it whatever happens. */
    void track(long pid) {
        taskPids.add(pid);
    }

    Optional<InstanceInfo> instance(String appId, java.util.UUID id) {
        return client.instances(appId).stream().filter(i -> i.instanceId().equals(id)).findFirst();
    }

    InstanceInfo awaitState(String appId, java.util.UUID id, InstanceState state, Duration deadline) {
        await(() -> instance(appId, id).map(i -> i.state() == state).orElse(false), deadline,
                "instance " + id + " to be " + state);
        return instance(appId, id).orElseThrow();
    }

    /** Waits for a condition with a deadline, looking 20 times a second. */
    static void await(BooleanSupplier condition, Duration deadline, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // the broker may be dead already
        }
        if (Files.exists(location.pidFile())) {
            ProcessHandle.of(pid()).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
            });
        }
        for (long pid : taskPids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
        TempHome.delete(home);
    }
}
