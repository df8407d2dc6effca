package dev.bgtasks.bench.chaos;

import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.ipc.BrokerClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real broker daemon in a temp {@code BGTASKS_HOME} of its own, started the way an app starts it
 * ({@link BrokerStarter}: the broker's own {@code java} command line, detached), killed and restarted at will.
 * {@link #close()} kills the broker and every process that carries its socket in its environment, then deletes the
 * home (a mount inside it must be gone by then).
 */
final class ChaosBroker implements AutoCloseable {
    private final Path home;
    private final BrokerLocation location;
    private final TaskProcesses processes;
    private BrokerClient client;

    private ChaosBroker(Path home, TaskProcesses processes) {
        this.home = home;
        this.location = BrokerLocation.underHome(home);
        this.processes = processes;
    }

    /** A fresh home under /tmp: a Unix socket path must stay under ~100 bytes. */
    static Path newHome() throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), "bgtc");
    }

    /** Starts a broker in {@code home} (made by {@link #newHome()}). */
    static ChaosBroker start(Path home, TaskProcesses processes) {
        ChaosBroker broker = new ChaosBroker(home, processes);
        Cleanups.register(broker);
        try {
            broker.client = BrokerStarter.connectOrStart(broker.location);
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    Path home() {
        return home;
    }

    BrokerLocation location() {
        return location;
    }

    Path database() {
        return location.stateDirectory().resolve("bgtasks.db");
    }

    BrokerClient client() {
        return client;
    }

    /** A second connection, for a caller that must not share the main client's fate. */
    BrokerClient connect() throws IOException {
        return BrokerClient.connect(location.socket());
    }

    Optional<Long> pid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(location.pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    Optional<ProcessHandle> process() {
        return pid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    }

    /** SIGKILL: the broker gets no chance to clean up (SPEC B3). */
    void kill9() throws TimeoutException {
        closeClient();
        Optional<ProcessHandle> broker = process();
        if (broker.isPresent()) {
            broker.get().destroyForcibly();
            awaitExit(broker.get());
        }
    }

    /** SIGTERM: the broker's orderly shutdown; SIGKILL if it has not gone within 20 s. */
    void stop() throws TimeoutException {
        closeClient();
        Optional<ProcessHandle> broker = process();
        if (broker.isPresent()) {
            broker.get().destroy();
            try {
                broker.get().onExit().get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                broker.get().destroyForcibly();
                awaitExit(broker.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitExit(ProcessHandle process) throws TimeoutException {
        try {
            process.onExit().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a new broker on the same home, as the next app would. */
    BrokerClient restart() {
        closeClient();
        client = BrokerStarter.connectOrStart(location);
        return client;
    }

    String logTail(int lines) {
        try {
            if (!Files.exists(location.logFile())) {
                return "";
            }
            java.util.List<String> all = Files.readAllLines(location.logFile());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read the broker log: " + e.getMessage() + ")";
        }
    }

    /** Keeps the broker's log (the home is deleted) for whoever looks into a violation. */
    void saveLog(Path copy) {
        try {
            if (Files.exists(location.logFile())) {
                Files.createDirectories(copy.toAbsolutePath().getParent());
                Files.copy(location.logFile(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("chaos: could not keep the broker log: " + e.getMessage());
        }
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // the broker may be dead already
            }
        }
    }

    /**
     * Kills the broker and every task process it started; leaves the home in place. Brokers are found by their
     * command line too, so one still starting (no pid file yet, as when a signal lands mid-restart) goes as well.
     */
    void killAll() {
        closeClient();
        process().ifPresent(ChaosBroker::killAndWait);
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("dev.bgtasks.daemon.BrokerDaemon")
                        && c.contains(home.toString() + "/")).orElse(false))
                .forEach(ChaosBroker::killAndWait);
        for (long pid : processes.withSocket(location.socket()).keySet()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static void killAndWait(ProcessHandle process) {
        process.destroyForcibly();
        try {
            process.onExit().get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            System.err.println("chaos: pid " + process.pid() + " did not exit after SIGKILL: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        killAll();
        deleteTree(home);
        Cleanups.unregister(this);
    }

    @Override
    public String toString() {
        return "broker in " + home;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("chaos: could not delete " + root + ": " + e.getMessage());
        }
    }
}
