package dev.bgtasks.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC B7 in the store: which ended instances retention drops, and the file giving their space back. */
class StoreRetentionTest {
    private static final String APP = "com.example.notes";
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path dir;

    private static InstanceRow ended(UUID taskId, String trigger, Instant endedAt, boolean delivered) {
        InstanceRow pending = InstanceRow.pending(UUID.randomUUID(), taskId, APP, trigger, new byte[1000],
                UUID.randomUUID().toString(), endedAt.minusSeconds(1));
        InstanceRow done = Rows.completed(pending, endedAt);
        return delivered ? withDelivered(done) : done;
    }

    private static InstanceRow withDelivered(InstanceRow r) {
        return new InstanceRow(r.instanceId(), r.taskId(), r.appId(), r.triggerName(), r.state(), r.arguments(),
                r.progress(), r.runToken(), r.pid(), r.cancelReason(), r.outcome(), r.terminationReason(),
                r.errorClass(), r.errorMessage(), r.exitCode(), r.peakMemoryBytes(), r.requestedAt(), r.startedAt(),
                r.cancelRequestedAt(), r.endedAt(), true, r.result(), r.attempt(), r.nextAttemptAt());
    }

    @Test
    void aNewFileShrinksAfterPruning() { // B7
        try (Store store = Store.open(dir.resolve("bgtasks.db"))) {
            assertThat(store.pragma("auto_vacuum")).isEqualTo(Schema.INCREMENTAL);
            assertThat(store.pragma("journal_size_limit")).isEqualTo(Long.toString(Store.JOURNAL_SIZE_LIMIT_BYTES));
        }
    }

    @Test
    void keepsTheNewestEndedPerRegistrationAndNothingTooOldExceptWhatIsActive() { // B7
        UUID export = UUID.randomUUID();
        UUID upload = UUID.randomUUID();
        List<InstanceRow> exportRuns = new ArrayList<>();
        try (Store store = Store.open(dir.resolve("bgtasks.db"))) {
            store.run(tx -> {
                for (int i = 0; i < 5; i++) { // ended 5, 4, 3, 2, 1 days ago
                    InstanceRow row = ended(export, "export", NOW.minus(Duration.ofDays(5 - i)), true);
                    exportRuns.add(row);
                    tx.insertInstance(row);
                }
                tx.insertInstance(ended(export, "export", NOW.minus(Duration.ofDays(6)), false)); // undelivered
                tx.insertInstance(ended(upload, "upload", NOW.minus(Duration.ofDays(40)), false)); // too old
                tx.insertInstance(ended(upload, "upload", NOW.minus(Duration.ofDays(1)), true));
                tx.insertInstance(InstanceRow.pending(UUID.randomUUID(), upload, APP, "upload", new byte[0],
                        "token-pending", NOW.minus(Duration.ofDays(90)))); // pending for months: kept
            });
            // An earlier attempt of a dropped instance and of a kept one.
            UUID droppedWithAttempt = exportRuns.get(0).instanceId();
            UUID keptWithAttempt = exportRuns.get(4).instanceId();
            store.run(tx -> {
                tx.insertAttempt(failedAttempt(droppedWithAttempt));
                tx.insertAttempt(failedAttempt(keptWithAttempt));
            });
            List<EndedInstance> dropped = store.read(tx -> tx.instancesToPrune(2, NOW.minus(Duration.ofDays(30)),
                    100));
            // export: the three oldest delivered beyond the newest two; upload: the one older than 30 days.
            assertThat(dropped).extracting(EndedInstance::instanceId).containsExactlyInAnyOrder(
                    exportRuns.get(0).instanceId(), exportRuns.get(1).instanceId(), exportRuns.get(2).instanceId(),
                    dropped.stream().filter(e -> e.taskId().equals(upload)).findFirst().orElseThrow().instanceId());
            assertThat(dropped).filteredOn(e -> e.taskId().equals(upload)).singleElement()
                    .satisfies(e -> assertThat(e.delivered()).isFalse());
            assertThat((List<?>) store.read(tx -> tx.instancesToPrune(2, NOW.minus(Duration.ofDays(30)), 1))).hasSize(1);

            int deleted = store.write(tx -> tx.deleteEndedInstances(
                    dropped.stream().map(EndedInstance::instanceId).toList()));
            assertThat(deleted).isEqualTo(4);
            assertThat((List<?>) store.read(tx -> tx.instancesToPrune(2, NOW.minus(Duration.ofDays(30)), 100))).isEmpty();
            assertThat((List<?>) store.read(tx -> tx.instancesInState(InstanceState.PENDING))).hasSize(1);
            assertThat((List<?>) store.read(tx -> tx.undeliveredCompletions(APP))).hasSize(1);
            assertThat((List<?>) store.read(tx -> tx.attempts(droppedWithAttempt))).isEmpty();
            assertThat((List<?>) store.read(tx -> tx.attempts(keptWithAttempt))).hasSize(1);
        }
    }

    private static AttemptRow failedAttempt(UUID instanceId) {
        return new AttemptRow(instanceId, 1, NOW.minus(Duration.ofDays(7)), NOW.minus(Duration.ofDays(7)),
                TaskOutcome.FAILED, null, null, null, 1);
    }

    @Test
    void compactingAfterPruningShrinksTheFileAndEmptiesTheWal() throws Exception { // B7
        Path file = dir.resolve("bgtasks.db");
        UUID task = UUID.randomUUID();
        try (Store store = Store.open(file)) {
            for (int batch = 0; batch < 20; batch++) {
                int offset = batch * 100;
                store.run(tx -> {
                    for (int i = 0; i < 100; i++) {
                        tx.insertInstance(ended(task, "t", NOW.minusSeconds(100_000 - offset - i), true));
                    }
                });
            }
            store.compact();
            long full = Files.size(file);
            List<EndedInstance> dropped = store.read(tx -> tx.instancesToPrune(10, Instant.EPOCH, 10_000));
            assertThat(dropped).hasSize(1990);
            store.run(tx -> tx.deleteEndedInstances(dropped.stream().map(EndedInstance::instanceId).toList()));

            long freePages = store.compact();

            assertThat(freePages).isPositive();
            assertThat(Files.size(file)).isLessThan(full / 4);
            assertThat(Files.size(StoreFiles.sibling(file, "-wal"))).isZero();
            assertThat(store.integrityOk()).isTrue();
        }
    }
}
