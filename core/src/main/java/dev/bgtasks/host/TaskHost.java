package dev.bgtasks.host;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.ipc.BrokerProtocolException;
import dev.bgtasks.ipc.HostConnection;
import dev.bgtasks.ipc.SuppressForbidden;
import dev.bgtasks.ipc.WarmUpBroker;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.task.ApplicationTriggerDetails;
import dev.bgtasks.task.BackgroundTask;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.task.BackgroundTaskInstance;
import dev.bgtasks.task.BackgroundWorkCost;
import dev.bgtasks.task.MemoryManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The main class of a Java task process: {@code java -cp <app classpath> dev.bgtasks.host.TaskHost <entry point>}.
 * It connects back to the broker with the run token from its environment (SPEC S2), runs the entry point through
 * a {@link TaskRunner}, and reports progress, cancellation and the result over that connection. The task's own
 * stdout and stderr go to the instance's log file, never into the channel.
 *
 * <pre>{@code
 * BGTASKS_SOCKET=/run/user/1000/bgtasks/broker.sock BGTASKS_RUN_TOKEN=... \
 *     java -cp app.jar dev.bgtasks.host.TaskHost tasks.ExportTask
 * }</pre>
 *
 * <p>Its own few lines go straight to stderr, the instance log: the task's classpath is the app's, where an SLF4J
 * provider may be missing, and a logging framework's start-up (java.util.logging's is about 100 ms) would delay
 * every task's first line.
 *
 * <p>How {@code run} ended is written to the instance's result record ({@code BGTASKS_RESULT_FILE},
 * {@link TaskEndRecords}) before it is reported (SPEC B5): a broker that dies after hearing it, or one that is not
 * back within the host's reconnect window, leaves the next broker that record to read. A host whose broker stays
 * away past that window exits with its result's code, the record in place.
 *
 * <p>Exit codes: 0 when the run succeeded, 1 when it failed, 2 when the host could not start it at all.
 */
public final class TaskHost {
    static final int EXIT_SUCCESS = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_CANNOT_RUN = 2;
    /** The broker's training run for a class-data archive; see {@link #warmUp}. */
    static final String WARM_UP_FLAG = "--warm-up";
    /**
     * Names the file where the training run leaves the class of the JDK's own selector provider, when its classpath
     * names none as a service (see {@link #recordSelectorProvider}); the broker spells it too, a test checks they agree.
     */
    static final String SELECTOR_PROVIDER_FILE_PROPERTY = "bgtasks.warmUp.selectorProviderFile";
    /** Set to 1 by the broker for a standby host (SPEC W1); the broker spells it too, a test checks they agree. */
    static final String STANDBY_VARIABLE = "BGTASKS_STANDBY";

    private TaskHost() {
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv());
        // Exit even if the task left non-daemon threads behind: the run is over once its result is reported.
        System.exit(code);
    }

    static int run(String[] args, Map<String, String> env) {
        if (args.length == 2 && args[0].equals(WARM_UP_FLAG)) {
            return warmUp(args[1]);
        }
        if (args.length != 1) {
            say("ERROR", "usage: TaskHost <entry point class>");
            return EXIT_CANNOT_RUN;
        }
        String socket = env.get("BGTASKS_SOCKET");
        String token = env.get(RunToken.ENVIRONMENT_VARIABLE);
        if (socket == null || token == null) {
            say("ERROR", "BGTASKS_SOCKET and BGTASKS_RUN_TOKEN must be set: the broker starts task hosts");
            return EXIT_CANNOT_RUN;
        }
        if ("1".equals(env.get(STANDBY_VARIABLE))) {
            return standBy(args[0], socket, token);
        }
        PendingCancel cancel = new PendingCancel();
        try (HostConnection connection = HostConnection.attach(Path.of(socket), token, cancel::deliver)) {
            Path resultFile = env.containsKey(TaskEndRecords.RESULT_FILE_VARIABLE)
                    ? Path.of(env.get(TaskEndRecords.RESULT_FILE_VARIABLE)) : null;
            return runAttached(args[0], connection, connection.attachment(), resultFile, cancel);
        } catch (IOException e) {
            say("ERROR", "cannot reach the broker at " + socket + ": " + e.getMessage());
            return EXIT_CANNOT_RUN;
        } catch (IllegalArgumentException e) {
            say("ERROR", "the broker refused this task host: " + e.getMessage());
            return EXIT_CANNOT_RUN;
        }
    }

    /**
     * SPEC W1: a standby host. It loads the entry class without initializing it (no app code runs), walks its own
     * paths, then connects and waits for the broker to hand it an instance; then it runs that instance like a
     * cold-started host. When the broker ends its connection first, it exits: there is nothing for it to do.
     */
    static int standBy(String entryPoint, String socket, String token) {
        // Before the hello, not after: the broker hands an instance to a standby once it has said hello, and a take
        // that came during the warm-up would wait for it, on cores the warm-up's compiler threads keep busy.
        try {
            Class.forName(entryPoint, false, TaskHost.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            say("WARN", "cannot load " + entryPoint + " ahead of its trigger: " + e);
        }
        // The host's own path from the take to run (the codec, the runner), walked now rather than after the
        // trigger; none of it is the app's.
        if (!warmHostPaths()) {
            say("WARN", "the warm-up of the host's own paths failed; the task will start slower");
        }
        PendingCancel cancel = new PendingCancel();
        try (HostConnection connection = HostConnection.standBy(Path.of(socket), token, cancel::deliver)) {
            if (!entryPoint.equals(connection.standby().entryPoint())) {
                say("ERROR", "started for " + entryPoint + " but the broker registered "
                        + connection.standby().entryPoint());
                return EXIT_CANNOT_RUN;
            }
            say("INFO", "standing by for " + entryPoint);
            HostConnection.Take take;
            try {
                take = connection.awaitTake();
            } catch (IOException e) {
                say("INFO", "standby over before any trigger: " + e.getMessage());
                return EXIT_CANNOT_RUN;
            }
            say("INFO", line("standby host took instance ", take.attachment().instanceId()));
            return runAttached(entryPoint, connection, take.attachment(),
                    take.resultFile() == null ? null : Path.of(take.resultFile()), cancel);
        } catch (IOException e) {
            say("ERROR", "cannot reach the broker at " + socket + ": " + e.getMessage());
            return EXIT_CANNOT_RUN;
        } catch (IllegalArgumentException e) {
            say("ERROR", "the broker refused this standby host: " + e.getMessage());
            return EXIT_CANNOT_RUN;
        }
    }

    private static int runAttached(String entryPoint, HostConnection connection, HostAttachment attachment,
                                   Path resultFile, PendingCancel cancel) {
        if (!entryPoint.equals(attachment.entryPoint())) {
            say("ERROR", "started for " + entryPoint + " but the broker registered "
                    + attachment.entryPoint());
            return EXIT_CANNOT_RUN;
        }
        TaskRunner runner = new TaskRunner(new ConnectionReporter(connection, resultFile),
                attachment.instanceId(),
                attachment.taskId(),
                new ApplicationTriggerDetails(ValueMapCodec.decode(attachment.arguments())),
                new FixedCost(attachment.backgroundWorkCost()));
        cancel.attach(runner);
        MemoryManager.install(new BrokerMemory(connection));
        BackgroundTask task;
        try {
            task = instantiate(entryPoint);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            say("ERROR", "cannot create " + entryPoint, e);
            new ConnectionReporter(connection, resultFile).completed(
                    new TaskResult(e.getClass().getName(), "cannot create " + entryPoint + ": " + e.getMessage()));
            return EXIT_FAILED;
        }
        say("INFO", line("running ", entryPoint, " as instance ", attachment.instanceId()));
        TaskResult result = runner.run(task);
        return result.succeeded() ? EXIT_SUCCESS : EXIT_FAILED;
    }

    /**
     * The training run of the broker's class-data archive for this classpath: walks the host's own start path
     * (logging, the wire codec, the socket classes, a run through {@link TaskRunner}), then a whole cold start of a
     * task of the host's own against a {@link WarmUpBroker} (the connection's classes and threads, the hello, the
     * reports: what a real start loads before the task's first line), and loads the entry point class without
     * initializing it, so nothing of the app runs. The JVM dumps what it loaded at exit.
     */
    static int warmUp(String entryPoint) {
        say("INFO", "warming up the task host for " + entryPoint);
        if (!warmHostPaths()) {
            return EXIT_FAILED;
        }
        warmColdStart();
        try {
            Class.forName(entryPoint, false, TaskHost.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            say("ERROR", "cannot load " + entryPoint + ": " + e);
            return EXIT_CANNOT_RUN;
        }
        String providerFile = System.getProperty(SELECTOR_PROVIDER_FILE_PROPERTY);
        if (providerFile != null) {
            recordSelectorProvider(Path.of(providerFile));
        }
        return EXIT_SUCCESS;
    }

    /**
     * Leaves in {@code file} the class of the selector provider this JVM uses when nothing chose one: no
     * {@code java.nio.channels.spi.SelectorProvider} property and no provider named as a service on the classpath.
     * The broker names that class to the tasks started from this classpath's archive, which spares each of them the
     * JDK's lookup of the service across every jar before its first socket, with the same provider as a result. When
     * the classpath names one, nothing is left: that is the app's choice, and its tasks look it up as before.
     *
     * @param file where the class name goes
     */
    static void recordSelectorProvider(Path file) {
        try {
            if (System.getProperty(SelectorProvider.class.getName()) != null || ServiceLoader.load(
                    SelectorProvider.class, ClassLoader.getSystemClassLoader()).stream().findFirst().isPresent()) {
                return;
            }
            Files.writeString(file, SelectorProvider.provider().getClass().getName());
        } catch (IOException | RuntimeException | ServiceConfigurationError e) {
            say("WARN", "cannot record the selector provider in " + file + " (" + e + "); tasks will look it up");
        }
    }

    /**
     * A cold start of {@link WarmUpTask} against a stand-in broker, through {@link #run} as a real one goes. Its
     * failure costs the archive some classes, never the training: it is only warned of.
     *
     * @return whether the task ran and its result was answered
     */
    static boolean warmColdStart() {
        UUID none = new UUID(0, 0);
        HostAttachment attachment = new HostAttachment(none, none, "warm.up", "warm-up", WarmUpTask.class.getName(),
                ValueMapCodec.encode(Map.of("warm", "up")), false, BackgroundWorkCost.LOW);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("bgtasks-warm-up");
            try (WarmUpBroker broker = WarmUpBroker.start(dir.resolve("broker.sock"), attachment)) {
                int code = run(new String[] {WarmUpTask.class.getName()}, Map.of(
                        "BGTASKS_SOCKET", broker.socket().toString(), RunToken.ENVIRONMENT_VARIABLE, "warm-up"));
                if (code == EXIT_SUCCESS) {
                    return true;
                }
                say("WARN", "the warm-up's cold start ended with " + code + "; tasks will start slower");
            }
        } catch (IOException | RuntimeException e) {
            say("WARN", "the warm-up's cold start failed (" + e + "); tasks will start slower");
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    say("WARN", "cannot delete " + dir + ": " + e);
                }
            }
        }
        return false;
    }

    /** The task of the warm-up's cold start: reports progress, as tasks do, and nothing else. */
    private static final class WarmUpTask implements BackgroundTask {
        public WarmUpTask() {
            // Public: the host creates its task through the public no-argument constructor.
        }

        @Override
        public void run(BackgroundTaskInstance instance) {
            instance.setProgress(100);
        }
    }

    /**
     * Walks the host's own start path without a broker (the wire codec, the socket classes, a run through
     * {@link TaskRunner}): for the training run of a class-data archive, and in a standby host before its take.
     *
     * @return false when a part of it failed
     */
    static boolean warmHostPaths() {
        try {
            HostConnection.warmUp();
        } catch (IOException e) {
            say("ERROR", "cannot open a Unix domain socket: " + e.getMessage());
            return false;
        }
        UUID none = new UUID(0, 0);
        TaskReporter discard = new TaskReporter() {
            @Override
            public void progress(int value) {
            }

            @Override
            public void result(byte[] encoded) {
            }

            @Override
            public void completed(TaskResult result) {
            }
        };
        TaskRunner runner = new TaskRunner(discard, none, none,
                new ApplicationTriggerDetails(ValueMapCodec.decode(ValueMapCodec.encode(Map.of("warm", "up")))),
                new FixedCost(BackgroundWorkCost.LOW));
        // Loaded here, not after a take: what a host makes between the take and run, none of it the task's.
        new ConnectionReporter(null, null).getClass();
        new BrokerMemory(null).getClass();
        try {
            Class.forName(MemoryManager.class.getName(), true, TaskHost.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            say("ERROR", "cannot load " + MemoryManager.class.getName() + ": " + e);
            return false;
        }
        if (!runner.run(instance -> instance.setProgress(100)).succeeded()) {
            say("ERROR", "the warm-up run failed");
            return false;
        }
        return true;
    }

    private static void say(String level, String message) {
        say(level, message, null);
    }

    /**
     * A line of the path from a standby's take to {@code run}, built without string concatenation's invokedynamic:
     * each such call site links on its first run, milliseconds on a JVM that has not run it before.
     */
    private static String line(Object... parts) {
        StringBuilder text = new StringBuilder();
        for (Object part : parts) {
            text.append(part);
        }
        return text.toString();
    }

    @SuppressForbidden(reason = "the task's stderr is its instance log, where the host's lines belong")
    private static void say(String level, String message, Throwable error) {
        PrintStream err = System.err;
        err.println(Instant.now() + " " + level + " bgtasks task host: " + message);
        if (error != null) {
            error.printStackTrace(err);
        }
        err.flush();
    }

    private static BackgroundTask instantiate(String className) throws ReflectiveOperationException {
        Class<?> type = Class.forName(className, true, TaskHost.class.getClassLoader());
        return (BackgroundTask) type.getConstructor().newInstance();
    }

    /**
     * Sends what the runner reports over the broker connection; the result goes to the result record first, so it
     * outlives a broker that is not there to hear it (SPEC B5).
     *
     * @param resultFile the instance's result record, null when the broker gave none
     */
    private record ConnectionReporter(HostConnection connection, Path resultFile) implements TaskReporter {
        @Override
        public void progress(int value) {
            connection.progress(value);
        }

        @Override
        public void result(byte[] encoded) {
            connection.setResult(encoded);
        }

        @Override
        public void completed(TaskResult result) {
            boolean recorded = record(result);
            try {
                connection.result(result.errorClass(), result.errorMessage(), result.retryRequested());
            } catch (BrokerProtocolException e) {
                if (!recorded) {
                    throw e;
                }
                say("WARN", "no broker to report the result to (" + e.getMessage() + "); it is in " + resultFile
                        + " for the next broker");
            }
        }

        private boolean record(TaskResult result) {
            if (resultFile == null) {
                return false;
            }
            try {
                TaskEndRecords.writeResult(resultFile, new TaskEndRecords.Result(result.errorClass(),
                        result.succeeded() ? null : Objects.requireNonNullElse(result.errorMessage(), ""),
                        Instant.now(), result.retryRequested()));
                return true;
            } catch (IOException | RuntimeException e) {
                say("WARN", "cannot write the result record " + resultFile + ": " + e);
                return false;
            }
        }
    }

    /** The work cost the broker said at the attach or the take: a class, not a lambda, so the warm-up loads it. */
    private record FixedCost(BackgroundWorkCost cost) implements Supplier<BackgroundWorkCost> {
        @Override
        public BackgroundWorkCost get() {
            return cost;
        }
    }

    /** {@code MemoryManager} inside the task: the numbers the broker's sandbox has for the whole tree (SPEC X11). */
    private record BrokerMemory(HostConnection connection) implements MemoryManager.Source {
        @Override
        public long usage() {
            return connection.memory().usageBytes();
        }

        @Override
        public long limit() {
            return connection.memory().limitBytes();
        }

        @Override
        public boolean trySetLimit(long bytes) {
            return connection.trySetMemoryLimit(bytes);
        }
    }

    /** A cancellation can arrive before the runner exists (the broker re-sends it on attach); keep it until then. */
    private static final class PendingCancel {
        private TaskRunner runner;
        private BackgroundTaskCancellationReason early;

        synchronized void deliver(BackgroundTaskCancellationReason reason) {
            if (runner != null) {
                runner.cancel(reason);
            } else if (early == null) {
                early = reason;
            }
        }

        void attach(TaskRunner taskRunner) {
            BackgroundTaskCancellationReason reason;
            synchronized (this) {
                runner = taskRunner;
                reason = early;
            }
            if (reason != null) {
                taskRunner.cancel(reason);
            }
        }
    }
}
