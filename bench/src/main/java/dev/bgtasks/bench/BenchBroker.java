package dev.bgtasks.bench;

import dev.bgtasks.InstanceState;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.ipc.BrokerClient;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real broker daemon in a temp home of its own: started as apps start it ({@link BrokerStarter}), or inside a
 * network namespace through {@code ip netns exec}. {@link #close()} cancels and kills every task it ran, stops the
 * broker politely (so its cgroup sandbox removes its subtree), and deletes the home.
 *
 * <pre>{@code
 * try (BenchBroker broker = BenchBroker.start()) {
 *     broker.client().requestAccess("dev.bgtasks.bench");
 * }
 * }</pre>
 */
final class BenchBroker implements AutoCloseable {
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(20);

    private final Path home;
    private final BrokerLocation location;
    private final BrokerClient client;
    private final long pid;
    private final List<String> appIds = new ArrayList<>();

    private BenchBroker(Path home, BrokerLocation location, BrokerClient client, long pid) {
        this.home = home;
        this.location = location;
        this.client = client;
        this.pid = pid;
    }

    /** A broker started the way an app starts it, in a new temp home. */
    public static BenchBroker start() throws IOException {
        // Short: a Unix socket path must stay under ~100 bytes.
        Path home = Files.createTempDirectory(Path.of("/tmp"), "bgtb");
        try {
            BrokerLocation location = BrokerLocation.underHome(home);
            BrokerClient client = BrokerStarter.connectOrStart(location);
            long pid = Long.parseLong(Files.readString(location.pidFile()).strip());
            return new BenchBroker(home, location, client, pid);
        } catch (IOException | RuntimeException e) {
            deleteTree(home);
            throw e;
        }
    }

    /**
     * A broker daemon run inside network namespace {@code namespace} with this JVM's java and classpath; waits
     * until it answers.
     */
    public static BenchBroker startInNamespace(String namespace) throws IOException {
        Path home = Files.createTempDirectory(Path.of("/tmp"), "bgtb");
        Process daemon = null;
        try {
            BrokerLocation location = BrokerLocation.underHome(home);
            location.ensureRuntimeDirectory();
            location.ensureStateDirectories();
            daemon = new ProcessBuilder("ip", "netns", "exec", namespace, javaExecutable(), "-cp",
                    System.getProperty("java.class.path"), "dev.bgtasks.daemon.BrokerDaemon",
                    location.runtimeDirectory().toString(), location.stateDirectory().toString(),
                    location.logDirectory().toString())
                    .redirectErrorStream(true).redirectOutput(home.resolve("daemon.out").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                if (Files.exists(location.socket())) {
                    try {
                        // ip netns exec execs the command, so the daemon keeps the pid of the process started here.
                        return new BenchBroker(home, location, BrokerClient.connect(location.socket()), daemon.pid());
                    } catch (IOException notYet) {
                        // bound but not accepting yet
                    }
                }
                if (!daemon.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("the broker in namespace " + namespace + " did not answer; it "
                            + (daemon.isAlive() ? "is still starting" : "exited " + daemon.exitValue()) + "; see "
                            + home.resolve("daemon.out") + ": " + tail(home.resolve("daemon.out")));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        } catch (IOException | RuntimeException e) {
            if (daemon != null) {
                daemon.destroyForcibly();
            }
            deleteTree(home);
            throw e;
        }
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** This JVM's classpath entries. */
    /** Where the broker keeps its class-data archives for Java tasks. */
    Path javaStartArchives() {
        return location.javaStartArchiveDirectory();
    }

    static List<String> classpath() {
        return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    }

    public BrokerClient client() {
        return client;
    }

    public long pid() {
        return pid;
    }

    /** The temp home: scratch files of the run go here too, so closing removes them. */
    public Path home() {
        return home;
    }

    /** Access for an app, remembered so {@link #close()} ends its instances. */
    public void allow(String appId) {
        client.requestAccess(appId);
        appIds.add(appId);
    }

    /** Cancels every active instance of the apps and waits (up to 20 s) for them to complete. */
    public void endAllInstances() {
        for (String appId : appIds) {
            client.instances(appId).stream().filter(i -> i.state() != InstanceState.COMPLETED)
                    .forEach(i -> client.cancel(appId, i.instanceId()));
        }
        long deadline = System.nanoTime() + STOP_DEADLINE.toNanos();
        while (System.nanoTime() < deadline && appIds.stream().anyMatch(app -> client.instances(app).stream()
                .anyMatch(i -> i.state() != InstanceState.COMPLETED))) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() throws IOException {
        List<Long> taskPids = new ArrayList<>();
        try {
            for (String appId : appIds) {
                client.instances(appId).stream().filter(i -> i.pid() != null).forEach(i -> taskPids.add(i.pid()));
            }
            endAllInstances();
        } catch (RuntimeException brokerGone) {
            // killing by pid below is all that is left
        } finally {
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // already closed
            }
            for (long task : taskPids) {
                ProcessHandle.of(task).ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
            }
            ProcessHandle.of(pid).ifPresent(BenchBroker::stop);
            deleteTree(home);
        }
    }

    private static void stop(ProcessHandle broker) {
        broker.destroy();
        try {
            broker.onExit().get(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception notStopped) {
            broker.destroyForcibly();
            broker.onExit().join();
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file);
            return text.substring(Math.max(0, text.length() - 2000));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
