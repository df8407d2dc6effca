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
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Broker outages on the real Linux sandbox, with a real broker daemon killed with SIGKILL: a command and a Java task
 * that end while no broker runs keep their true outcome and exit code (SPEC B5), and a pending instance whose
 * process is alive is taken back, never launched a second time (SPEC B6).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OutageNativeTest {
    private static final String APP = "com.example.outage";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Longer than the task host's reconnect window (60 s): the host gives up and exits with no broker there. */
    private static final Duration PAST_THE_HOSTS_WINDOW = Duration.ofSeconds(70);
    private RealBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new RealBroker();
        broker.client().requestAccess(APP);
        assertThat(broker.client().describePlatform()).as("tasks run under a supervisor").contains("supervisor");
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private UUID register(TaskTarget target, Map<String, ?> args) {
        broker.client().register(APP, new TaskDefinition("outage", "", target, Set.of(), false,
                ResourceLimits.builder().memoryBytes(256L << 20).build(), false, Duration.ofSeconds(2), null));
        TriggerResponse r = broker.client().requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(args),
                null));
        assertThat(r.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return r.instanceId();
    }

    private static List<String> testClasspath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> java.nio.file.Files.exists(java.nio.file.Path.of(e))).toList();
    }

    private long awaitRunning(UUID id) {
        long pid = broker.awaitState(APP, id, InstanceState.RUNNING, DEADLINE).pid();
        broker.track(pid);
        return pid;
    }

    private static void awaitGone(long pid, Duration deadline) {
        RealBroker.await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), deadline,
                "pid " + pid + " to exit");
    }

    @Test
    void aCommandThatExitsWhileNoBrokerRunsKeepsItsExitCode() throws Exception { // SPEC B5
        UUID id = register(new TaskTarget.Command(List.of("/bin/sh", "-c", "sleep 1.5; exit 7")), Map.of());
        long pid = awaitRunning(id);
        long supervisor = ProcessHandle.of(pid).flatMap(ProcessHandle::parent).orElseThrow().pid();

        broker.kill9();
        awaitGone(pid, DEADLINE);
        awaitGone(supervisor, Duration.ofSeconds(10));
        Instant restartedAt = Instant.now();
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2)); // the outage goes on after the task ended
        broker.restart();

        InstanceInfo done = broker.awaitState(APP, id, InstanceState.COMPLETED, DEADLINE);
        assertThat(done.outcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(done.terminationReason()).isNull();
        assertThat(done.exitCode()).isEqualTo(7);
        assertThat(done.errorMessage()).isEqualTo("exited with code 7");
        assertThat(done.peakMemoryBytes()).isPositive();
        assertThat(done.endedAt()).isBefore(restartedAt).isAfter(done.startedAt());
        assertThat(broker.log()).contains("ended while no broker ran");
        // Delivered: the next app that listens gets it once.
        assertThat(broker.client().undeliveredCompletions(APP)).singleElement()
                .satisfies(i -> assertThat(i.exitCode()).isEqualTo(7));
    }

    @Test
    void aJavaTaskThatThrowsWhileNoBrokerRunsKeepsItsException() throws Exception { // SPEC B5
        UUID id = register(new TaskTarget.JavaEntryPoint(FailingTask.class.getName(), testClasspath()),
                Map.of("millis", 3000));
        long pid = awaitRunning(id);
        // Its host is attached and run is under way; then the broker goes, for longer than the host waits for one:
        // the host records its result and exits, and its supervisor records the exit.
        RealBroker.await(() -> broker.instance(APP, id).map(i -> i.progress() == 10).orElse(false), DEADLINE,
                "the task's first progress");
        broker.kill9();
        awaitGone(pid, PAST_THE_HOSTS_WINDOW.plusSeconds(30));
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        broker.restart();

        InstanceInfo done = broker.awaitState(APP, id, InstanceState.COMPLETED, DEADLINE);
        assertThat(done.outcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(done.terminationReason()).isNull();
        assertThat(done.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(done.errorMessage()).isEqualTo(FailingTask.MESSAGE);
        assertThat(done.exitCode()).isEqualTo(1);
        assertThat(done.peakMemoryBytes()).isPositive();
    }

    @Test
    void aPendingInstanceWhoseProcessIsAliveIsTakenBackNotLaunchedAgain() throws Exception { // SPEC B6
        UUID id = register(new TaskTarget.Command(List.of("/bin/sh", "-c", "sleep 15; exit 3")), Map.of());
        long pid = awaitRunning(id);

        // What a broker killed between the launch and the store's commit leaves: a pending row, a live process.
        broker.kill9();
        try (Store store = Store.open(broker.location.stateDirectory().resolve("bgtasks.db"))) {
            store.run(tx -> {
                InstanceRow r = tx.instance(id).orElseThrow();
                tx.updateInstance(new InstanceRow(r.instanceId(), r.taskId(), r.appId(), r.triggerName(),
                        InstanceState.PENDING, r.arguments(), 0, r.runToken(), null, null, null, null, null, null,
                        null, null, r.requestedAt(), null, null, null, false));
            });
        }
        broker.restart();

        Optional<InstanceInfo> now = broker.instance(APP, id);
        assertThat(now).hasValueSatisfying(i -> {
            assertThat(i.state()).isEqualTo(InstanceState.RUNNING);
            assertThat(i.pid()).isEqualTo(pid);
        });
        assertThat(broker.log()).contains("taking it back, not launching it again")
                .doesNotContain("already running");
        InstanceInfo done = broker.awaitState(APP, id, InstanceState.COMPLETED, DEADLINE);
        assertThat(done.outcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(done.exitCode()).isEqualTo(3);
        assertThat(done.terminationReason()).isNull();
    }
}
