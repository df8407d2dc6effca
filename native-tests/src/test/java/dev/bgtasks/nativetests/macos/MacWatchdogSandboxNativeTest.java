package dev.bgtasks.nativetests.macos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bgtasks.macos.MacPlatform;
import dev.bgtasks.macos.sandbox.PosixSpawner;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.TaskEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The macOS watchdog sandbox on a real Mac: a real memory hog, a real process flood, a real escape from the
 * process group, and the suspended start. Each test is bounded and kills what it started. On macOS the platform
 * must be supported; under {@code BGTASKS_REQUIRE_NATIVE=1} anything missing fails instead of skipping.
 */
@EnabledOnOs(OS.MAC)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MacWatchdogSandboxNativeTest {
    private static final Logger LOG = LoggerFactory.getLogger(MacWatchdogSandboxNativeTest.class);
    private static final long MIB = 1L << 20;
    /** The memory hog's allocation rate: one 8 MiB block every 10 ms. */
    private static final long HOG_BLOCK = 8 * MIB;
    private static final long HOG_PERIOD_MS = 10;

    @TempDir
    Path dir;

    private ProcessSandbox sandbox;
    private final List<String[]> started = new ArrayList<>();

    @BeforeEach
    void open() {
        MacPlatform platform = new MacPlatform();
        if (!platform.isSupported()) {
            fail("the macOS platform must be supported on macOS: " + platform.unavailabilityCause());
        }
        sandbox = platform.sandbox();
        LOG.info("sandbox: {}", sandbox.describe());
    }

    @AfterEach
    void killLeftovers() {
        for (String[] task : started) {
            sandbox.killOrphan(Long.parseLong(task[0]), task[1]);
        }
    }

    /** A JVM that allocates and touches {@link #HOG_BLOCK} bytes every {@link #HOG_PERIOD_MS} ms until killed. */
    public static final class MemoryHog {
        private MemoryHog() {
        }

        public static void main(String[] args) throws InterruptedException {
            List<byte[]> kept = new ArrayList<>();
            while (true) {
                byte[] block = new byte[(int) HOG_BLOCK];
                for (int i = 0; i < block.length; i += 4096) {
                    block[i] = 1;
                }
                kept.add(block);
                System.out.println(System.currentTimeMillis() + " " + kept.size() * (HOG_BLOCK / MIB) + " MiB");
                // The workload's pace (a task program, not test synchronization): a known allocation rate.
                Thread.sleep(HOG_PERIOD_MS);
            }
        }
    }

    private SandboxedProcess launch(List<String> command, ResourceLimits limits, String token) throws IOException {
        // The whole environment, as the broker gives it (SPEC S5).
        Map<String, String> env = TaskEnvironment.base(TaskEnvironment.Os.MACOS, System.getenv(), Map.of(),
                System.getProperty("user.home"), System.getProperty("user.name"));
        env.put(RunToken.ENVIRONMENT_VARIABLE, token);
        LaunchSpec spec = new LaunchSpec(command, env, dir, dir.resolve("task-" + token + ".log"), token);
        SandboxedProcess p = sandbox.launch(spec, limits);
        started.add(new String[] {Long.toString(p.pid()), token});
        return p;
    }

    private static ExitStatus exitOf(SandboxedProcess p, int seconds) throws Exception {
        return p.onExit().get(seconds, TimeUnit.SECONDS);
    }

    private static boolean waitUntil(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return condition.getAsBoolean();
    }

    /** Pids of this user's processes whose environment carries {@code BGTASKS_RUN_TOKEN=token} ({@code ps -E}). */
    private static List<Long> carrying(String token) throws Exception {
        Process ps = new ProcessBuilder("/bin/ps", "-x", "-E", "-ww", "-o", "pid=,command=").start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ps.waitFor(10, TimeUnit.SECONDS);
        List<Long> pids = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.contains(RunToken.environmentEntry(token))
                    && !line.contains("/bin/ps")) {
                pids.add(Long.parseLong(line.trim().split("\\s+")[0]));
            }
        }
        return pids;
    }

    /** Pids whose process group is {@code pgid} ({@code ps -o pgid}). */
    private static List<Long> inGroup(long pgid) throws Exception {
        Process ps = new ProcessBuilder("/bin/ps", "-A", "-o", "pid=,pgid=").start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ps.waitFor(10, TimeUnit.SECONDS);
        List<Long> pids = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && Long.parseLong(f[1]) == pgid) {
                pids.add(Long.parseLong(f[0]));
            }
        }
        return pids;
    }

    @Test
    void bothLimitsAreBestEffortAndTheMechanismIsTheWatchdog() { // SPEC R9
        assertThat(sandbox.capabilities().memory()).isEqualTo(Enforcement.BEST_EFFORT);
        assertThat(sandbox.capabilities().processes()).isEqualTo(Enforcement.BEST_EFFORT);
        assertThat(sandbox.describe()).startsWith("watchdog");
    }

    @Test
    void aMemoryHogIsKilledOutOfMemoryAndTheOvershootIsMeasured() throws Exception { // SPEC X10, issue 6
        long limit = 256 * MIB;
        String token = UUID.randomUUID().toString();
        long start = System.nanoTime();
        SandboxedProcess p = launch(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Xms64m", "-cp", System.getProperty("java.class.path"), MemoryHog.class.getName()),
                ResourceLimits.builder().memoryBytes(limit).build(), token);
        ExitStatus status = exitOf(p, 45);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long overshoot = status.peakMemoryBytes() - limit;
        double rateMibPerMs = (double) (HOG_BLOCK / MIB) / HOG_PERIOD_MS;
        LOG.info("memory hog: {}; limit {} MiB, peak seen {} MiB, overshoot {} MiB (~{} ms of allocation at"
                        + " {} MiB/s), launch to end {} ms", status, limit / MIB, status.peakMemoryBytes() / MIB,
                overshoot / MIB, Math.round((overshoot / (double) MIB) / rateMibPerMs),
                Math.round(rateMibPerMs * 1000), tookMs);
        System.out.printf("MACOS-WATCHDOG overshoot=%d MiB detection~%d ms peak=%d MiB limit=%d MiB total=%d ms%n",
                overshoot / MIB, Math.round((overshoot / (double) MIB) / rateMibPerMs),
                status.peakMemoryBytes() / MIB, limit / MIB, tookMs);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        assertThat(status.exitCode()).isEqualTo(128 + 9);
        assertThat(status.peakMemoryBytes()).isGreaterThan(limit);
        // Near the limit it samples every 10 ms: at 800 MiB/s the overshoot stays well under 64 MiB.
        assertThat(overshoot).isLessThan(64 * MIB);
        assertThat(carrying(token)).isEmpty();
    }

    @Test
    void aProcessFloodIsCappedAtTheProcessLimit() throws Exception { // SPEC X12
        String token = UUID.randomUUID().toString();
        SandboxedProcess p = launch(List.of("/bin/sh", "-c", "while :; do /bin/sleep 30 & done"),
                ResourceLimits.builder().maxProcesses(32).build(), token);
        ExitStatus status = exitOf(p, 30);
        LOG.info("process flood: {}", status);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
        assertThat(waitUntil(() -> {
            try {
                return inGroup(p.pid()).isEmpty() && carrying(token).isEmpty();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 5000)).as("no process of the flood is left").isTrue();
    }

    @Test
    void aTreeKillLeavesNoProcessEvenOutsideTheGroup() throws Exception { // SPEC X13
        String token = UUID.randomUUID().toString();
        Path daemonPid = dir.resolve("daemon.pid");
        Path sessionPid = dir.resolve("session.pid");
        // One child calls setsid(); another double-forks into a new session, reparented to launchd.
        String script = "use POSIX;"
                + " if (fork() == 0) { POSIX::setsid(); open(F, '>', '" + sessionPid + "'); print F $$; close F;"
                + "   exec('/bin/sleep', '60'); }"
                + " if (fork() == 0) { POSIX::setsid(); if (fork() == 0) { open(F, '>', '" + daemonPid + "');"
                + "   print F $$; close F; exec('/bin/sleep', '60'); } exit 0; }"
                + " exec('/bin/sleep', '60');";
        SandboxedProcess p = launch(List.of("/usr/bin/perl", "-e", script), ResourceLimits.defaults(), token);
        assertThat(waitUntil(() -> Files.exists(daemonPid) && Files.exists(sessionPid), 10_000)).isTrue();
        assertThat(waitUntil(() -> {
            try {
                return carrying(token).size() >= 3;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 10_000)).as("the leader, the setsid child and the daemon carry the token").isTrue();
        long daemon = Long.parseLong(Files.readString(daemonPid).trim());
        long session = Long.parseLong(Files.readString(sessionPid).trim());
        assertThat(inGroup(p.pid())).doesNotContain(daemon, session);

        p.kill();
        ExitStatus status = exitOf(p, 20);
        LOG.info("tree kill: {}", status);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(waitUntil(() -> ProcessHandle.of(daemon).map(h -> !h.isAlive()).orElse(true)
                && ProcessHandle.of(session).map(h -> !h.isAlive()).orElse(true), 5000)).isTrue();
        assertThat(carrying(token)).isEmpty();
    }

    @Test
    void aSpawnedTaskRunsNothingBeforeSigcont() throws Exception { // SPEC X1
        Path marker = dir.resolve("ran");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(RunToken.ENVIRONMENT_VARIABLE, UUID.randomUUID().toString());
        List<Boolean> heldQuiet = new ArrayList<>();
        int pid = PosixSpawner.open().spawn(List.of("/usr/bin/touch", marker.toString()), env, dir,
                dir.resolve("touch.log"), held -> {
                    // touch would create the file within a few ms if it ran; held, it must not for 500 ms.
                    heldQuiet.add(!waitUntil(() -> Files.exists(marker), 500));
                    try {
                        heldQuiet.add(inGroup(held).contains((long) held));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertThat(heldQuiet).as("nothing ran while held; it leads its own group").containsExactly(true, true);
        assertThat(waitUntil(() -> Files.exists(marker), 5000)).as("it runs after SIGCONT").isTrue();
        LOG.info("suspended spawn of pid {} held, then ran", pid);
    }
}
