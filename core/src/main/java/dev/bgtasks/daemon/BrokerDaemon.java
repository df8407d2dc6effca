package dev.bgtasks.daemon;

import dev.bgtasks.broker.AccessPolicy;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.broker.Retention;
import dev.bgtasks.ipc.BrokerServer;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostPlatforms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker process: a {@link Broker} on this host's platform, served on the per-user socket, until it is told
 * to stop (SIGTERM, or {@link #close()}). {@code bgtask daemon} runs it in the foreground; {@code
 * BackgroundTasks.open} starts it in the background when nothing answers.
 *
 * <pre>{@code
 * try (BrokerDaemon daemon = BrokerDaemon.start(BrokerLocation.forCurrentUser(), HostPlatforms.select())) {
 *     daemon.awaitStop();
 * }
 * }</pre>
 */
public final class BrokerDaemon implements AutoCloseable {
    /** Overrides the admin policy file (tests, unusual installs). */
    public static final String POLICY_VARIABLE = "BGTASKS_POLICY";
    /** Overrides how long a restarted broker waits for tasks to reconnect, in seconds (tests). */
    public static final String READOPT_VARIABLE = "BGTASKS_READOPT_SECONDS";
    /** {@code off} starts Java tasks without class-data archives (for one: to see class loading as it is). */
    public static final String JAVA_START_ARCHIVES_VARIABLE = "BGTASKS_JAVA_START_ARCHIVES";
    /**
     * Allows time and maintenance triggers a shorter period than 15 minutes, in seconds (test rigs, SPEC Y1); never
     * set by default.
     */
    public static final String MINIMUM_FRESHNESS_VARIABLE = "BGTASKS_MINIMUM_FRESHNESS_SECONDS";
    /**
     * For how many registrations at most a standby task host is kept (SPEC W2): {@code 0} keeps none; by default
     * {@link BrokerConfig#DEFAULT_STANDBYS}.
     */
    public static final String STANDBYS_VARIABLE = "BGTASKS_STANDBYS";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerDaemon.class);

    private final BrokerLocation location;
    private final Broker broker;
    private final BrokerServer server;
    private final PolicyWatcher policyWatcher;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private BrokerDaemon(BrokerLocation location, Broker broker, BrokerServer server, PolicyWatcher watcher) {
        this.location = location;
        this.broker = broker;
        this.server = server;
        this.policyWatcher = watcher;
    }

    /**
     * Runs the broker of this user, or of the location given as three arguments (runtime, state and log
     * directories): how {@link BrokerStarter} passes on the location its app resolved.
     */
    /**
     * On Linux, JDK 17 starts a process through {@code jspawnhelper}: two execs for each task. {@code VFORK} execs
     * the task's wrapper straight from the child, about a millisecond less on every trigger (issue 15). Set before
     * the first process starts (the JDK reads it once); a user's own setting wins.
     */
    static void fastSpawn() {
        if (System.getProperty("os.name", "").startsWith("Linux")
                && System.getProperty("jdk.lang.Process.launchMechanism") == null
                && Runtime.version().feature() < 21) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
    }

    public static void main(String[] args) {
        fastSpawn();
        BrokerLocation location = args.length == 3
                ? new BrokerLocation(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]))
                : BrokerLocation.forCurrentUser();
        String stdioLog = System.getProperty(StdioLogRotation.PROPERTY);
        if (stdioLog != null) {
            StdioLogRotation.start(Path.of(stdioLog), BrokerLog.DEFAULT);
        }
        try (BrokerDaemon daemon = start(location, HostPlatforms.select())) {
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "bgtasks-broker-shutdown"));
            daemon.awaitStop();
        } catch (IOException | RuntimeException e) {
            LOG.error("the broker could not start: {}", e.getMessage(), e);
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * Starts the broker and its server.
     *
     * @throws IOException when the socket cannot be bound (for one: another broker answers on it)
     * @throws dev.bgtasks.store.StoreException when the database is locked by another broker, corrupt or newer
     */
    public static BrokerDaemon start(BrokerLocation location, HostPlatform platform) throws IOException {
        return start(location, platform, Retention.DEFAULT);
    }

    /**
     * Starts the broker and its server, keeping what {@code retention} says of ended instances (SPEC B7).
     *
     * @throws IOException when the socket cannot be bound (for one: another broker answers on it)
     * @throws dev.bgtasks.store.StoreException when the database is locked by another broker, corrupt or newer
     */
    public static BrokerDaemon start(BrokerLocation location, HostPlatform platform, Retention retention)
            throws IOException {
        return start(location, platform, System.getenv(), retention);
    }

    /**
     * Starts the broker and its server with the settings of {@code env} (the {@code BGTASKS_*} variables above).
     *
     * @throws IOException when the socket cannot be bound
     */
    public static BrokerDaemon start(BrokerLocation location, HostPlatform platform, Map<String, String> env)
            throws IOException {
        return start(location, platform, env, Retention.DEFAULT);
    }

    /**
     * Starts the broker and its server with the settings of {@code env}, keeping what {@code retention} says of
     * ended instances (SPEC B7).
     *
     * @throws IOException when the socket cannot be bound
     */
    public static BrokerDaemon start(BrokerLocation location, HostPlatform platform, Map<String, String> env,
                                     Retention retention) throws IOException {
        location.ensureRuntimeDirectory();
        location.ensureStateDirectories();
        Path policyFile = Optional.ofNullable(env.get(POLICY_VARIABLE)).map(Path::of)
                .orElseGet(AccessPolicy::defaultFile);
        Duration readoptWindow = Optional.ofNullable(env.get(READOPT_VARIABLE)).map(Long::parseLong)
                .map(Duration::ofSeconds).orElse(BrokerConfig.DEFAULT_READOPT_WINDOW);
        BrokerConfig.Builder builder = BrokerConfig.builder().home(location.stateDirectory()).platform(platform)
                .policyFile(policyFile).socketPath(location.socket()).readoptWindow(readoptWindow)
                .environment(env).loginEnvironment(LoginEnvironment.read(env))
                .javaStartArchives(javaStartArchives(location, env)).retention(retention)
                .standbys(standbys(env));
        Optional.ofNullable(env.get(MINIMUM_FRESHNESS_VARIABLE)).map(Long::parseLong).map(Duration::ofSeconds)
                .ifPresent(shortest -> {
                    LOG.info("{}: time and maintenance triggers may fire every {}", MINIMUM_FRESHNESS_VARIABLE,
                            shortest);
                    builder.minimumFreshness(shortest);
                });
        BrokerConfig config = builder.build();
        Broker broker = Broker.start(config);
        try {
            BrokerServer server = BrokerServer.start(broker, location.socket());
            Files.writeString(location.pidFile(), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            PolicyWatcher watcher = PolicyWatcher.start(policyFile, broker::reloadPolicy);
            LOG.info("broker {} serving {} (platform {}, pid {})", location.stateDirectory(), location.socket(),
                    platform.name(), ProcessHandle.current().pid());
            return new BrokerDaemon(location, broker, server, watcher);
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private static int standbys(Map<String, String> env) {
        String setting = env.get(STANDBYS_VARIABLE);
        if (setting == null) {
            return BrokerConfig.DEFAULT_STANDBYS;
        }
        try {
            int count = Integer.parseInt(setting.strip());
            if (count >= 0) {
                LOG.info("{}={}: standby task hosts for up to {} registration(s)", STANDBYS_VARIABLE, count, count);
                return count;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(STANDBYS_VARIABLE + " must be a count, 0 for none, not '" + setting + "'");
    }

    private static Path javaStartArchives(BrokerLocation location, Map<String, String> env) {
        String setting = env.getOrDefault(JAVA_START_ARCHIVES_VARIABLE, "on");
        if (setting.equals("off")) {
            LOG.info("{}=off: Java tasks start without class-data archives", JAVA_START_ARCHIVES_VARIABLE);
            return null;
        }
        if (!setting.equals("on")) {
            throw new IllegalArgumentException(JAVA_START_ARCHIVES_VARIABLE + " must be on or off, not '" + setting
                    + "'");
        }
        return location.javaStartArchiveDirectory();
    }

    public Broker broker() {
        return broker;
    }

    public BrokerLocation location() {
        return location;
    }

    /** Blocks until {@link #close()}. */
    public void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops serving and closes the broker; running tasks go on and the next broker re-adopts them (SPEC B3). */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        policyWatcher.close();
        server.close();
        broker.close();
        try {
            Files.deleteIfExists(location.pidFile());
        } catch (IOException e) {
            LOG.warn("could not remove {}", location.pidFile(), e);
        }
        stopped.countDown();
    }
}
