package dev.bgtasks.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The stored state of a broker-fired trigger (SPEC Y5): when a time or maintenance trigger is next due, and whether
 * a one-shot trigger has fired already.
 *
 * <pre>{@code
 * store.write(tx -> { tx.putSchedule(new ScheduleRow(taskId, now.plus(freshness), false)); return null; });
 * }</pre>
 *
 * @param taskId the registration
 * @param nextFireAt when a time or maintenance trigger is next due (wall clock); null for a system trigger
 * @param spent a one-shot trigger that has fired: it never fires again
 */
public record ScheduleRow(UUID taskId, Instant nextFireAt, boolean spent) {
    public ScheduleRow {
        Objects.requireNonNull(taskId, "taskId");
    }
}
