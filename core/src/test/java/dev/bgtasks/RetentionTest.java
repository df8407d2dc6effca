package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.broker.Retention;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.testing.BrokerHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC B7 in the broker, on the fake clock: what is kept of ended instances, for how long, and when it goes. */
class RetentionTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
        h.clock.advance(Duration.ZERO); // the sweep every broker starts with
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private BackgroundTaskRegistration register(String trigger, SystemConditionType... conditions) {
        BackgroundTaskBuilder builder = bg.newTask().name(trigger).command(List.of("/bin/true"))
                .setTrigger(bg.applicationTrigger(trigger));
        for (SystemConditionType condition : conditions) {
            builder.addCondition(new SystemCondition(condition));
        }
        return builder.register();
    }

    /** One trigger → completion cycle; the task writes a line to its run log first. */
    private UUID cycle(String trigger) throws IOException {
        assertThat(bg.applicationTrigger(trigger).requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        var process = h.platform.lastProcess();
        Files.createDirectories(process.spec().logFile().getParent());
        Files.writeString(process.spec().logFile(), "output of " + trigger + "\n");
        process.exit(0);
        return UUID.fromString(process.spec().logFile().getFileName().toString().replace(".log", ""));
    }

    private List<InstanceInfo> ended(String trigger) {
        return h.broker().instances(APP).stream().filter(i -> i.triggerName().equals(trigger))
                .filter(i -> i.state() == InstanceState.COMPLETED).toList();
    }

    private long runLogCount() throws IOException {
        try (Stream<Path> logs = Files.list(h.config().runLogDirectory())) {
            return logs.count();
        }
    }

    @Test
    void keepsTheNewestHundredEndedInstancesPerRegistrationWithTheirRunLogs() throws IOException { // SPEC B7
        register("export").onCompleted(e -> { });
        register("upload").onCompleted(e -> { });
        List<UUID> exports = new ArrayList<>();
        for (int i = 0; i < 150; i++) { // the 150th completion is the third of a batch of 50: a sweep
            exports.add(cycle("export"));
            h.clock.advance(Duration.ofSeconds(1));
        }
        cycle("upload");
        h.clock.advance(Duration.ZERO);

        assertThat(ended("export")).hasSize(Retention.DEFAULT_KEEP_ENDED)
                .extracting(InstanceInfo::instanceId).containsExactlyInAnyOrderElementsOf(exports.subList(50, 150));
        assertThat(ended("upload")).hasSize(1);
        assertThat(runLogCount()).isEqualTo(101);
        assertThat(h.config().instanceLog(exports.get(0))).doesNotExist();
        assertThat(h.config().instanceLog(exports.get(149))).exists();
    }

    @Test
    void noEndedInstanceIsKeptPastThirtyDaysButPendingOnesAre() throws IOException { // SPEC B7
        register("export").onCompleted(e -> { });
        register("upload", SystemConditionType.INTERNET_AVAILABLE);
        UUID old = cycle("export");
        h.platform.set(HostSignal.INTERNET, false);
        bg.applicationTrigger("upload").requestAsync().join();

        h.clock.advance(Retention.DEFAULT_MAX_AGE.minusHours(2));
        UUID recent = cycle("export");
        h.clock.advance(Duration.ofHours(3)); // the hourly sweep of an idle broker

        assertThat(h.broker().instances(APP)).extracting(InstanceInfo::instanceId).contains(recent)
                .doesNotContain(old);
        assertThat(h.broker().instances(APP)).filteredOn(i -> i.state() == InstanceState.PENDING).hasSize(1);
        assertThat(h.config().instanceLog(old)).doesNotExist();
    }

    @Test
    void anUndeliveredCompletionIsKeptBeyondTheCountButDroppedWithALogLineAfterThirtyDays() throws IOException {
        // SPEC B7, X5
        h.retention = Retention.DEFAULT.withKeepEnded(2);
        h.restart();
        bg.close();
        bg = h.app(APP);
        register("export"); // nobody listens: every completion stays undelivered
        List<UUID> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(cycle("export"));
        }
        h.clock.advance(Duration.ZERO);
        assertThat(h.broker().undeliveredCompletions(APP)).hasSize(5);

        String log = stderrOf(() -> h.clock.advance(Retention.DEFAULT_MAX_AGE.plusHours(1)));

        assertThat(h.broker().undeliveredCompletions(APP)).isEmpty();
        assertThat(h.broker().instances(APP)).isEmpty();
        assertThat(log).contains("dropped the completion of instance " + runs.get(0))
                .contains("no listener of the app took it");
    }

    @Test
    void pruningWaitsForABatchOfCompletionsAndRunsOffTheTriggerPath() throws IOException { // SPEC B7
        h.retention = Retention.DEFAULT.withKeepEnded(10);
        h.restart();
        h.clock.advance(Duration.ZERO);
        bg.close();
        bg = h.app(APP);
        register("export").onCompleted(e -> { });
        for (int i = 0; i < 49; i++) {
            cycle("export");
        }
        h.clock.advance(Duration.ZERO);
        assertThat(ended("export")).hasSize(49); // fewer completions than a batch: no sweep yet

        cycle("export"); // the 50th schedules a sweep on the broker's clock; the completion itself prunes nothing
        assertThat(ended("export")).hasSize(50);
        h.clock.advance(Duration.ZERO);
        assertThat(ended("export")).hasSize(10);
    }

    @Test
    void aRestartedBrokerSweepsAtOnce() throws IOException { // SPEC B7: an upgrade or a long outage
        register("export").onCompleted(e -> { });
        for (int i = 0; i < 20; i++) {
            cycle("export");
        }
        h.retention = Retention.DEFAULT.withKeepEnded(5);
        h.restart();
        h.clock.advance(Duration.ZERO);
        assertThat(ended("export")).hasSize(5);
        assertThat(runLogCount()).isEqualTo(5);
    }

    @Test
    void aRunLogIsCutWhileItsTaskRunsAndKeepsHeadAndTailWithinOneMebibyteWhenItEnds() throws IOException {
        // SPEC B7
        register("export");
        bg.applicationTrigger("export").requestAsync().join();
        var process = h.platform.lastProcess();
        Path log = process.spec().logFile();
        Files.createDirectories(log.getParent());
        Files.writeString(log, "first line\n" + "x".repeat(100).concat("\n").repeat(30_000)); // 3 MB

        h.clock.advance(Duration.ofSeconds(10));
        assertThat(Files.size(log)).isLessThan(Retention.DEFAULT_RUN_LOG_MAX_BYTES / 2 + 200);

        Files.writeString(log, "y".repeat(100).concat("\n").repeat(20_000) + "last line\n",
                java.nio.file.StandardOpenOption.APPEND);
        process.exit(0);

        String text = Files.readString(log);
        assertThat(Files.size(log)).isLessThanOrEqualTo(Retention.DEFAULT_RUN_LOG_MAX_BYTES);
        assertThat(text).startsWith("first line\n").endsWith("y\nlast line\n")
                .containsOnlyOnce("[bgtasks: output cut here: ");
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
