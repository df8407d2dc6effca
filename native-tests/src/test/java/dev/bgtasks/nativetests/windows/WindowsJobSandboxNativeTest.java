package dev.bgtasks.nativetests.windows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.nativetests.JavaProcess;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEnvironment;
import dev.bgtasks.windows.sandbox.WindowsJobSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 on a real Windows host: tasks in job objects. A task that commits past its job memory limit ends
 * {@code OUT_OF_MEMORY} (SPEC X10); a task cannot have more processes than its limit (SPEC X12); a kill takes the
 * grandchildren too (SPEC X13); arguments reach the task unchanged, without a shell (SPEC S3). Skipped elsewhere
 * (Windows only); on Windows a sandbox that cannot be made fails the tests.
 */
@EnabledOnOs(OS.WINDOWS)
class WindowsJobSandboxNativeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private WindowsJobSandbox sandbox;
    private final List<SandboxedProcess> started = new ArrayList<>();

    @BeforeEach
    void openSandbox() {
        sandbox = WindowsJobSandbox.open();
    }

    @AfterEach
    void killEverything() throws Exception {
        for (SandboxedProcess p : started) {
            p.kill();
            p.onExit().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        sandbox.close();
    }

    /** SPEC X10: committing past the job memory limit stops the whole task, recorded OUT_OF_MEMORY. */
    @Test
    void taskPastItsMemoryLimitEndsOutOfMemory() throws Exception {
        long limit = 192L << 20;
        Task task = launch(ResourceLimits.builder().memoryBytes(limit).build(),
                JavaProcess.command(Allocate.class, List.of("-Xms16m", "-Xmx1g", "-XX:+UseSerialGC"), "1024"));

        ExitStatus status = exitOf(task.process());

        assertThat(status.reason()).as("log:%n%s", task.log()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        assertThat(status.peakMemoryBytes()).isPositive().isLessThanOrEqualTo(limit);
        assertThat(task.log()).doesNotContain("allocated 1024 MiB");
    }

    /** SPEC X12: the job refuses processes past its limit; the task that fails for it ends PROCESS_LIMIT. */
    @Test
    void processLimitCapsTheTree() throws Exception {
        Task task = launch(ResourceLimits.builder().maxProcesses(3).build(),
                JavaProcess.command(Spawn.class, List.of(), "6", "hold"));

        ExitStatus status = exitOf(task.process());

        // The spawner itself is one process of three: two children start, the other four are refused.
        assertThat(task.log()).contains("started=2 refused=4");
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
        assertThat(status.exitCode()).isEqualTo(3);
    }

    /** SPEC X13: a kill ends the children of the task too, though they are not the process the broker started. */
    @Test
    void killTakesTheWholeTree() throws Exception {
        Task task = launch(ResourceLimits.defaults(), JavaProcess.command(Spawn.class, List.of(), "2", "wait"));
        assertThat(waitUntil(() -> childPids(task).size() == 2, DEADLINE)).as("log:%n%s", task.log()).isTrue();
        List<Long> children = childPids(task);
        assertThat(children).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

        task.process().kill();

        ExitStatus status = exitOf(task.process());
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
        for (long pid : children) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("child %d", pid)
                    .isFalse();
        }
    }

    /**
     * Polite cancel: {@code CTRL_BREAK_EVENT} reaches a console program, whose default handler ends it with
     * {@code STATUS_CONTROL_C_EXIT}. The JVM with {@code -Xrs} installs no console handler of its own, so it is such
     * a program (a plain JVM would print a thread dump and go on).
     */
    @Test
    void terminateSendsCtrlBreakToAConsoleProgram() throws Exception {
        Task task = launch(ResourceLimits.defaults(), JavaProcess.command(Wait.class, List.of("-Xrs")));
        assertThat(waitUntil(() -> logContains(task, "waiting"), DEADLINE)).isTrue();

        task.process().terminate();

        ExitStatus status = exitOf(task.process());
        assertThat(status.exitCode()).isEqualTo(0xC000013A);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
    }

    /** SPEC S3: tricky arguments arrive exactly as given; nothing is read by a shell. */
    @Test
    void argumentsRoundTrip() throws Exception {
        List<String> arguments = List.of("plain", "", "a b", "tab\there", "say \"hi\"", "dir\\",
                "C:\\Program Files\\", "a\\\"b", "\\\\server\\share", "%PATH% & echo x | y ^ z", "\"", "\\",
                "trailing \\\\", "<redirect>", "semi;colon");
        Path out = dir.resolve("args.txt");
        List<String> command = JavaProcess.command(Echo.class, List.of(), out.toString());
        command.addAll(arguments);
        Task task = launch(ResourceLimits.defaults(), command);

        ExitStatus status = exitOf(task.process());

        assertThat(status.exitCode()).as("log:%n%s", task.log()).isZero();
        List<String> received = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            received.add(new String(HexFormat.of().parseHex(line), StandardCharsets.UTF_8));
        }
        assertThat(received).containsExactlyElementsOf(arguments);
    }

    @Test
    void describeSaysTasksDieWithTheBroker() {
        assertThat(sandbox.canReadopt()).isFalse();
        assertThat(sandbox.describe()).contains("BROKER_LOST").contains("KILL_ON_JOB_CLOSE");
    }

    // ---- helpers ----

    private record Task(SandboxedProcess process, Path logFile) {
        String log() throws IOException {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        }
    }

    private Task launch(ResourceLimits limits, List<String> command) throws IOException {
        String token = UUID.randomUUID().toString();
        Path log = dir.resolve("task-" + token + ".log");
        // The whole environment, as the broker gives it (SPEC S5): without SystemRoot many DLLs do not load.
        Map<String, String> env = TaskEnvironment.base(TaskEnvironment.Os.WINDOWS, System.getenv(), Map.of(),
                System.getProperty("user.home"), System.getProperty("user.name"));
        env.put(RunToken.ENVIRONMENT_VARIABLE, token);
        SandboxedProcess p = sandbox.launch(new LaunchSpec(command, env, dir, log, token), limits);
        started.add(p);
        return new Task(p, log);
    }

    private static ExitStatus exitOf(SandboxedProcess p) throws Exception {
        return p.onExit().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private static boolean logContains(Task task, String text) {
        try {
            return task.log().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Long> childPids(Task task) {
        List<Long> pids = new ArrayList<>();
        try {
            Matcher m = Pattern.compile("child=(\\d+)").matcher(task.log());
            while (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        } catch (IOException e) {
            return List.of();
        }
        return pids;
    }


    /** Polls {@code done} with pauses of 1 to 20 ms (never a sleep for semantics) until it holds or time is up. */
    private static boolean waitUntil(BooleanSupplier done, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    // ---- task programs ----

    /** Commits and touches memory one MiB at a time up to the given MiB, reporting every 16 MiB. */
    public static final class Allocate {
        public static void main(String[] args) {
            int mib = Integer.parseInt(args[0]);
            List<byte[]> kept = new ArrayList<>();
            for (int i = 1; i <= mib; i++) {
                byte[] chunk = new byte[1 << 20];
                for (int j = 0; j < chunk.length; j += 4096) {
                    chunk[j] = 1;
                }
                kept.add(chunk);
                if (i % 16 == 0) {
                    System.out.println("allocated " + i + " MiB");
                }
            }
            System.out.println("allocated " + kept.size() + " MiB");
        }
    }

    /**
     * Starts children that wait: {@code <count> hold} counts the starts the job refused, stops its children and
     * exits 3 if any was refused; {@code <count> wait} prints each child's pid and waits to be killed.
     */
    public static final class Spawn {
        public static void main(String[] args) throws Exception {
            int count = Integer.parseInt(args[0]);
            boolean hold = "hold".equals(args[1]);
            List<Process> children = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < count; i++) {
                try {
                    Process child = new ProcessBuilder(JavaProcess.command(Wait.class, List.of())).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    children.add(child);
                    System.out.println("child=" + child.pid());
                } catch (IOException e) {
                    refused++;
                }
            }
            System.out.println("started=" + children.size() + " refused=" + refused);
            System.out.flush();
            if (hold) {
                children.forEach(Process::destroyForcibly);
                for (Process child : children) {
                    child.waitFor();
                }
                System.exit(refused > 0 ? 3 : 0);
            }
            Optional<Process> first = children.stream().findFirst();
            if (first.isPresent()) {
                first.get().waitFor();
            }
        }
    }

    /** Says it is waiting, then waits until it is stopped. */
    public static final class Wait {
        public static void main(String[] args) {
            System.out.println("waiting");
            System.out.flush();
            while (true) {
                LockSupport.park();
            }
        }
    }

    /** Writes each argument as the hex of its UTF-8 bytes, one a line, to the file named first. */
    public static final class Echo {
        public static void main(String[] args) throws IOException {
            List<String> lines = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                lines.add(HexFormat.of().formatHex(args[i].getBytes(StandardCharsets.UTF_8)));
            }
            Files.write(Path.of(args[0]), lines, StandardCharsets.UTF_8);
        }
    }
}
