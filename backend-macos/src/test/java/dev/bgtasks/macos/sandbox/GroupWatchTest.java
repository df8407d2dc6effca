package dev.bgtasks.macos.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.ResourceLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's decisions over usage series replayed through a scripted process table and a fake clock (issue 6:
 * a usage series leads to a kill at the right sample, for memory and for process count; SPEC X10, X12).
 */
class GroupWatchTest {
    private static final long MIB = 1L << 20;
    private static final long MS = 1_000_000L;
    private static final int LEADER = 100;

    private final ScriptedTable table = new ScriptedTable();
    private long now;
    private final GroupWatch watch = new GroupWatch(LEADER, WatchdogPolicy.DEFAULT, now);

    private GroupWatch.Verdict sampleAfter(long millis, ResourceLimits limits) {
        now += millis * MS;
        return watch.sample(now, table, limits);
    }

    @Test
    void memoryClimbingPastTheLimitIsKilledAtTheFirstSampleAboveIt() {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(100 * MIB).build();
        table.add(LEADER, 1, LEADER);
        table.add(101, LEADER, LEADER).footprint(5 * MIB);
        long[] leaderSeries = {5, 25, 55, 85, 95, 96};   // + 5 MiB of the child: 10 .. 101 MiB in all
        List<ExitStatus.Reason> decisions = new ArrayList<>();
        for (long mib : leaderSeries) {
            table.get(LEADER).footprint(mib * MIB);
            GroupWatch.Verdict v = sampleAfter(10, limits);
            decisions.add(v.killFor());
            assertThat(v.usage().memoryBytes()).isEqualTo((mib + 5) * MIB);
        }
        // 100 MiB exactly is at the limit, not past it: the kill comes with 101 MiB, the sixth sample.
        assertThat(decisions).containsExactly(null, null, null, null, null, ExitStatus.Reason.OUT_OF_MEMORY);
    }

    @Test
    void processCountClimbingPastTheLimitIsKilledAtTheFirstSampleAboveIt() {
        ResourceLimits limits = ResourceLimits.builder().maxProcesses(4).build();
        table.add(LEADER, 1, LEADER);
        List<ExitStatus.Reason> decisions = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int pid = 101; pid <= 105; pid++) {
            GroupWatch.Verdict v = sampleAfter(10, limits);
            decisions.add(v.killFor());
            counts.add(v.usage().processCount());
            table.add(pid, LEADER, LEADER);
        }
        assertThat(counts).containsExactly(1, 2, 3, 4, 5);
        assertThat(decisions).containsExactly(null, null, null, null, ExitStatus.Reason.PROCESS_LIMIT);
    }

    @Test
    void theDefaultProcessLimitOf512HoldsWhenNoneIsGiven() { // SPEC X12
        table.add(LEADER, 1, LEADER);
        for (int pid = 1000; pid < 1000 + 511; pid++) {
            table.add(pid, LEADER, LEADER);
        }
        assertThat(sampleAfter(10, ResourceLimits.defaults()).killFor()).isNull();
        table.add(5000, LEADER, LEADER);
        GroupWatch.Verdict v = sampleAfter(10, ResourceLimits.defaults());
        assertThat(v.usage().processCount()).isEqualTo(513);
        assertThat(v.killFor()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
        assertThat(v.detail()).isEqualTo("513 processes > 512");
    }

    @Test
    void aChildThatLeftTheGroupStillCountsAndGetsTheGroupKilled() {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(100 * MIB).maxProcesses(10).build();
        table.add(LEADER, 1, LEADER).footprint(10 * MIB);
        table.add(101, LEADER, LEADER).footprint(20 * MIB);
        assertThat(sampleAfter(10, limits).usage().memoryBytes()).isEqualTo(30 * MIB);

        // setsid(): the child leads its own session and group now, and forks a grandchild there.
        table.get(101).pgid = 101;
        table.add(102, 101, 101).footprint(5 * MIB);
        GroupWatch.Verdict escaped = sampleAfter(10, limits);
        assertThat(escaped.usage().processCount()).isEqualTo(3);
        assertThat(escaped.usage().memoryBytes()).isEqualTo(35 * MIB);
        assertThat(escaped.killFor()).isNull();
        assertThat(watch.escapees()).containsExactlyInAnyOrder(101, 102);

        // The leader's exit reparents the child to launchd; it is still watched.
        table.remove(LEADER);
        table.get(101).ppid = 1;
        table.get(101).footprint(90 * MIB);
        GroupWatch.Verdict over = sampleAfter(10, limits);
        assertThat(over.usage().processCount()).isEqualTo(2);
        assertThat(over.usage().memoryBytes()).isEqualTo(95 * MIB);
        assertThat(over.killFor()).isNull();

        table.get(102).footprint(11 * MIB);
        GroupWatch.Verdict killed = sampleAfter(10, limits);
        assertThat(killed.usage().memoryBytes()).isEqualTo(101 * MIB);
        assertThat(killed.killFor()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
    }

    @Test
    void aPidThatVanishesBeforeItIsReadCountsForNothing() {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(100 * MIB).maxProcesses(2).build();
        table.add(LEADER, 1, LEADER).footprint(60 * MIB);
        table.add(101, LEADER, LEADER).footprint(30 * MIB);
        table.add(102, LEADER, LEADER).footprint(50 * MIB);
        table.vanishOnRead(102);   // listed in the group, ESRCH when its rusage is read
        GroupWatch.Verdict v = sampleAfter(10, limits);
        assertThat(v.usage().processCount()).isEqualTo(2);
        assertThat(v.usage().memoryBytes()).isEqualTo(90 * MIB);
        assertThat(v.killFor()).isNull();
        assertThat(table.readsOf(102)).isEqualTo(1);
    }

    @Test
    void anUnreadableProcessCountsAsAProcessWithoutMemory() {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(100 * MIB).maxProcesses(2).build();
        table.add(LEADER, 1, LEADER).footprint(60 * MIB);
        table.add(101, LEADER, LEADER).footprint(500 * MIB).readable = false;   // a setuid child: EPERM
        GroupWatch.Verdict v = sampleAfter(10, limits);
        assertThat(v.usage().processCount()).isEqualTo(2);
        assertThat(v.usage().memoryBytes()).isEqualTo(60 * MIB);
        assertThat(v.killFor()).isNull();
        table.add(102, 101, LEADER);
        assertThat(sampleAfter(10, limits).killFor()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
    }

    @Test
    void justBelowBothLimitsNothingIsKilledAndSamplingStaysTight() {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(100 * MIB).maxProcesses(3).build();
        table.add(LEADER, 1, LEADER).footprint(98 * MIB);
        table.add(101, LEADER, LEADER).footprint(2 * MIB);
        table.add(102, LEADER, LEADER);
        Set<Duration> intervals = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            GroupWatch.Verdict v = sampleAfter(10, limits);
            assertThat(v.killFor()).as("sample %d", i).isNull();
            intervals.add(v.nextSample());
        }
        assertThat(intervals).containsExactly(Duration.ofMillis(10));
    }

    @Test
    void theIntervalWidensFarFromTheLimitsAndNarrowsNearThem() {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(100 * MIB).build();
        table.add(LEADER, 1, LEADER).footprint(10 * MIB);
        assertThat(sampleAfter(0, limits).nextSample()).isEqualTo(Duration.ofMillis(10));     // just launched
        assertThat(sampleAfter(300, limits).nextSample()).isEqualTo(Duration.ofMillis(200));
        table.get(LEADER).footprint(20 * MIB);
        assertThat(sampleAfter(200, limits).nextSample()).isEqualTo(Duration.ofMillis(200));
        table.get(LEADER).footprint(60 * MIB);
        assertThat(sampleAfter(200, limits).nextSample()).isEqualTo(Duration.ofMillis(50));
        table.get(LEADER).footprint(85 * MIB);
        assertThat(sampleAfter(50, limits).nextSample()).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void peakIsTheHighestSumOrTheHighestSingleLifetimePeak() {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(1000 * MIB).build();
        table.add(LEADER, 1, LEADER).footprint(300 * MIB);
        assertThat(sampleAfter(10, limits).usage().peakMemoryBytes()).isEqualTo(300 * MIB);
        table.get(LEADER).footprint(100 * MIB);
        table.get(LEADER).lifetimePeak = 400 * MIB;   // a spike between two samples
        GroupWatch.Verdict v = sampleAfter(10, limits);
        assertThat(v.usage().memoryBytes()).isEqualTo(100 * MIB);
        assertThat(v.usage().peakMemoryBytes()).isEqualTo(400 * MIB);
        assertThat(watch.peakBytes()).isEqualTo(400 * MIB);
    }

    @Test
    void aLoweredMemoryLimitHoldsFromTheNextSample() { // SPEC X11
        table.add(LEADER, 1, LEADER).footprint(80 * MIB);
        assertThat(sampleAfter(10, ResourceLimits.builder().memoryBytes(100 * MIB).build()).killFor()).isNull();
        assertThat(sampleAfter(10, ResourceLimits.builder().memoryBytes(64 * MIB).build()).killFor())
                .isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
    }

    @Test
    void anEmptyGroupIsReported() {
        table.add(LEADER, 1, LEADER);
        assertThat(sampleAfter(10, ResourceLimits.defaults()).empty()).isFalse();
        table.remove(LEADER);
        assertThat(sampleAfter(10, ResourceLimits.defaults()).empty()).isTrue();
    }
}
