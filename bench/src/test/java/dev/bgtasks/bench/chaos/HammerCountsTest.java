package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 8, scenario 2: every call answered, never two instances of one trigger at once (SPEC T4). */
class HammerCountsTest {
    private static final List<String> FREE_FOR_ALL = List.of("ALLOWED", "CURRENTLY_RUNNING");

    @Test
    void countsOfEveryProcessAddUp() {
        HammerCounts counts = new HammerCounts();
        counts.add("COUNT ALLOWED 3\nCOUNT CURRENTLY_RUNNING 97\nCOUNT NOT_SENT 0\nERROR nothing\n");
        counts.add("COUNT ALLOWED 2\nCOUNT CURRENTLY_RUNNING 98\n");

        assertThat(counts.get("ALLOWED")).isEqualTo(5);
        assertThat(counts.answered()).isEqualTo(200);
        assertThat(counts.problems(200, FREE_FOR_ALL)).isEmpty();
    }

    @Test
    void unansweredCallsLostProcessesAndOtherAnswersAreViolations() {
        HammerCounts counts = new HammerCounts();
        counts.add("COUNT ALLOWED 1\nCOUNT CURRENTLY_RUNNING 90\nCOUNT UNANSWERED 4\nCOUNT UNKNOWN_ERROR 5\n");

        List<String> problems = counts.problems(200, FREE_FOR_ALL);

        assertThat(problems).anyMatch(p -> p.contains("200 calls planned but 100 accounted for"))
                .anyMatch(p -> p.contains("4 calls were not answered"))
                .anyMatch(p -> p.contains("5 calls answered UNKNOWN_ERROR"));
    }

    @Test
    void callsCutByTheTimeBoundAreAccountedForButNotAnswered() {
        HammerCounts counts = new HammerCounts();
        counts.add(HammerCounts.line("CURRENTLY_RUNNING", 60) + "\n" + HammerCounts.line("NOT_SENT", 40));

        assertThat(counts.answered()).isEqualTo(60);
        assertThat(counts.problems(100, FREE_FOR_ALL)).isEmpty();
    }

    private static InstanceInfo ran(long requested, long ended) {
        return new InstanceInfo(UUID.randomUUID(), UUID.randomUUID(), "app", "t", InstanceState.COMPLETED, 100,
                TaskOutcome.SUCCEEDED, null, null, null, null, 0, null, 1L, Instant.ofEpochMilli(requested),
                Instant.ofEpochMilli(requested), Instant.ofEpochMilli(ended), Set.of(), false);
    }

    @Test
    void theBrokersHistoryShowsNoOverlapWhenEachRunFollowsTheLast() {
        assertThat(HammerScenario.overlapsInHistory(List.of(ran(30, 40), ran(0, 10), ran(10, 20)))).isEmpty();
        assertThat(HammerScenario.overlapsInHistory(List.of(ran(0, 10), ran(5, 20))))
                .singleElement().asString().contains("before instance");
    }
}
