package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.ipc.BrokerClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The bgtask command against a real broker it starts itself, in a home of its own. */
class CliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path home;

    @BeforeAll
    static void ownHome() throws Exception {
        home = Files.createTempDirectory(Path.of("/tmp"), "bgtcli");
        System.setProperty(BrokerLocation.HOME_PROPERTY, home.toString());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        Path pidFile = BrokerLocation.underHome(home).pidFile();
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(p -> {
                p.destroy();
                p.onExit().join();
            });
        }
        System.clearProperty(BrokerLocation.HOME_PROPERTY);
        try (java.util.stream.Stream<Path> walk = Files.walk(home)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cli = Bgtask.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Hands each document a command flushes to a queue, as it prints it. */
    private static final class Documents extends java.io.Writer {
        private final java.util.concurrent.BlockingQueue<String> printed =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final StringBuilder pending = new StringBuilder();

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            pending.append(chars, offset, length);
        }

        @Override
        public synchronized void flush() {
            if (pending.length() > 0) {
                printed.add(pending.toString());
                pending.setLength(0);
            }
        }

        @Override
        public void close() {
            flush();
        }

        /** The next printed document that matches, waiting at most 30 s; null when none came. */
        JsonNode await(Predicate<JsonNode> matches) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                String text = printed.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (text == null) {
                    return null;
                }
                JsonNode document = JSON.readTree(text);
                if (matches.test(document)) {
                    return document;
                }
            }
        }
    }

    /** A doctor report's lines from {@code platforms:} up to the socket's. */
    private static List<String> platformLines(String report) {
        List<String> lines = report.lines().toList();
        int from = lines.indexOf("platforms:");
        int to = from < 0 ? -1 : lines.subList(from, lines.size()).stream()
                .filter(line -> line.startsWith("socket:")).findFirst().map(lines::indexOf).orElse(-1);
        return from < 0 || to < 0 ? List.of() : lines.subList(from, to);
    }

    /** A call as {@code main} makes it when it is one {@link QuickCalls} answers. */
    private static Result quick(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Integer code = QuickCalls.run(args, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(String.join(" ", args)).isNotNull();
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * Waits, with a deadline, for an instance of {@code app} that {@code which} picks to complete: by its completion
     * event, or found completed already (the subscription is open before the look, so none is missed).
     */
    private static InstanceInfo awaitCompleted(String app, Predicate<InstanceInfo> which) throws Exception {
        try (BrokerClient client = BrokerClient.connect(BrokerLocation.underHome(home).socket())) {
            CompletableFuture<InstanceInfo> done = new CompletableFuture<>();
            try (AutoCloseable subscription = client.subscribe(app, event -> {
                if (event instanceof AppEvent.Completed completed && which.test(completed.instance())) {
                    done.complete(completed.instance());
                }
            })) {
                client.instances(app).stream().filter(i -> i.state() == InstanceState.COMPLETED && which.test(i))
                        .findFirst().ifPresent(done::complete);
                return done.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void registerTriggerWaitAndInspect() throws Exception {
        Result registered = run("access", "request", "--app", "com.example.cli");
        assertThat(registered.code()).as(registered.err()).isZero();
        Result reg = run("register", "--app", "com.example.cli", "--name", "echo",
                "--condition", "background-work-cost-not-high", "--time-limit", "1m", "--",
                "/bin/sh", "-c", "echo working; exit 0");
        assertThat(reg.code()).as(reg.err()).isZero();
        String taskId = reg.out().trim();

        JsonNode tasks = JSON.readTree(run("tasks", "--app", "com.example.cli", "--json").out());
        assertThat(tasks).hasSize(1);
        assertThat(tasks.get(0).get("taskId").asText()).isEqualTo(taskId);

        Result triggered = run("trigger", "--app", "com.example.cli", "--arg", "file=notes.db", "--wait", "--json");
        assertThat(triggered.code()).as(triggered.out() + triggered.err()).isZero();
        JsonNode result = JSON.readTree(triggered.out());
        assertThat(result.get("result").asText()).isEqualTo("ALLOWED");
        assertThat(result.get("instance").get("outcome").asText()).isEqualTo("SUCCEEDED");

        JsonNode runs = JSON.readTree(run("runs", "--app", "com.example.cli", "--json").out());
        assertThat(runs.get(0).get("state").asText()).isEqualTo("COMPLETED");
        assertThat(runs.get(0).get("exitCode").asInt()).isZero();
    }

    @Test
    void aCommandTaskSetsItsResultWithBgtaskResult() throws Exception { // SPEC P2
        run("access", "request", "--app", "com.example.result");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        Result reg = run("register", "--app", "com.example.result", "--name", "count", "--time-limit", "1m", "--",
                java, "-cp", classpath, Bgtask.class.getName(), "result", "rows=1200", "file=out.csv");
        assertThat(reg.code()).as(reg.err()).isZero();

        Result triggered = run("trigger", "--app", "com.example.result", "--wait", "--json");
        assertThat(triggered.code()).as(triggered.out() + triggered.err()).isZero();
        JsonNode instance = JSON.readTree(triggered.out()).get("instance");
        assertThat(instance.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(instance.get("result").get("rows").asText()).isEqualTo("1200");
        assertThat(instance.get("result").get("file").asText()).isEqualTo("out.csv");

        JsonNode runs = JSON.readTree(run("runs", "--app", "com.example.result", "--json").out());
        assertThat(runs.get(0).get("result").get("rows").asText()).isEqualTo("1200");
        assertThat(run("runs", "--app", "com.example.result").out()).contains("result: {rows=1200, file=out.csv}");

        // Issue 18: the quick calls (no mapper, no reflection) print what the typed client and Output printed.
        try (BrokerClient typed = BrokerClient.connect(BrokerLocation.underHome(home).socket())) {
            StringWriter before = new StringWriter();
            Output.json(new PrintWriter(before), Output.instances(typed.instances("com.example.result")));
            assertThat(quick("runs", "--app", "com.example.result", "--json")).isEqualTo(new Result(0,
                    before.toString(), ""));
            before = new StringWriter();
            Output.json(new PrintWriter(before), typed.registrations("com.example.result"));
            assertThat(quick("tasks", "--app", "com.example.result", "--json")).isEqualTo(new Result(0,
                    before.toString(), ""));
        }
        for (String[] args : List.of(new String[] {"runs", "--app", "com.example.result"},
                new String[] {"access", "status", "--app", "com.example.result"},
                new String[] {"runs", "--app", "com.example.none", "--json"})) {
            assertThat(quick(args)).as(String.join(" ", args)).isEqualTo(run(args));
        }

        Result outside = run("result", "a=b");
        assertThat(outside.code()).isEqualTo(2);
        assertThat(outside.err()).contains("only inside a task");
    }

    @Test
    void aCommandThatExits75RunsAgainUnderItsRetryPolicy() throws Exception { // SPEC P1
        run("access", "request", "--app", "com.example.retry");
        Path marker = home.resolve("retry-marker");
        Result reg = run("register", "--app", "com.example.retry", "--name", "flaky", "--retry", "linear,1s,1s,3",
                "--", "/bin/sh", "-c", "if [ -e '" + marker + "' ]; then exit 0; fi; touch '" + marker + "'; exit 75");
        assertThat(reg.code()).as(reg.err()).isZero();
        assertThat(run("register", "--app", "com.example.retry", "--name", "bad", "--trigger", "bad",
                "--retry", "sideways,1s,1s,3", "--", "/bin/true").err()).contains("linear or exponential");

        Result triggered = run("trigger", "--app", "com.example.retry", "--wait", "--json");
        assertThat(triggered.code()).as(triggered.out() + triggered.err()).isZero();
        JsonNode instance = JSON.readTree(triggered.out()).get("instance");
        assertThat(instance.get("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(instance.get("attempt").asInt()).isEqualTo(2);
        assertThat(instance.get("nextAttemptAt").isNull()).isTrue();
        JsonNode runs = JSON.readTree(run("runs", "--app", "com.example.retry", "--json").out());
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void triggerDebugPrintsAPortThatJdbAttachesTo() throws Exception { // issue 16: debugging a task
        run("access", "request", "--app", "com.example.debug");
        String classpath = System.getProperty("java.class.path");
        Result refused = run("register", "--app", "com.example.debug", "--name", "agent", "--trigger", "agent",
                "--entry-point", ExampleBackgroundTask.class.getName(), "--classpath", classpath,
                "--jvm-option=-javaagent:/tmp/agent.jar");
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("jvmOptions");
        Result reg = run("register", "--app", "com.example.debug", "--name", "example", "--entry-point",
                ExampleBackgroundTask.class.getName(), "--classpath", classpath,
                "--jvm-option=-XX:+DisableAttachMechanism", "--jvm-option=-Dexample.debugged=true");
        assertThat(reg.code()).as(reg.err()).isZero();

        Result triggered = run("trigger", "--app", "com.example.debug", "--debug", "--json");
        assertThat(triggered.code()).as(triggered.out() + triggered.err()).isZero();
        JsonNode debug = JSON.readTree(triggered.out()).get("debug");
        String address = debug.get("host").asText() + ":" + debug.get("port").asInt();
        String instanceId = JSON.readTree(triggered.out()).get("instanceId").asText();
        assertThat(run("trigger", "--app", "com.example.debug", "--debug", "1").out())
                .doesNotContain("debug:"); // CURRENTLY_RUNNING: no JVM waits for that one

        String jdb = Path.of(System.getProperty("java.home"), "bin", "jdb").toString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String jdbOutput = "";
        while (System.nanoTime() < deadline) {
            Process attach = new ProcessBuilder(Files.exists(Path.of(jdb)) ? jdb : "jdb", "-attach", address)
                    .redirectErrorStream(true).start();
            StringBuffer seen = new StringBuffer();
            // Done when jdb has the JVM ("VM Started"), or when jdb's output ends (it could not attach).
            CompletableFuture<Void> attachedOrGone = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (var in = attach.getInputStream()) {
                    byte[] buffer = new byte[4096];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        seen.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                        if (seen.indexOf("VM Started") >= 0) {
                            attachedOrGone.complete(null);
                        }
                    }
                } catch (java.io.IOException e) {
                    seen.append(e);
                } finally {
                    attachedOrGone.complete(null);
                }
            });
            reader.start();
            // The JVM waits suspended; once jdb has it, it is told to go on, and jdb ends with it.
            try {
                attachedOrGone.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // Judged below by what jdb printed.
            }
            if (attach.isAlive()) {
                attach.getOutputStream().write("cont\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                attach.getOutputStream().flush();
            }
            if (!attach.waitFor(60, TimeUnit.SECONDS)) {
                attach.destroyForcibly();
            }
            reader.join(5_000);
            jdbOutput = seen.toString();
            if (jdbOutput.contains("VM Started")) {
                break;
            }
            // Its JVM is not listening yet: jdb refused at once. A pause, not a wait for an event: nothing tells
            // when a JDWP socket starts listening, and a probe would use up its one connection.
            Thread.sleep(200);
        }
        assertThat(jdbOutput).as("jdb's session").contains("VM Started");

        InstanceInfo done = awaitCompleted("com.example.debug", i -> i.instanceId().toString().equals(instanceId));
        assertThat(done.outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
    }

    @Test
    void aFailingTaskMakesWaitExitNonZeroAndDenialIsDisabledByPolicy() {
        run("access", "request", "--app", "com.example.fail");
        assertThat(run("register", "--app", "com.example.fail", "--name", "false", "--", "/bin/false").code())
                .isZero();
        Result failed = run("trigger", "--app", "com.example.fail", "--wait");
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED");

        assertThat(run("access", "deny", "com.example.fail").code()).isZero();
        Result denied = run("trigger", "--app", "com.example.fail");
        assertThat(denied.code()).isEqualTo(1);
        assertThat(denied.out()).contains("DISABLED_BY_POLICY");
        assertThat(run("access", "status", "--app", "com.example.fail").out()).contains("DENIED_BY_USER");
    }

    @Test
    void aTasksEnvironmentIsTheBaseAndItsOwnVariablesNotTheShells() throws Exception { // SPEC S5
        run("access", "request", "--app", "com.example.env");
        Result reg = run("register", "--app", "com.example.env", "--name", "env", "--env", "NOTES_PROFILE=work",
                "--env", "GREETING=a=b", "--", "/usr/bin/env");
        assertThat(reg.code()).as(reg.err()).isZero();
        Result triggered = run("trigger", "--app", "com.example.env", "--wait", "--json");
        assertThat(triggered.code()).as(triggered.out() + triggered.err()).isZero();
        String instanceId = JSON.readTree(triggered.out()).get("instance").get("instanceId").asText();

        java.util.List<String> lines = Files.readAllLines(BrokerLocation.underHome(home).stateDirectory()
                .resolve("runs").resolve(instanceId + ".log"));
        assertThat(lines).contains("NOTES_PROFILE=work", "GREETING=a=b");
        java.util.regex.Pattern base = java.util.regex.Pattern.compile("(HOME|USER|LOGNAME|SHELL|TMPDIR|PATH|PWD"
                + "|LANG|LANGUAGE|LC_[A-Z_]+|XDG_[A-Z_]+_(HOME|DIRS)|BGTASKS_(RUN_TOKEN|INSTANCE_ID|TASK_ID|SOCKET|HOME)"
                + "|NOTES_PROFILE|GREETING)=.*");
        assertThat(lines).allSatisfy(line -> assertThat(line).matches(base));
    }

    @Test
    void aRefusedVariableIsOneClearLineAndNothingIsRegistered() throws Exception { // SPEC S5, R1
        run("access", "request", "--app", "com.example.refused");
        Result loader = run("register", "--app", "com.example.refused", "--name", "x", "--env",
                "LD_PRELOAD=/tmp/x.so", "--", "/bin/true");
        assertThat(loader.code()).isNotZero();
        assertThat(loader.err()).contains("environment", "LD_PRELOAD", "dynamic loader")
                .doesNotContain("at dev.bgtasks");
        Result noValue = run("register", "--app", "com.example.refused", "--name", "x", "--env", "NAME",
                "--", "/bin/true");
        assertThat(noValue.code()).isNotZero();
        assertThat(noValue.err()).contains("--env NAME is not NAME=VALUE");
        assertThat(JSON.readTree(run("tasks", "--app", "com.example.refused", "--json").out())).isEmpty();
    }

    @Test
    void badInputIsOneClearLine() {
        Result unknownCondition = run("register", "--app", "com.example.bad", "--name", "x",
                "--condition", "sunny", "--", "/bin/true");
        assertThat(unknownCondition.code()).isNotZero();
        assertThat(unknownCondition.err()).contains("unknown condition 'sunny'").doesNotContain("at dev.bgtasks");
        Result both = run("register", "--app", "com.example.bad", "--name", "x", "--entry-point", "a.B",
                "--", "/bin/true");
        assertThat(both.code()).isNotZero();
        assertThat(both.err()).contains("either --entry-point");
    }

    @Test
    void simulatedSignalsShowInSignalsAndDoctorNamesTheBackend() throws Exception {
        assertThat(run("simulate", "energy-saver=true").code()).isZero();
        JsonNode signals = JSON.readTree(run("signals", "--json").out());
        assertThat(signals.get("energySaver").asBoolean()).isTrue();
        assertThat(signals.get("backgroundWorkCost").asText()).isEqualTo("HIGH");
        assertThat(run("simulate", "--clear").code()).isZero();
        assertThat(JSON.readTree(run("signals", "--json").out()).get("energySaver").asBoolean()).isFalse();

        // Issue 18: --watch prints what the broker pushes, each change once it happens.
        Documents watched = new Documents();
        CompletableFuture<Integer> watching = new CompletableFuture<>();
        Thread watcher = new Thread(() -> watching.complete(SignalsCommand.run(true, true, new PrintWriter(watched))));
        watcher.start();
        assertThat(watched.await(document -> true)).isNotNull();
        assertThat(run("simulate", "energy-saver=true").code()).isZero();
        assertThat(watched.await(document -> document.get("energySaver").asBoolean())).isNotNull();
        assertThat(run("simulate", "--clear").code()).isZero();
        assertThat(watched.await(document -> !document.get("energySaver").asBoolean())).isNotNull();
        watcher.interrupt();
        assertThat(watching.get(30, TimeUnit.SECONDS)).isZero();

        Result doctor = run("doctor");
        assertThat(doctor.out()).contains("in use:", "sandbox:", "signals:", "socket:", home.toString(),
                "java start archives: ", "broker:   answers");
        // How the broker starts JVMs: here, this JDK's own java (issue 13).
        assertThat(doctor.out()).contains("java:     " + Path.of(System.getProperty("java.home"), "bin", "java"));
        // The quick doctor looks at the platforms and connects while it parses (issue 18): the same report.
        Result quickDoctor = quick("doctor");
        assertThat(quickDoctor.code()).isZero();
        assertThat(quickDoctor.out()).contains("broker:   answers");
        assertThat(platformLines(quickDoctor.out())).isNotEmpty().isEqualTo(platformLines(doctor.out()));
        if (System.getProperty("os.name").startsWith("Linux")) {
            // SPEC R9: the doctor names the mechanism in force; a Linux CI host must have a cgroup for tasks.
            assertThat(doctor.out()).contains("in use: linux").containsAnyOf("cgroup1 memory+pids",
                    "cgroup2 memory.max+pids.max");
        }
    }

    @Test
    void theDemoRunsTheSeedScenarioEndToEnd() {
        Result demo = run("demo");
        assertThat(demo.code()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("requestAccess() -> ALLOWED_SUBJECT_TO_SYSTEM_POLICY")
                .contains("-> ALLOWED").contains("-> CURRENTLY_RUNNING").contains("completed: SUCCEEDED")
                .contains("-> DISABLED_BY_POLICY").contains("100%");
    }

    @Test
    void aRigTaskWaitsForItsHardwareAndStartsOnASimulation() throws Exception { // SPEC H1, H3, H5, F1
        String app = "com.example.rig";
        assertThat(run("access", "request", "--app", app).code()).isZero();
        Result reg = run("register", "--app", app, "--name", "capture", "--condition", "usb-device=1d6b:0002",
                "--condition", "cpu-temperature-below=70", "--condition", "volume-mounted=/", "--uses", "scope-1",
                "--", "/bin/sh", "-c", "exit 0");
        assertThat(reg.code()).as(reg.err()).isZero();
        JsonNode definition = JSON.readTree(run("tasks", "--app", app, "--json").out()).get(0);
        assertThat(definition.toString()).contains("USB_DEVICE").contains("scope-1").doesNotContain("\"empty\"");

        assertThat(run("tasks", "--app", app).out()).contains("hardware: usb-device=1d6b:0002, cpu-temperature-below=70,"
                + " volume-mounted=/").contains("uses: scope-1");
        Result triggered = run("trigger", "--app", app);
        assertThat(triggered.code()).as(triggered.err()).isZero();
        assertThat(triggered.out()).startsWith("ALLOWED");
        Result runs = run("runs", "--app", app);
        assertThat(runs.out()).contains("waiting for: ").contains("usb-device=1d6b:0002")
                .doesNotContain("volume-mounted=/");

        assertThat(run("simulate", "usb-device=1d6b:0002=true", "cpu-temperature=45").code()).isZero();
        JsonNode signals = JSON.readTree(run("signals", "--json").out());
        assertThat(signals.get("hardware").get("cpuTemperatureCelsius").asDouble()).isEqualTo(45.0);
        assertThat(signals.get("hardware").get("conditionOverrides").get("usb-device=1d6b:0002").asBoolean())
                .isTrue();
        assertThat(run("signals").out()).contains("volumes").contains("simulated          usb-device=1d6b:0002=true");
        assertThat(awaitCompleted(app, i -> true).state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(run("simulate", "--clear").code()).isZero();
        assertThat(run("doctor").out()).contains("CPU_TEMPERATURE: OSHI").contains("while a registration needs it");
    }

    @Test
    void aDeviceTriggerIsRegisteredListedAndFiresOnASimulatedAttach() throws Exception { // SPEC H8
        String app = "com.example.probe";
        assertThat(run("access", "request", "--app", app).code()).isZero();
        Result wrong = run("register", "--app", app, "--name", "probe", "--every", "1h", "--also-detached", "--",
                "/bin/true");
        assertThat(wrong.code()).isNotZero();
        assertThat(wrong.err()).contains("--also-detached goes with --on device-attached=");
        Result reg = run("register", "--app", app, "--name", "probe", "--on", "device-attached=0BDA:5411",
                "--also-detached", "--", "/bin/sh", "-c", "exit 0");
        assertThat(reg.code()).as(reg.err()).isZero();
        assertThat(run("tasks", "--app", app).out()).contains("on usb-device=0bda:5411 attached or detached");
        assertThat(run("runs", "--app", app, "--json").out().trim()).isEqualTo("[ ]");

        assertThat(run("simulate", "usb-device=0bda:5411=true").code()).isZero();
        assertThat(awaitCompleted(app, i -> true).state()).isEqualTo(InstanceState.COMPLETED);
        assertThat(run("simulate", "--clear").code()).isZero();
    }
}
