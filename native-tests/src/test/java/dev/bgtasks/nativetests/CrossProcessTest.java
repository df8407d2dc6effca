package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed scenario across real processes: apps, the broker daemon and task processes are separate JVMs. */
class CrossProcessTest {
    private static final String APP = "com.example.notes";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private RealBroker broker;
    private final List<Integer> progress = new CopyOnWriteArrayList<>();
    private final BlockingQueue<AppEvent.Completed> completions = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        broker = new RealBroker();
        subscribe(broker.client());
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    /** Watches events without claiming completions, so the apps under test still receive them. */
    private void subscribe(BrokerClient client) {
        client.subscribe(APP, e -> {
            if (e instanceof AppEvent.Progress p) {
                progress.add(p.progress());
            } else if (e instanceof AppEvent.Completed c) {
                completions.add(c);
            }
        });
    }

    private InstanceInfo awaitCompletion(UUID instanceId) throws InterruptedException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < end) {
            AppEvent.Completed c = completions.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (c != null && c.instanceId().equals(instanceId)) {
                return c.instance();
            }
        }
        throw new AssertionError("instance " + instanceId + " did not complete within " + DEADLINE);
    }

    private TaskDefinition javaTask(Set<SystemConditionType> conditions) {
        return new TaskDefinition("sleepy", "", new TaskTarget.JavaEntryPoint(SleepyTask.class.getName(),
                testClasspath()), conditions, false, ResourceLimits.defaults(), false, null, null);
    }

    private static List<String> testClasspath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> java.nio.file.Files.exists(java.nio.file.Path.of(e))).toList();
    }

    private TaskDefinition commandTask(List<String> argv, Duration grace) {
        return new TaskDefinition("cmd", "", new TaskTarget.Command(argv), Set.of(), false,
                ResourceLimits.defaults(), false, grace, null);
    }

    private UUID trigger(Map<String, ?> args) {
        TriggerResponse r = broker.client().requestTrigger(
                new TriggerRequest(APP, "", ValueMapCodec.encode(args), null));
        assertThat(r.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return r.instanceId();
    }

    private InstanceInfo awaitRunning(UUID id) {
        InstanceInfo running = broker.awaitState(APP, id, InstanceState.RUNNING, DEADLINE);
        broker.track(running.pid());
        return running;
    }

    @Test
    void theAppExitsTheTaskGoesOnAndTheNextAppGetsTheCompletionOnce() throws Exception { // SPEC X5, X1, X2
        Process appA = JavaProcess.start(broker.home, AppMain.class, "register-and-trigger", APP,
                SleepyTask.class.getName());
        String outA = JavaProcess.output(appA, 60);
        Matcher m = Pattern.compile("TRIGGERED ALLOWED (\\S+)").matcher(outA);
        assertThat(m.find()).as(outA).isTrue();
        UUID instanceId = UUID.fromString(m.group(1));
        assertThat(appA.isAlive()).isFalse();

        InstanceInfo running = awaitRunning(instanceId);
        assertThat(running.pid()).isNotEqualTo(appA.pid()).isNotEqualTo(ProcessHandle.current().pid());
        InstanceInfo done = awaitCompletion(instanceId);
        assertThat(done.outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(progress).containsExactly(25, 50, 75, 100);

        String outB = JavaProcess.output(JavaProcess.start(broker.home, AppMain.class, "receive", APP, "3"), 60);
        assertThat(outB.lines().filter(l -> l.startsWith("COMPLETED"))).containsExactly(
                "COMPLETED " + instanceId + " SUCCEEDED");
        String outC = JavaProcess.output(JavaProcess.start(broker.home, AppMain.class, "receive", APP, "2"), 60);
        assertThat(outC.lines().filter(l -> l.startsWith("COMPLETED"))).isEmpty();

        // Issue 13: no JVM warnings on any JDK from 17 to 25 (JDK 22+ warns on restricted methods by default).
        String taskLog = java.nio.file.Files.readString(
                broker.location.stateDirectory().resolve("runs").resolve(instanceId + ".log"));
        assertThat(taskLog.lines().filter(l -> l.contains("WARNING"))).as(taskLog).isEmpty();
        assertThat(broker.log().lines().filter(l -> l.contains("WARNING"))).as(broker.log()).isEmpty();
    }

    @Test
    void twoProcessesHammeringGetEveryCallAnsweredAndNeverTwoInstancesAtOnce() throws Exception { // SPEC T4
        broker.client().requestAccess(APP);
        broker.client().register(APP, commandTask(List.of("/bin/sleep", "0.2"), null));
        Process one = JavaProcess.start(broker.home, AppMain.class, "hammer", APP, "16", "200");
        Process two = JavaProcess.start(broker.home, AppMain.class, "hammer", APP, "16", "200");
        List<String> results = new ArrayList<>();
        results.addAll(JavaProcess.output(one, 180).lines().filter(l -> l.startsWith("RESULT")).toList());
        results.addAll(JavaProcess.output(two, 180).lines().filter(l -> l.startsWith("RESULT")).toList());
        int answered = 0;
        int allowed = 0;
        for (String line : results) {
            String[] parts = line.split(" ");
            assertThat(parts[1]).isIn("ALLOWED", "CURRENTLY_RUNNING");
            answered += Integer.parseInt(parts[2]);
            allowed += parts[1].equals("ALLOWED") ? Integer.parseInt(parts[2]) : 0;
        }
        assertThat(answered).isEqualTo(2 * 16 * 200);
        RealBroker.await(() -> broker.client().instances(APP).stream()
                .allMatch(i -> i.state() == InstanceState.COMPLETED), DEADLINE, "the last instance to end");
        List<InstanceInfo> instances = new ArrayList<>(broker.client().instances(APP));
        assertThat(instances).hasSize(allowed);
        instances.sort(Comparator.comparing(InstanceInfo::requestedAt));
        for (int i = 1; i < instances.size(); i++) {
            assertThat(instances.get(i).requestedAt()).as("instance %d starts after %d ended", i, i - 1)
                    .isAfterOrEqualTo(instances.get(i - 1).endedAt());
        }
    }

    @Test
    void aBrokerKilledMidRunReadoptsTheTaskAndRecordsItsCompletion() throws Exception { // SPEC B3
        broker.client().requestAccess(APP);
        broker.client().register(APP, javaTask(Set.of()));
        UUID id = trigger(Map.of("steps", 6));
        awaitRunning(id);
        RealBroker.await(() -> progress.contains(25) || progress.size() >= 1, DEADLINE, "first progress");

        broker.kill9();
        BrokerClient again = broker.restart();
        subscribe(again);

        InstanceInfo done = awaitCompletion(id);
        assertThat(done.outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(done.progress()).isEqualTo(100);
    }

    @Test
    void aBrokerAndTaskKilledTogetherIsRecordedBrokerLostWithNothingLeft() throws Exception { // SPEC B3, X13
        broker.client().requestAccess(APP);
        broker.client().register(APP, javaTask(Set.of()));
        UUID id = trigger(Map.of("steps", 40));
        long pid = awaitRunning(id).pid();

        broker.kill9();
        // The host and its supervisor, which would have recorded the host's end (SPEC B5): nobody observes it.
        ProcessHandle host = ProcessHandle.of(pid).orElseThrow();
        ProcessHandle supervisor = host.parent().orElseThrow();
        supervisor.destroyForcibly();
        host.destroyForcibly();
        host.onExit().get(20, TimeUnit.SECONDS);
        supervisor.onExit().get(20, TimeUnit.SECONDS);
        BrokerClient again = broker.restart();
        subscribe(again);

        InstanceInfo done = awaitCompletion(id);
        assertThat(done.terminationReason()).isEqualTo(TerminationReason.BROKER_LOST);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aTaskIgnoringCancelIsKilledWithItsWholeTreeAfterTheGracePeriod() throws Exception { // SPEC X6, X13
        broker.client().requestAccess(APP);
        broker.client().register(APP, commandTask(
                List.of("/bin/sh", "-c", "trap '' TERM; sleep 300 & sleep 300 & wait"), Duration.ofSeconds(1)));
        UUID id = trigger(Map.of());
        long pid = awaitRunning(id).pid();
        ProcessHandle main = ProcessHandle.of(pid).orElseThrow();
        RealBroker.await(() -> main.descendants().count() >= 2, DEADLINE, "the task's two children");
        List<ProcessHandle> tree = new ArrayList<>(main.descendants().toList());
        tree.add(main);

        assertThat(broker.client().cancel(APP, id)).isTrue();
        InstanceInfo done = awaitCompletion(id);

        assertThat(done.cancelReason()).isNotNull();
        assertThat(done.terminationReason()).isEqualTo(TerminationReason.KILLED_AFTER_GRACE);
        for (ProcessHandle p : tree) {
            p.onExit().get(10, TimeUnit.SECONDS);
            assertThat(p.isAlive()).as("pid %d", p.pid()).isFalse();
        }
    }

    @Test
    void aTaskSeesItsTreesMemoryThroughMemoryManager() throws Exception { // SPEC X11
        broker.client().requestAccess(APP);
        broker.client().register(APP, new TaskDefinition("memory", "",
                new TaskTarget.JavaEntryPoint(MemoryAwareTask.class.getName(), testClasspath()), Set.of(), false,
                ResourceLimits.builder().memoryBytes(MemoryAwareTask.LIMIT).build(), true, null, null));
        UUID id = trigger(Map.of());
        assertThat(awaitCompletion(id).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(progress).containsExactly(10, 20, 30, 40);
    }

    @Test
    void aPendingInstanceSaysWhatItWaitsForAndTheLogSaysWhenItHolds() throws Exception { // SPEC T7
        broker.client().requestAccess(APP);
        broker.client().simulate(Map.of(HostSignal.INTERNET, false));
        broker.client().register(APP, javaTask(Set.of(SystemConditionType.INTERNET_AVAILABLE)));
        UUID id = trigger(Map.of("steps", 1));

        InstanceInfo pending = broker.instance(APP, id).orElseThrow();
        assertThat(pending.state()).isEqualTo(InstanceState.PENDING);
        assertThat(pending.waitingFor()).containsExactly(SystemConditionType.INTERNET_AVAILABLE);

        broker.client().simulate(Map.of(HostSignal.INTERNET, true));
        awaitRunning(id);
        assertThat(awaitCompletion(id).outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(broker.log()).contains("condition INTERNET_AVAILABLE now holds");
    }
}
