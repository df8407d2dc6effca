package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.ResourceLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Standby task hosts on the real Linux sandbox, with a real broker daemon (SPEC W1, W3): a standby JVM sits in the
 * registration's cgroup, with its memory limit, before the trigger; the trigger runs the task in that very process,
 * whose class is initialized only then; a standby killed before the trigger costs the next instance only a cold
 * start.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StandbyNativeTest {
    private static final String APP = "com.example.standby";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final long LIMIT = 256L << 20;
    private static final Pattern STANDBY_PID = Pattern.compile("\\(task [0-9a-f-]+\\): pid (\\d+), RSS \\d+ MiB, "
            + "waiting");
    private RealBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new RealBroker(startDaemonWithStandbys());
        broker.client().requestAccess(APP);
        broker.client().register(APP, new TaskDefinition("probe", "",
                new TaskTarget.JavaEntryPoint(StandbyProbeTask.class.getName(), testClasspath()), Set.of(), false,
                ResourceLimits.builder().memoryBytes(LIMIT).build(), false, Duration.ofSeconds(2), null));
    }

    /**
     * A broker daemon with standbys on in a new home: the suite's environment turns them off for every other test
     * ({@code BGTASKS_STANDBYS=0} in the pom). {@link RealBroker} then connects to it.
     */
    private static Path startDaemonWithStandbys() throws IOException {
        Path home = TempHome.create();
        dev.bgtasks.daemon.BrokerLocation location = dev.bgtasks.daemon.BrokerLocation.underHome(home);
        location.ensureRuntimeDirectory();
        location.ensureStateDirectories();
        ProcessBuilder daemon = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "dev.bgtasks.daemon.BrokerDaemon",
                location.runtimeDirectory().toString(), location.stateDirectory().toString(),
                location.logDirectory().toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("daemon.out").toFile());
        daemon.environment().put("BGTASKS_STANDBYS", "2");
        Process process = daemon.start();
        RealBroker.await(() -> Files.exists(location.pidFile()) || !process.isAlive(), DEADLINE,
                "the broker daemon to start");
        return home;
    }

    @AfterEach
    void stop() throws Exception {
        try {
            // Unregistering ends the standbys, whole trees, before the broker is killed (SPEC W2).
            broker.client().registrations(APP).forEach(r -> broker.client().unregister(APP, r.taskId(), true));
            RealBroker.await(() -> waitingStandby().isEmpty() && !broker.client().describePlatform()
                    .contains("starting since"), DEADLINE, "the standbys to end");
        } finally {
            broker.close();
        }
    }

    private static List<String> testClasspath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> Files.exists(Path.of(e))).toList();
    }

    private UUID trigger() {
        TriggerResponse r = broker.client().requestTrigger(new TriggerRequest(APP, "",
                ValueMapCodec.encode(Map.of()), null));
        assertThat(r.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return r.instanceId();
    }

    private InstanceInfo runToTheEnd(UUID id) {
        InstanceInfo done = broker.awaitState(APP, id, InstanceState.COMPLETED, DEADLINE);
        assertThat(done.outcome()).as("%s", done).isEqualTo(TaskOutcome.SUCCEEDED);
        return done;
    }

    /** The pid of the one standby that is connected and waiting, as {@code bgtask doctor} lists it. */
    private Optional<Long> waitingStandby() {
        Matcher m = STANDBY_PID.matcher(broker.client().describePlatform());
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    private long awaitStandby() {
        RealBroker.await(() -> waitingStandby().isPresent(), DEADLINE, "a standby host to be waiting");
        long pid = waitingStandby().orElseThrow();
        broker.track(pid);
        return pid;
    }

    /** The memory limit of the cgroup {@code pid} is in: its task cgroup, cgroup2 or cgroup1. */
    private static long memoryLimitOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            if (!line.contains("/bgtasks/instances/t")) {
                continue;
            }
            String path = line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1);
            if (line.startsWith("0::")) {
                return Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup" + path, "memory.max")).trim());
            }
            if (line.matches("\\d+:memory:.*")) {
                return Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/memory" + path,
                        "memory.limit_in_bytes")).trim());
            }
        }
        throw new AssertionError("pid " + pid + " is in no task cgroup with a memory limit: "
                + Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")));
    }

    @Test
    void aStandbyInTheRegistrationsCgroupTakesTheTrigger() throws Exception { // SPEC W1, X1, X10
        runToTheEnd(trigger()); // cold; it leaves a standby behind
        long standby = awaitStandby();
        // In its sandbox, with the registration's limit, before any trigger of its own (SPEC X1).
        assertThat(memoryLimitOf(standby)).isEqualTo(LIMIT);

        UUID id = trigger();
        runToTheEnd(id);
        String log = broker.runLog(id);
        // The task ran in the standby's process: in its cgroup from its first instruction.
        assertThat(log).contains(StandbyProbeTask.FIRST_LINE + standby + "\n");
        // No app code before the trigger: the class was initialized after the host took the instance (SPEC W1).
        assertThat(log.indexOf("standby host took instance " + id)).isNotNegative()
                .isLessThan(log.indexOf(StandbyProbeTask.STATIC_INIT));
        // A standby is never an instance: the app's instances are the two it triggered.
        assertThat(broker.client().instances(APP)).hasSize(2);
    }

    @Test
    void aKilledStandbyCostsTheTriggerOnlyAColdStart() throws Exception { // SPEC W3, B6
        runToTheEnd(trigger());
        long standby = awaitStandby();
        ProcessHandle handle = ProcessHandle.of(standby).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get(20, TimeUnit.SECONDS);
        RealBroker.await(() -> waitingStandby().isEmpty(), DEADLINE, "the broker to see its standby die");

        UUID id = trigger();
        runToTheEnd(id);
        String log = broker.runLog(id);
        assertThat(log).doesNotContain(StandbyProbeTask.FIRST_LINE + standby + "\n");
        // Run once, in a JVM started for it.
        assertThat(log.split(Pattern.quote(StandbyProbeTask.FIRST_LINE), -1)).hasSize(2);
        assertThat(log).doesNotContain("standby host took instance");
        assertThat(broker.client().instances(APP)).hasSize(2)
                .allSatisfy(i -> assertThat(i.outcome()).isEqualTo(TaskOutcome.SUCCEEDED));
    }
}
