package dev.bgtasks.store;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** {@link StoreTransaction} on the store's connection, valid only on its thread while its callback runs. */
final class SqlTransaction implements StoreTransaction {
    private static final String REGISTRATION_COLUMNS =
            "task_id, app_id, name, trigger_name, definition_json, registered_at";
    private static final List<String> INSTANCE_COLUMN_LIST = List.of("instance_id", "task_id", "app_id",
            "trigger_name", "state", "arguments", "progress", "run_token", "pid", "cancel_reason", "outcome",
            "termination_reason", "error_class", "error_message", "exit_code", "peak_memory_bytes", "requested_at",
            "started_at", "cancel_requested_at", "ended_at", "delivered", "result", "attempt", "next_attempt_at");
    private static final String INSTANCE_COLUMNS = String.join(", ", INSTANCE_COLUMN_LIST);
    private static final String INSERT_INSTANCE = "INSERT INTO instances (" + INSTANCE_COLUMNS + ") VALUES ("
            + String.join(", ", Collections.nCopies(INSTANCE_COLUMN_LIST.size(), "?")) + ")";
    private static final String UPDATE_INSTANCE = "UPDATE instances SET "
            + INSTANCE_COLUMN_LIST.stream().skip(1).map(column -> column + " = ?").collect(Collectors.joining(", "))
            + " WHERE instance_id = ?";
    private static final String ACTIVE = "state IN ('PENDING', 'RUNNING')";

    private final StatementCache statements;
    private final Path file;
    private final boolean writable;
    private final Thread owner = Thread.currentThread();
    private final Columns columns;
    private boolean open = true;

    SqlTransaction(StatementCache statements, Path file, boolean writable) {
        this.statements = statements;
        this.file = file;
        this.writable = writable;
        this.columns = new Columns(file);
    }

    /** Called when the callback has returned: the transaction is over. */
    void end() {
        open = false;
    }

    // Access.

    @Override
    public Optional<BackgroundAccessStatus> accessStatus(String appId) {
        return first(query("read the access status", "SELECT status FROM access_status WHERE app_id = ?",
                row -> columns.enumValue(row, "status", BackgroundAccessStatus.class), appId));
    }

    @Override
    public void setAccessStatus(String appId, BackgroundAccessStatus status) {
        update("set the access status", null, """
                INSERT INTO access_status (app_id, status) VALUES (?, ?)
                ON CONFLICT (app_id) DO UPDATE SET status = excluded.status""", appId, Columns.text(status));
    }

    @Override
    public void clearAccessStatus(String appId) {
        update("clear the access status", null, "DELETE FROM access_status WHERE app_id = ?", appId);
    }

    @Override
    public List<String> appsWithAccessStatus() {
        return query("list the apps with an access status", "SELECT app_id FROM access_status ORDER BY app_id",
                row -> row.getString("app_id"));
    }

    @Override
    public Optional<UserAccessSetting> userAccessSetting(String appId) {
        return first(query("read the user access setting", "SELECT setting FROM user_access WHERE app_id = ?",
                row -> columns.enumValue(row, "setting", UserAccessSetting.class), appId));
    }

    @Override
    public void setUserAccessSetting(String appId, UserAccessSetting setting) {
        update("set the user access setting", null, """
                INSERT INTO user_access (app_id, setting) VALUES (?, ?)
                ON CONFLICT (app_id) DO UPDATE SET setting = excluded.setting""", appId, Columns.text(setting));
    }

    @Override
    public void clearUserAccessSetting(String appId) {
        update("clear the user access setting", null, "DELETE FROM user_access WHERE app_id = ?", appId);
    }

    // Registrations.

    @Override
    public void insertRegistration(RegistrationRow row) {
        update("store registration " + row.taskId(), () -> registrationConflict(row),
                "INSERT INTO registrations (" + REGISTRATION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                Columns.text(row.taskId()), row.appId(), row.name(), row.triggerName(), row.definitionJson(),
                Columns.text(row.registeredAt()));
    }

    private String registrationConflict(RegistrationRow row) {
        if (registration(row.taskId()).isPresent()) {
            return "registration " + row.taskId() + " already exists";
        }
        return "trigger slot already registered: app '" + row.appId() + "', trigger '" + row.triggerName()
                + "' (SPEC R3)";
    }

    @Override
    public Optional<RegistrationRow> registration(UUID taskId) {
        return first(query("read registration " + taskId,
                "SELECT " + REGISTRATION_COLUMNS + " FROM registrations WHERE task_id = ?",
                this::registrationRow, Columns.text(taskId)));
    }

    @Override
    public Optional<RegistrationRow> registrationForTrigger(String appId, String triggerName) {
        return first(query("read the registration of a trigger", "SELECT " + REGISTRATION_COLUMNS
                        + " FROM registrations WHERE app_id = ? AND trigger_name = ?",
                this::registrationRow, appId, triggerName));
    }

    @Override
    public List<RegistrationRow> registrations(String appId) {
        return query("list registrations", "SELECT " + REGISTRATION_COLUMNS
                        + " FROM registrations WHERE app_id = ? ORDER BY registered_at, rowid",
                this::registrationRow, appId);
    }

    @Override
    public boolean deleteRegistration(UUID taskId) {
        return update("delete registration " + taskId, null, "DELETE FROM registrations WHERE task_id = ?",
                Columns.text(taskId)) > 0;
    }

    private RegistrationRow registrationRow(ResultSet row) throws SQLException {
        return new RegistrationRow(columns.uuid(row, "task_id"), row.getString("app_id"), row.getString("name"),
                row.getString("trigger_name"), row.getString("definition_json"),
                columns.instant(row, "registered_at"));
    }

    // Instances.

    @Override
    public void insertInstance(InstanceRow row) {
        update("store instance " + row.instanceId(), () -> instanceConflict(row), INSERT_INSTANCE,
                instanceValues(row).toArray());
    }

    @Override
    public void updateInstance(InstanceRow row) {
        List<Object> values = instanceValues(row);
        values.add(values.remove(0));
        int changed = update("update instance " + row.instanceId(), () -> instanceConflict(row), UPDATE_INSTANCE,
                values.toArray());
        if (changed == 0) {
            throw new StoreException(file + ": cannot update instance " + row.instanceId() + ": it is not stored");
        }
    }

    private String instanceConflict(InstanceRow row) {
        Optional<InstanceRow> active = activeInstance(row.appId(), row.triggerName());
        if (active.isPresent() && !active.get().instanceId().equals(row.instanceId())) {
            return "an instance of trigger '" + row.triggerName() + "' of app '" + row.appId()
                    + "' is already pending or running: " + active.get().instanceId() + " (SPEC T4)";
        }
        if (instanceByRunToken(row.runToken()).isPresent()) {
            return "the run token of instance " + row.instanceId() + " is already used by another instance";
        }
        return "instance " + row.instanceId() + " already exists";
    }

    @Override
    public Optional<InstanceRow> instance(UUID instanceId) {
        return first(query("read instance " + instanceId,
                "SELECT " + INSTANCE_COLUMNS + " FROM instances WHERE instance_id = ?",
                this::instanceRow, Columns.text(instanceId)));
    }

    @Override
    public Optional<InstanceRow> instanceByRunToken(String runToken) {
        return first(query("read an instance by run token",
                "SELECT " + INSTANCE_COLUMNS + " FROM instances WHERE run_token = ?", this::instanceRow, runToken));
    }

    @Override
    public Optional<InstanceRow> activeInstance(String appId, String triggerName) {
        return first(query("read the active instance of a trigger", "SELECT " + INSTANCE_COLUMNS
                        + " FROM instances WHERE app_id = ? AND trigger_name = ? AND " + ACTIVE,
                this::instanceRow, appId, triggerName));
    }

    @Override
    public List<InstanceRow> instancesInState(InstanceState state) {
        return query("list " + state + " instances", "SELECT " + INSTANCE_COLUMNS
                        + " FROM instances WHERE state = ? ORDER BY requested_at, rowid",
                this::instanceRow, Columns.text(state));
    }

    @Override
    public List<InstanceRow> instances(String appId, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        return query("list instances", "SELECT " + INSTANCE_COLUMNS
                        + " FROM instances WHERE app_id = ? ORDER BY requested_at DESC, rowid DESC LIMIT ?",
                this::instanceRow, appId, limit);
    }

    @Override
    public List<InstanceRow> undeliveredCompletions(String appId) {
        return query("list undelivered completions", "SELECT " + INSTANCE_COLUMNS
                        + " FROM instances WHERE app_id = ? AND state = 'COMPLETED' AND delivered = 0"
                        + " ORDER BY ended_at, rowid",
                this::instanceRow, appId);
    }

    @Override
    public boolean markDelivered(UUID instanceId) {
        return update("mark instance " + instanceId + " delivered", null,
                "UPDATE instances SET delivered = 1 WHERE instance_id = ? AND state = 'COMPLETED' AND delivered = 0",
                Columns.text(instanceId)) == 1;
    }

    @Override
    public List<EndedInstance> instancesToPrune(int keepNewest, Instant endedBefore, int limit) {
        if (keepNewest < 0 || limit < 0) {
            throw new IllegalArgumentException("keepNewest and limit must not be negative: " + keepNewest + ", "
                    + limit);
        }
        return query("list the instances retention drops", """
                SELECT instance_id, task_id, app_id, ended_at, delivered FROM (
                    SELECT instance_id, task_id, app_id, ended_at, delivered, ROW_NUMBER() OVER (
                        PARTITION BY task_id ORDER BY ended_at DESC, rowid DESC) AS newness
                    FROM instances WHERE state = 'COMPLETED')
                WHERE (delivered = 1 AND newness > ?) OR ended_at < ?
                ORDER BY ended_at LIMIT ?""",
                row -> new EndedInstance(columns.uuid(row, "instance_id"), columns.uuid(row, "task_id"),
                        row.getString("app_id"), columns.instant(row, "ended_at"), row.getInt("delivered") != 0),
                keepNewest, Columns.text(endedBefore), limit);
    }

    @Override
    public int deleteEndedInstances(List<UUID> instanceIds) {
        int deleted = 0;
        for (UUID id : instanceIds) {
            int gone = update("delete instance " + id, null,
                    "DELETE FROM instances WHERE instance_id = ? AND state = 'COMPLETED'", Columns.text(id));
            if (gone > 0) {
                // No foreign key cascades: an instance's earlier attempts go with it.
                update("delete the attempts of instance " + id, null,
                        "DELETE FROM instance_attempts WHERE instance_id = ?", Columns.text(id));
            }
            deleted += gone;
        }
        return deleted;
    }

    /** The values of {@link #INSTANCE_COLUMN_LIST}, in its order; mutable so an update can move the key last. */
    private static List<Object> instanceValues(InstanceRow row) {
        return new ArrayList<>(Arrays.asList(Columns.text(row.instanceId()), Columns.text(row.taskId()),
                row.appId(), row.triggerName(), Columns.text(row.state()), row.arguments(), row.progress(),
                row.runToken(), row.pid(), Columns.text(row.cancelReason()), Columns.text(row.outcome()),
                Columns.text(row.terminationReason()), row.errorClass(), row.errorMessage(), row.exitCode(),
                row.peakMemoryBytes(), Columns.text(row.requestedAt()), Columns.text(row.startedAt()),
                Columns.text(row.cancelRequestedAt()), Columns.text(row.endedAt()), row.delivered() ? 1 : 0,
                row.result(), row.attempt(), Columns.text(row.nextAttemptAt())));
    }

    private InstanceRow instanceRow(ResultSet row) throws SQLException {
        return new InstanceRow(columns.uuid(row, "instance_id"), columns.uuid(row, "task_id"),
                row.getString("app_id"), row.getString("trigger_name"),
                columns.enumValue(row, "state", InstanceState.class), row.getBytes("arguments"),
                row.getInt("progress"), row.getString("run_token"), Columns.nullableLong(row, "pid"),
                columns.enumValue(row, "cancel_reason", BackgroundTaskCancellationReason.class),
                columns.enumValue(row, "outcome", TaskOutcome.class),
                columns.enumValue(row, "termination_reason", TerminationReason.class),
                row.getString("error_class"), row.getString("error_message"), Columns.nullableInt(row, "exit_code"),
                Columns.nullableLong(row, "peak_memory_bytes"), columns.instant(row, "requested_at"),
                columns.instant(row, "started_at"), columns.instant(row, "cancel_requested_at"),
                columns.instant(row, "ended_at"), row.getInt("delivered") != 0, row.getBytes("result"),
                row.getInt("attempt"), columns.instant(row, "next_attempt_at"));
    }

    // Attempts.

    @Override
    public void insertAttempt(AttemptRow row) {
        update("store attempt " + row.attempt() + " of instance " + row.instanceId(), null, """
                INSERT INTO instance_attempts (instance_id, attempt, started_at, ended_at, outcome,
                    termination_reason, error_class, error_message, exit_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                Columns.text(row.instanceId()), row.attempt(), Columns.text(row.startedAt()),
                Columns.text(row.endedAt()), Columns.text(row.outcome()), Columns.text(row.terminationReason()),
                row.errorClass(), row.errorMessage(), row.exitCode());
    }

    @Override
    public List<AttemptRow> attempts(UUID instanceId) {
        return query("list the attempts of instance " + instanceId, """
                SELECT instance_id, attempt, started_at, ended_at, outcome, termination_reason, error_class,
                    error_message, exit_code FROM instance_attempts WHERE instance_id = ? ORDER BY attempt""",
                row -> new AttemptRow(columns.uuid(row, "instance_id"), row.getInt("attempt"),
                        columns.instant(row, "started_at"), columns.instant(row, "ended_at"),
                        columns.enumValue(row, "outcome", TaskOutcome.class),
                        columns.enumValue(row, "termination_reason", TerminationReason.class),
                        row.getString("error_class"), row.getString("error_message"),
                        Columns.nullableInt(row, "exit_code")),
                Columns.text(instanceId));
    }

    // Schedules.

    @Override
    public void putSchedule(ScheduleRow row) {
        update("store the schedule of " + row.taskId(), null,
                "INSERT OR REPLACE INTO trigger_schedules (task_id, next_fire_at, spent) VALUES (?, ?, ?)",
                Columns.text(row.taskId()), Columns.text(row.nextFireAt()), row.spent() ? 1 : 0);
    }

    @Override
    public Optional<ScheduleRow> schedule(UUID taskId) {
        return first(query("read the schedule of " + taskId,
                "SELECT task_id, next_fire_at, spent FROM trigger_schedules WHERE task_id = ?", this::scheduleRow,
                Columns.text(taskId)));
    }

    @Override
    public List<ScheduleRow> schedules() {
        return query("list schedules", "SELECT task_id, next_fire_at, spent FROM trigger_schedules ORDER BY task_id",
                this::scheduleRow);
    }

    @Override
    public void deleteSchedule(UUID taskId) {
        update("delete the schedule of " + taskId, null, "DELETE FROM trigger_schedules WHERE task_id = ?",
                Columns.text(taskId));
    }

    private ScheduleRow scheduleRow(ResultSet row) throws SQLException {
        return new ScheduleRow(columns.uuid(row, "task_id"), columns.instant(row, "next_fire_at"),
                row.getInt("spent") != 0);
    }

    // Plumbing.

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private <T> List<T> query(String action, String sql, RowReader<T> reader, Object... params) {
        requireOpen(action);
        try {
            PreparedStatement statement = statements.get(sql);
            bind(statement, params);
            List<T> result = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(reader.read(rows));
                }
            }
            // A cached statement must not keep this call's parameters (blobs of arguments) alive.
            statement.clearParameters();
            return result;
        } catch (SQLException e) {
            statements.discard(sql);
            throw SqlErrors.failure(file, action, e);
        }
    }

    /**
     * Runs a change; a broken uniqueness rule becomes a {@link StoreException} with {@code conflict}'s message,
     * looked up in this same transaction (SQLite has undone only the failed statement).
     */
    private int update(String action, Supplier<String> conflict, String sql, Object... params) {
        requireOpen(action);
        if (!writable) {
            throw new StoreException(file + ": cannot " + action + " inside Store.read; changes need Store.write");
        }
        try {
            PreparedStatement statement = statements.get(sql);
            bind(statement, params);
            int changed = statement.executeUpdate();
            statement.clearParameters();
            return changed;
        } catch (SQLException e) {
            // After a failure SQLite may refuse to reset the statement; a fresh one is prepared next time.
            statements.discard(sql);
            if (conflict != null && SqlErrors.isConstraint(e)) {
                throw new StoreException(file + ": " + conflict.get(), e);
            }
            throw SqlErrors.failure(file, action, e);
        }
    }

    private static void bind(PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private void requireOpen(String action) {
        if (!open || Thread.currentThread() != owner) {
            throw new StoreException(file + ": cannot " + action
                    + ": the transaction is used outside the Store.read/write callback that received it");
        }
    }
}
