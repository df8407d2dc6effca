package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 8, scenario 1: every instance terminal or re-adopted, no task process left behind (SPEC B3, X13). */
class InstanceCheckTest {
    private static InstanceInfo instance(UUID id, InstanceState state) {
        boolean done = state == InstanceState.COMPLETED;
        return new InstanceInfo(id, UUID.randomUUID(), "app", "", state, 0, done ? TaskOutcome.FAILED : null, null,
                done ? TerminationReason.values()[0] : null, null, null, null, null, 42L, Instant.EPOCH,
                Instant.EPOCH, done ? Instant.EPOCH : null, Set.of(), false);
    }

    @Test
    void completedInstancesWithoutProcessesAndRunningOnesWithThemHold() {
        UUID done = UUID.randomUUID();
        UUID running = UUID.randomUUID();

        assertThat(InstanceCheck.problems(List.of(instance(done, InstanceState.COMPLETED),
                instance(running, InstanceState.RUNNING)), Map.of(100L, running.toString()))).isEmpty();
    }

    @Test
    void aRunningInstanceWithNoProcessIsNeitherReadoptedNorEnded() {
        UUID running = UUID.randomUUID();

        assertThat(InstanceCheck.problems(List.of(instance(running, InstanceState.RUNNING)), Map.of()))
                .singleElement().asString().contains(running.toString(), "no process of it is alive");
    }

    @Test
    void aCompletedInstanceWhoseProcessLivesOnIsAnOrphan() {
        UUID done = UUID.randomUUID();

        assertThat(InstanceCheck.problems(List.of(instance(done, InstanceState.COMPLETED)),
                Map.of(7L, done.toString(), 8L, done.toString())))
                .singleElement().asString().contains("COMPLETED", "remain").containsAnyOf("[7, 8]", "[8, 7]");
    }

    @Test
    void pendingInstancesAndProcessesOfUnknownInstancesAreViolations() {
        UUID pending = UUID.randomUUID();
        String stranger = UUID.randomUUID().toString();

        List<String> problems = InstanceCheck.problems(List.of(instance(pending, InstanceState.PENDING)),
                Map.of(9L, stranger));

        assertThat(problems).hasSize(2);
        assertThat(problems).anyMatch(p -> p.contains("still PENDING"))
                .anyMatch(p -> p.contains(stranger) && p.contains("does not know"));
    }

    @Test
    void aRunningInstanceWithNoProcessIsExcusedOnlyWithinTheReadoptionGrace() {
        UUID waiting = UUID.randomUUID();
        long[] now = {0};
        ReadoptGrace grace = new ReadoptGrace(java.time.Duration.ofSeconds(30), () -> now[0]);
        List<InstanceInfo> instances = List.of(instance(waiting, InstanceState.RUNNING));

        assertThat(InstanceCheck.problems(instances, Map.of(), grace::inGrace)).isEmpty();
        now[0] = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        assertThat(InstanceCheck.problems(instances, Map.of(), grace::inGrace)).isEmpty();
        now[0] = java.util.concurrent.TimeUnit.SECONDS.toNanos(31);
        assertThat(InstanceCheck.problems(instances, Map.of(), grace::inGrace))
                .singleElement().asString().contains("no process of it is alive");
        assertThat(grace.watched()).isEqualTo(1);
    }
}
