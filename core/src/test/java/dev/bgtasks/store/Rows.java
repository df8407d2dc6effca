package dev.bgtasks.store;

import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Rows for store tests. */
final class Rows {
    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

    private Rows() {
    }

    static RegistrationRow registration(String appId, String trigger, Instant at) {
        return new RegistrationRow(UUID.randomUUID(), appId, "task-" + trigger, trigger,
                "{\"target\":\"com.example.Sync\",\"trigger\":\"" + trigger + "\"}", at);
    }

    static InstanceRow pending(String appId, String trigger, Instant requestedAt) {
        return InstanceRow.pending(UUID.randomUUID(), UUID.randomUUID(), appId, trigger,
                ("args of " + trigger).getBytes(StandardCharsets.UTF_8), UUID.randomUUID().toString(), requestedAt);
    }

    /** An instance with every field set. */
    static InstanceRow full(String appId, String trigger, BackgroundTaskCancellationReason reason,
                            TaskOutcome outcome, TerminationReason termination) {
        return new InstanceRow(UUID.randomUUID(), UUID.randomUUID(), appId, trigger, InstanceState.COMPLETED,
                new byte[] {0, 1, -1, 127, -128, 42}, 87, "token-" + UUID.randomUUID(), 4_000_000_123L, reason,
                outcome, termination, "java.lang.IllegalStateException", "boom: ünïcödé \n second line", -9,
                3L * 1024 * 1024 * 1024 * 1024, T0, T0.plusNanos(1), T0.plusSeconds(2).plusNanos(999_999_999),
                T0.plusSeconds(3), true, new byte[] {9, 8, 7}, 3, T0.plusSeconds(4));
    }

    static InstanceRow completed(InstanceRow row, Instant endedAt) {
        return row.completed(TaskOutcome.SUCCEEDED, null, null, null, 0, 1024L, endedAt);
    }
}
