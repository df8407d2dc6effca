package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.IfRunning;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The if-running policies on real processes: two app JVMs of 16 threads each request the same trigger with
 * {@code REPLACE} or {@code QUEUE_ONE}, and the instances the broker recorded show what SPEC P3 says.
 */
@Timeout(300)
class IfRunningNativeTest {
    private static final String APP = "com.example.sync";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int THREADS = 16;

    @Test
    void replaceCancelsTheRunningInstanceAndNeverRunsTwo() throws Exception { // SPEC P3, T4
        // 96 instances: within what the broker keeps of one registration's ended instances (SPEC B7, 100).
        int calls = 3;
        try (RealBroker broker = new RealBroker()) {
            // Runs until cancelled: every instance but the last ends only by being replaced.
            register(broker, List.of("/bin/sleep", "120"));
            Map<String, Integer> results = hammer(broker, IfRunning.REPLACE, calls);
            assertThat(results).containsOnlyKeys("ALLOWED").containsEntry("ALLOWED", 2 * THREADS * calls);

            List<InstanceInfo> byRequest = sortedBy(broker, Comparator.comparing(InstanceInfo::requestedAt));
            assertThat(byRequest).hasSize(2 * THREADS * calls);
            InstanceInfo last = byRequest.get(byRequest.size() - 1);
            broker.track(broker.awaitState(APP, last.instanceId(), InstanceState.RUNNING, WAIT).pid());
            assertThat(broker.client().cancel(APP, last.instanceId())).isTrue();
            RealBroker.await(() -> broker.client().instances(APP).stream()
                    .allMatch(i -> i.state() == InstanceState.COMPLETED), WAIT, "every instance to end");

            List<InstanceInfo> ended = sortedBy(broker, Comparator.comparing(InstanceInfo::requestedAt));
            for (InstanceInfo replaced : ended.subList(0, ended.size() - 1)) {
                assertThat(replaced.cancelReason()).as("instance %s was replaced", replaced.instanceId())
                        .isEqualTo(BackgroundTaskCancellationReason.ABORT);
            }
            assertThat(ended.subList(0, ended.size() - 1)).as("a replaced instance that was running, not pending")
                    .anyMatch(i -> i.startedAt() != null);
            assertNeverTwoRunning(ended);
        }
    }

    @Test
    void queueOneRunsOneMoreAfterTheCurrentAndNeverQueuesTwo() throws Exception { // SPEC P3, T4
        int calls = 100;
        try (RealBroker broker = new RealBroker()) {
            register(broker, List.of("/bin/sleep", "0.2"));
            Map<String, Integer> results = hammer(broker, IfRunning.QUEUE_ONE, calls);
            assertThat(results.keySet()).isSubsetOf("ALLOWED", "CURRENTLY_RUNNING");
            assertThat(results.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2 * THREADS * calls);
            RealBroker.await(() -> broker.client().instances(APP).stream()
                    .allMatch(i -> i.state() == InstanceState.COMPLETED), WAIT, "every instance to end");

            List<InstanceInfo> byRequest = sortedBy(broker, Comparator.comparing(InstanceInfo::requestedAt));
            assertThat(byRequest).hasSize(results.getOrDefault("ALLOWED", 0));
            assertThat(byRequest.size()).as("a request while one ran was queued").isGreaterThan(1);
            assertThat(byRequest).allMatch(i -> i.outcome() == TaskOutcome.SUCCEEDED, "every instance succeeded");
            // At most one queued: a new instance is allowed only once the one before the queued one has ended.
            for (int i = 2; i < byRequest.size(); i++) {
                assertThat(byRequest.get(i).requestedAt()).as("instance %d allowed after %d ended", i, i - 2)
                        .isAfterOrEqualTo(byRequest.get(i - 2).endedAt());
            }
            assertNeverTwoRunning(byRequest);
        }
    }

    private static void register(RealBroker broker, List<String> argv) {
        broker.client().requestAccess(APP);
        broker.client().register(APP, new TaskDefinition("sync", "", new TaskTarget.Command(argv), Set.of(), false,
                ResourceLimits.defaults(), false, Duration.ofSeconds(1), null));
    }

    /** Two app processes of 16 threads, each thread making {@code calls} requests; the answers, counted. */
    private static Map<String, Integer> hammer(RealBroker broker, IfRunning policy, int calls) throws Exception {
        Process one = JavaProcess.start(broker.home, AppMain.class, "hammer-policy", APP, policy.name(),
                Integer.toString(THREADS), Integer.toString(calls));
        Process two = JavaProcess.start(broker.home, AppMain.class, "hammer-policy", APP, policy.name(),
                Integer.toString(THREADS), Integer.toString(calls));
        List<String> lines = new ArrayList<>();
        lines.addAll(JavaProcess.output(one, 180).lines().filter(l -> l.startsWith("RESULT")).toList());
        lines.addAll(JavaProcess.output(two, 180).lines().filter(l -> l.startsWith("RESULT")).toList());
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            counts.merge(parts[1], Integer.parseInt(parts[2]), Integer::sum);
        }
        return counts;
    }

    private static List<InstanceInfo> sortedBy(RealBroker broker, Comparator<InstanceInfo> order) {
        List<InstanceInfo> all = new ArrayList<>(broker.client().instances(APP));
        all.sort(order);
        return all;
    }

    /** Of the instances that started, each started after the one before it had ended (SPEC T4). */
    private static void assertNeverTwoRunning(List<InstanceInfo> instances) {
        List<InstanceInfo> started = new ArrayList<>(instances.stream().filter(i -> i.startedAt() != null).toList());
        started.sort(Comparator.comparing(InstanceInfo::startedAt));
        for (int i = 1; i < started.size(); i++) {
            assertThat(started.get(i).startedAt()).as("instance %d starts after %d ended", i, i - 1)
                    .isAfterOrEqualTo(started.get(i - 1).endedAt());
        }
    }
}
