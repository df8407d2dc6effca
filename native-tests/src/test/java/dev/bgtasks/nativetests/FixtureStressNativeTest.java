package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.RigRequirements;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerSpec;
import dev.bgtasks.spi.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * SPEC F1, F3 on the real thing (issue 17, "done when"): two registrations that use one fixture, triggered by two app
 * processes of 16 threads each against the broker daemon, never run at once. Every instance's task writes its own
 * start and end time (nanoseconds, {@code date +%s%N}, hence Linux) to a shared file; the broker's recorded start
 * and end times are checked too. Every trigger's answer is either an instance that completed, or
 * {@code CURRENTLY_RUNNING} (SPEC T4: its slot held one already).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(600)
class FixtureStressNativeTest {
    private static final String APP = "com.example.rig";
    private static final String FIXTURE = "scope-1";
    private static final int PROCESSES = 2;
    private static final int THREADS = 16;
    private static final int CALLS = 100;
    private static final Duration DEADLINE = Duration.ofSeconds(300);
    private RealBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new RealBroker();
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    /** A command on slot {@code slot} that uses the fixture and writes when it starts and ends. */
    private static TaskDefinition usingTheFixture(String slot, Path times) {
        String script = "echo \"start $BGTASKS_INSTANCE_ID $(date +%s%N)\" >> '" + times + "'; sleep 0.02; "
                + "echo \"end $BGTASKS_INSTANCE_ID $(date +%s%N)\" >> '" + times + "'";
        return new TaskDefinition("capture-" + slot, slot, new TaskTarget.Command(List.of("/bin/sh", "-c", script)),
                Set.of(), false, ResourceLimits.defaults(), false, null, null, TriggerSpec.APPLICATION, Map.of(),
                false, new RigRequirements(List.of(), Set.of(FIXTURE), false));
    }

    @Test
    void twoRegistrationsOnOneFixtureNeverRunAtOnceUnderTwoProcessesOfSixteenThreads() throws Exception { // SPEC F1, F3
        Path times = broker.home.resolve("times.log");
        broker.client().requestAccess(APP);
        broker.client().register(APP, usingTheFixture("a", times));
        broker.client().register(APP, usingTheFixture("b", times));

        List<Process> apps = new ArrayList<>();
        for (int p = 0; p < PROCESSES; p++) {
            apps.add(JavaProcess.start(broker.home, AppMain.class, "hammer-slots", APP, String.valueOf(THREADS),
                    String.valueOf(CALLS), "a,b"));
        }
        Map<UUID, String> allowed = new HashMap<>();
        Map<String, Integer> answers = new TreeMap<>();
        for (Process app : apps) {
            for (String line : JavaProcess.output(app, (int) DEADLINE.toSeconds()).lines().toList()) {
                String[] parts = line.split(" ");
                if (parts[0].equals("ALLOWED")) {
                    assertThat(allowed.put(UUID.fromString(parts[2]), parts[1])).as("one answer per instance")
                            .isNull();
                } else if (parts[0].equals("RESULT")) {
                    answers.merge(parts[1], Integer.parseInt(parts[2]), Integer::sum);
                }
            }
        }
        // Every trigger was answered, with an instance or with T4's documented refusal, and nothing else.
        assertThat(answers.keySet()).isSubsetOf("ALLOWED", "CURRENTLY_RUNNING");
        assertThat(answers.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(PROCESSES * THREADS * CALLS);
        assertThat(answers.get("ALLOWED")).isEqualTo(allowed.size());
        assertThat(allowed.values()).as("both registrations ran").contains("a", "b");
        System.out.println("fixture stress: " + answers + " of " + PROCESSES * THREADS * CALLS + " triggers");

        RealBroker.await(() -> broker.client().instances(APP).stream()
                .allMatch(i -> i.state() == InstanceState.COMPLETED), DEADLINE, "every instance to complete");
        List<InstanceInfo> instances = new ArrayList<>(broker.client().instances(APP));
        // Every ALLOWED answer ended in a completed, successful instance, and no instance came from elsewhere.
        assertThat(instances.stream().map(InstanceInfo::instanceId).collect(Collectors.toSet()))
                .isEqualTo(allowed.keySet());
        assertThat(instances).allSatisfy(i -> assertThat(i.outcome()).as("%s", i).isEqualTo(TaskOutcome.SUCCEEDED));

        // The broker's record: each instance started after the one before it ended.
        instances.sort(Comparator.comparing(InstanceInfo::startedAt));
        int waitedForTheFixture = 0;
        for (int i = 1; i < instances.size(); i++) {
            assertThat(instances.get(i).startedAt()).as("instance %s starts after %s ended",
                    instances.get(i).instanceId(), instances.get(i - 1).instanceId())
                    .isAfterOrEqualTo(instances.get(i - 1).endedAt());
            if (instances.get(i).requestedAt().isBefore(instances.get(i - 1).endedAt())) {
                waitedForTheFixture++;
            }
        }
        // The rule was put to work: instances were triggered while the other registration held the fixture.
        assertThat(waitedForTheFixture).isPositive();
        System.out.println("fixture stress: " + instances.size() + " instances, " + waitedForTheFixture
                + " triggered while the fixture was held");

        // The tasks' own record: no two held the fixture at once.
        Map<String, long[]> spans = new HashMap<>();
        for (String line : Files.readAllLines(times)) {
            String[] parts = line.split(" ");
            long[] span = spans.computeIfAbsent(parts[1], id -> new long[] {-1, -1});
            span[parts[0].equals("start") ? 0 : 1] = Long.parseLong(parts[2]);
        }
        assertThat(spans.keySet()).isEqualTo(allowed.keySet().stream().map(UUID::toString)
                .collect(Collectors.toSet()));
        List<Map.Entry<String, long[]>> byStart = new ArrayList<>(spans.entrySet());
        byStart.sort(Comparator.comparingLong(e -> e.getValue()[0]));
        for (int i = 0; i < byStart.size(); i++) {
            long[] span = byStart.get(i).getValue();
            assertThat(span[0]).as("%s wrote its start and end", byStart.get(i).getKey()).isPositive();
            assertThat(span[1]).as("%s wrote its start and end", byStart.get(i).getKey())
                    .isGreaterThanOrEqualTo(span[0]);
            if (i > 0) {
                assertThat(span[0]).as("%s started after %s ended", byStart.get(i).getKey(),
                        byStart.get(i - 1).getKey()).isGreaterThan(byStart.get(i - 1).getValue()[1]);
            }
        }
    }
}
