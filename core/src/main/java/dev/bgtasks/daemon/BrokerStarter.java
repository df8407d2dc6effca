package dev.bgtasks.daemon;

import dev.bgtasks.BrokerUnavailableException;
import dev.bgtasks.ipc.BrokerBusyException;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.ipc.BrokerTreeClient;
import dev.bgtasks.launch.JavaCommand;
import dev.bgtasks.launch.JvmRuntime;
import dev.bgtasks.launch.RunningModules;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.TaskEnvironment;
import dev.bgtasks.store.Store;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to the per-user broker, starting it when none runs (SPEC B1): a JVM of the app's runtime (as
 * {@link JvmRuntime} finds one: {@code BGTASKS_JAVA}, the runtime's {@code bin/java}, or in a jpackage app image a
 * copy of its launcher), on the classpath of bgtasks' own jars (or, for an app on the module path or in a jlink
 * image, as the {@code dev.bgtasks.core} module on the app's module path), detached in its own session, stdio to the
 * broker log. A lock file makes
 * concurrent first calls, from any number of apps, start exactly one broker.
 *
 * <pre>{@code
 * BrokerClient client = BrokerStarter.connectOrStart(BrokerLocation.forCurrentUser());
 * }</pre>
 *
 * <p>A broker is started only when, under the start lock, no broker holds the database lock (issue 20): a socket
 * that refuses, closes or answers {@code busy} says nothing about whether a broker runs. A busy broker is asked
 * again, backing off, until the deadline, and then the call fails with a {@link BrokerUnavailableException} that
 * says the broker is busy and names its limit; a broker that holds its database but does not answer is waited for
 * the same way.
 */
public final class BrokerStarter {
    static final Duration START_DEADLINE = Duration.ofSeconds(30);
    /** File locks are per process: threads of one JVM queue here first. */
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Classes whose jars the broker needs, named as resources so core holds no reference to them. */
    /** logback, when the app has it: the broker then rotates its log (SPEC B7). */
    private static final List<String> LOGBACK_CLASSES = List.of(
            "ch/qos/logback/classic/spi/LogbackServiceProvider.class",
            "ch/qos/logback/core/rolling/RollingFileAppender.class");
    private static final List<String> BROKER_CLASSES = List.of(
            "dev/bgtasks/broker/Broker.class",
            "com/fasterxml/jackson/databind/ObjectMapper.class",
            "com/fasterxml/jackson/core/JsonFactory.class",
            "com/fasterxml/jackson/annotation/JsonProperty.class",
            "com/fasterxml/jackson/datatype/jsr310/JavaTimeModule.class",
            "org/sqlite/JDBC.class",
            "org/slf4j/LoggerFactory.class",
            "oshi/SystemInfo.class",
            "oshi/util/Util.class",
            "com/sun/jna/Native.class",
            "com/sun/jna/platform/FileUtils.class");

    /** What starts a broker process; tests count its calls. */
    interface Launcher {
        /**
         * Starts a broker for {@code location}.
         *
         * @return its process, watched while it starts; null when it is not a child of this one
         */
        Process launch(BrokerLocation location) throws IOException;
    }

    private BrokerStarter() {
    }

    /**
     * Connects to the broker of {@code location}, starting it when none runs.
     *
     * @throws BrokerUnavailableException when the broker stays busy, or does not answer, or cannot be started,
     *     within 30 s; the message says which, naming the socket and the log
     */
    public static BrokerClient connectOrStart(BrokerLocation location) {
        return connectOrStart(location, START_DEADLINE, BrokerStarter::launch);
    }

    /**
     * Like {@link #connectOrStart(BrokerLocation)}, for a client that only prints what the broker answers (the
     * {@code bgtask} command): its results are the wire's JSON trees, and it builds no typed mapper (issue 18).
     *
     * @throws BrokerUnavailableException as {@link #connectOrStart(BrokerLocation)}
     */
    public static BrokerTreeClient connectOrStartTrees(BrokerLocation location) {
        return connectOrStart(location, START_DEADLINE, BrokerStarter::launch, BrokerTreeClient::connect);
    }

    /**
     * Like {@link #connectOrStartTrees(BrokerLocation)}, with a {@linkplain BrokerTreeClient#connectOneShot one-shot}
     * client: for a {@code bgtask} call that asks and exits (issue 18).
     *
     * @throws BrokerUnavailableException as {@link #connectOrStart(BrokerLocation)}
     */
    public static BrokerTreeClient connectOrStartOneShot(BrokerLocation location) {
        return connectOrStart(location, START_DEADLINE, BrokerStarter::launch, BrokerTreeClient::connectOneShot);
    }

    static BrokerTreeClient connectOrStartOneShot(BrokerLocation location, Duration deadline, Launcher launcher) {
        return connectOrStart(location, deadline, launcher, BrokerTreeClient::connectOneShot);
    }

    static BrokerClient connectOrStart(BrokerLocation location, Duration deadline, Launcher launcher) {
        return connectOrStart(location, deadline, launcher, BrokerClient::connect);
    }

    /** How a client of some kind connects to a socket that may answer. */
    interface Connector<C> {
        C connect(Path socket, Duration deadline) throws IOException;
    }

    private static <C> C connectOrStart(BrokerLocation location, Duration deadline, Launcher launcher,
                                        Connector<C> connector) {
        return connectOrStart(location, deadline, launcher, connector, null);
    }

    /** @param first an attempt already made, in place of the first one; null: none */
    static <C> C connectOrStart(BrokerLocation location, Duration deadline, Launcher launcher,
                                Connector<C> connector, Attempt<C> first) {
        long giveUp = System.nanoTime() + deadline.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        Attempt<C> made = first;
        while (true) {
            Attempt<C> attempt = made != null ? made : tryConnect(location, deadline, connector);
            made = null;
            if (attempt.client() == null && !(attempt.refusal() instanceof BrokerBusyException)
                    && !brokerHoldsDatabase(location)) {
                attempt = startUnlessRunning(location, deadline, launcher, connector);
            }
            if (attempt.client() != null) {
                return attempt.client();
            }
            // A broker runs: busy (it said so), or starting, or stopping. Never a reason to start another.
            if (attempt.refusal() instanceof BrokerBusyException busy) {
                throw new BrokerUnavailableException("the broker is busy: it holds " + busy.limit() + " "
                        + busy.limitOf() + ", the most it takes, and was still full after " + deadline.toSeconds()
                        + " s", location.socket(), location.logFile(), busy);
            }
            long left = giveUp - System.nanoTime();
            if (left <= 0) {
                throw new BrokerUnavailableException("a broker holds the database "
                        + location.databaseFile() + " but did not answer within " + deadline.toSeconds() + " s"
                        + (attempt.refusal() == null ? "" : " (" + attempt.refusal().getMessage() + ")"),
                        location.socket(), location.logFile(), attempt.refusal());
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }

    /** A connection, or why there is none ({@code null}: no socket file). */
    record Attempt<C>(C client, IOException refusal) {
    }

    /**
     * Under the start lock: connects if a broker answers now, else starts one if none holds the database. The
     * attempt has no client when a broker is found running (busy, or still starting) or the started one gave way
     * to another.
     */
    private static <C> Attempt<C> startUnlessRunning(BrokerLocation location, Duration deadline, Launcher launcher,
                                                      Connector<C> connector) {
        IN_PROCESS.lock();
        try {
            location.ensureRuntimeDirectory();
            try (FileChannel channel = FileChannel.open(location.startLock(), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                // Whoever held the lock before us may have started it.
                Attempt<C> running = tryConnect(location, deadline, connector);
                if (running.client() != null || running.refusal() instanceof BrokerBusyException
                        || brokerHoldsDatabase(location)) {
                    return running;
                }
                return start(location, deadline, launcher, connector);
            }
        } catch (IOException e) {
            throw new BrokerUnavailableException("could not start the broker: " + e.getMessage(),
                    location.socket(), location.logFile(), e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    static <C> Attempt<C> tryConnect(BrokerLocation location, Duration deadline, Connector<C> connector) {
        if (!Files.exists(location.socket())) {
            return new Attempt<>(null, null);
        }
        try {
            // Busy answers are retried in there, up to the deadline.
            return new Attempt<>(connector.connect(location.socket(), deadline), null);
        } catch (IOException e) {
            return new Attempt<>(null, e);
        }
    }

    /** Whether a broker holds the database: then one runs, whatever its socket says. */
    static boolean brokerHoldsDatabase(BrokerLocation location) {
        return Store.isLocked(location.databaseFile());
    }

    static Process launch(BrokerLocation location) throws IOException {
        location.ensureStateDirectories();
        JvmRuntime runtime = JvmRuntime.detect(null, System.getenv(), launcherCache(location));
        if (runtime.unavailableReason().isPresent()) {
            throw new BrokerUnavailableException("cannot start the broker: " + runtime.unavailableReason().get(),
                    location.socket(), location.logFile(), null);
        }
        JavaCommand command = command(location, runtime);
        Log.LOG.info("starting the bgtasks broker: {}", command.argv());
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        // The clean base, not this app's environment (SPEC S5): the broker serves every app of the user, and no
        // run token, CLASSPATH (with -m it would add to the broker's code) or JVM option of this app reaches it.
        builder.environment().clear();
        builder.environment().putAll(brokerEnvironment(System.getenv()));
        command.applyTo(builder)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdioFile(location).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        return builder.start();
    }

    /**
     * What the broker starts with: the user's base and session variables and the broker's own settings among this
     * app's {@code BGTASKS_*}; never its run token, secrets, proxies or JVM options.
     */
    static Map<String, String> brokerEnvironment(Map<String, String> appEnvironment) {
        return TaskEnvironment.forBroker(TaskEnvironment.Os.current(), appEnvironment,
                System.getProperty("user.home"), System.getProperty("user.name", "user"));
    }

    private static <C> Attempt<C> start(BrokerLocation location, Duration deadline, Launcher launcher,
                                        Connector<C> connector) throws IOException {
        Process process = launcher.launch(location);
        long giveUp = System.nanoTime() + START_DEADLINE.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        while (System.nanoTime() < giveUp) {
            Attempt<C> attempt = tryConnect(location, deadline, connector);
            if (attempt.client() != null || attempt.refusal() instanceof BrokerBusyException) {
                return attempt;
            }
            if (process != null && !process.isAlive() && !setsidParentExitedEarly(process)) {
                if (brokerHoldsDatabase(location)) {
                    // Another broker (one not started through this lock: a service) took the database first.
                    return attempt;
                }
                throw new BrokerUnavailableException("the broker exited with code " + process.exitValue()
                        + " while starting", location.socket(), location.logFile(), null);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
        throw new BrokerUnavailableException("the broker did not answer within " + START_DEADLINE,
                location.socket(), location.logFile(), null);
    }

    /** {@code setsid} forks when it is a process-group leader, so its own exit says nothing about the broker. */
    private static boolean setsidParentExitedEarly(Process process) {
        return process.info().command().map(c -> c.endsWith("setsid")).orElse(false) && process.exitValue() == 0;
    }

    /**
     * JVM options for the broker, a small long-lived daemon: the serial collector and no JIT past C1 keep its
     * memory and background threads small, no perf-data file keeps it from waking to sample, and a capped heap
     * keeps the default (a quarter of the host's RAM) from growing its RSS after a burst of work. A small initial
     * heap lets the heap start at what the broker uses: the default (1/64 of RAM, so the whole 96 MB here) had the
     * collector touch about 20 MB more before its first collection. One compiler thread: C1 alone needs no second,
     * and each keeps its own arena; and C1 compiles a method after four times the default calls, so the code cache
     * holds the broker's hot paths, not every method a burst of work ran a few hundred times; and the heap grows
     * only while less than a tenth of it is free and gives back what is more than 30 % free after a full collection,
     * so a burst's garbage does not stay committed. Measured by
     * {@code bench/run} (the idle-broker figure); on Linux the broker also keeps to two malloc arenas
     * ({@link dev.bgtasks.spi.TaskEnvironment#BROKER_MALLOC_ARENAS}).
     */
    public static final List<String> BROKER_JVM_OPTIONS =
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xms8m", "-Xmx96m",
                    "-XX:CICompilerCount=1", "-XX:CompileThresholdScaling=4",
                    "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30");

    /**
     * The broker's command: a JVM as {@link JvmRuntime} starts one from this app's runtime (never the app's own
     * launcher, which would run the app), on bgtasks' jars, with the location this app resolved.
     */
    static JavaCommand command(BrokerLocation location, JvmRuntime runtime) {
        List<String> options = new ArrayList<>(BROKER_JVM_OPTIONS);
        if (rotatesItsLog()) {
            // SPEC B7: logback writes broker.log itself and rotates it.
            options.addAll(BrokerLog.DEFAULT.jvmOptions(location.logFile()));
        } else {
            // SPEC B7: the app's provider writes to stderr, appended to broker.log, which the broker rotates itself.
            options.add("-D" + StdioLogRotation.PROPERTY + "=" + location.logFile().toAbsolutePath());
            // Read by slf4j-simple when that is the provider, ignored otherwise: a broker log needs timestamps.
            new TreeMap<>(BrokerLog.SIMPLE_TIMESTAMPS).forEach((name, value) -> options.add("-D" + name + "=" + value));
        }
        List<String> args = List.of(location.runtimeDirectory().toString(), location.stateDirectory().toString(),
                location.logDirectory().toString());
        Module core = BrokerStarter.class.getModule();
        // Where this JVM has bgtasks: on the classpath, bgtasks' jars; as a named module (an app on the module path,
        // or a jlink image), the same module path, so the broker's boot layer binds the backends and the SLF4J
        // provider it finds there, as the app's did.
        JavaCommand jvm = core.isNamed()
                ? runtime.moduleCommand(options, RunningModules.modulePath(core), List.of(), core.getName(),
                        BrokerDaemon.class.getName(), args)
                : runtime.command(options, brokerClasspath(), BrokerDaemon.class.getName(), args);
        List<String> argv = new ArrayList<>();
        // Its own session, so the app's terminal signals (Ctrl-C to the process group) never reach the broker.
        setsid().ifPresent(argv::add);
        argv.addAll(jvm.argv());
        return new JavaCommand(argv, jvm.environment());
    }

    /** Where an app image's shadow launchers live: the broker, on the same location, finds the same ones. */
    static Path launcherCache(BrokerLocation location) {
        return location.stateDirectory().resolve("launchers");
    }

    private static boolean rotatesItsLog() {
        return BrokerLog.rotationAvailable(BrokerStarter.class.getClassLoader());
    }

    /**
     * Where the broker's stdout and stderr go: the log itself when the provider writes there (its lines go to
     * stderr), else a file of their own beside the log, since logback renames the log as it rotates. That file only
     * holds what the JVM prints outside logging, and starts afresh once it passes 1 MiB.
     */
    static Path stdioFile(BrokerLocation location) throws IOException {
        if (!rotatesItsLog()) {
            return location.logFile();
        }
        Path stray = BrokerLog.strayOutput(location);
        if (Files.isRegularFile(stray, LinkOption.NOFOLLOW_LINKS) && Files.size(stray) > 1024 * 1024) {
            Files.delete(stray);
        }
        return stray;
    }

    private static Optional<String> setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        if (!System.getProperty("os.name", "").startsWith("Windows")) {
            Log.LOG.warn("no setsid here: the broker stays in the app's process group and a Ctrl-C there stops it");
        }
        return Optional.empty();
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** The jars of bgtasks and its dependencies, backends and the app's SLF4J provider included. */
    static List<String> brokerClasspath() {
        Set<String> entries = new LinkedHashSet<>();
        ClassLoader loader = BrokerStarter.class.getClassLoader();
        for (String resource : BROKER_CLASSES) {
            containerOf(loader.getResource(resource), resource).ifPresent(entries::add);
        }
        for (HostPlatform platform : ServiceLoader.load(HostPlatform.class, loader)) {
            containerOf(platform.getClass()).ifPresent(entries::add);
            for (String resource : platform.runtimeResources()) {
                containerOf(loader.getResource(resource), resource).ifPresent(entries::add);
            }
        }
        for (org.slf4j.spi.SLF4JServiceProvider provider
                : ServiceLoader.load(org.slf4j.spi.SLF4JServiceProvider.class, loader)) {
            containerOf(provider.getClass()).ifPresent(entries::add);
        }
        if (rotatesItsLog()) {
            for (String resource : LOGBACK_CLASSES) {
                containerOf(loader.getResource(resource), resource).ifPresent(entries::add);
            }
        }
        return List.copyOf(entries);
    }

    private static Optional<String> containerOf(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        ClassLoader loader = type.getClassLoader();
        return loader == null ? Optional.empty() : containerOf(loader.getResource(resource), resource);
    }

    /** The jar or class directory that {@code resource} was found in. */
    static Optional<String> containerOf(URL url, String resource) {
        if (url == null) {
            return Optional.empty();
        }
        try {
            String text = url.toString();
            if (text.startsWith("jar:") && text.contains("!/")) {
                return Optional.of(Path.of(new URL(text.substring("jar:".length(), text.indexOf("!/"))).toURI())
                        .toString());
            }
            if (text.startsWith("file:") && text.endsWith(resource)) {
                URL root = new URL(text.substring(0, text.length() - resource.length()));
                return Optional.of(Path.of(root.toURI()).toString());
            }
        } catch (URISyntaxException | IOException | RuntimeException e) {
            Log.LOG.debug("cannot tell where {} comes from", url, e);
        }
        return Optional.empty();
    }

    /**
     * SLF4J starts with the first line logged, not with this class: a {@code bgtask} call that finds its broker
     * running logs nothing, and starting SLF4J was about 40 ms of its CPU (issue 18).
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(BrokerStarter.class);
    }
}
