package dev.bgtasks.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versioned schema. {@code PRAGMA user_version} is the version of a file; {@link #MIGRATIONS} holds one step
 * per version, and a file is brought forward one step per transaction. Steps are only ever appended.
 *
 * <p>Version 3 (SPEC B7) makes the file able to shrink after pruning ({@code auto_vacuum = INCREMENTAL}, which an
 * existing file only takes with one {@code VACUUM}, run before the step's transaction since VACUUM cannot run
 * inside one) and indexes ended instances per registration for the pruning query. Version 4 stores a task's
 * result (SPEC P2) and version 5 its attempts (SPEC P1).
 */
final class Schema {
    /** {@code PRAGMA application_id}: "bgts", so a foreign SQLite file is never mistaken for a store. */
    static final int APPLICATION_ID = 0x62677473;

    private static final int REPORTED_PROBLEMS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    private static final List<String> V1 = List.of(
            "PRAGMA application_id = " + APPLICATION_ID,
            """
            CREATE TABLE access_status (
                app_id TEXT PRIMARY KEY NOT NULL,
                status TEXT NOT NULL
            ) STRICT""",
            """
            CREATE TABLE user_access (
                app_id TEXT PRIMARY KEY NOT NULL,
                setting TEXT NOT NULL
            ) STRICT""",
            """
            CREATE TABLE registrations (
                task_id TEXT PRIMARY KEY NOT NULL,
                app_id TEXT NOT NULL,
                name TEXT NOT NULL,
                trigger_name TEXT NOT NULL,
                definition_json TEXT NOT NULL,
                registered_at TEXT NOT NULL
            ) STRICT""",
            // SPEC R3 held by the database itself: one registration per trigger slot.
            "CREATE UNIQUE INDEX registrations_slot ON registrations (app_id, trigger_name)",
            // No foreign key to registrations: an instance outlives its registration (unregister(false)).
            """
            CREATE TABLE instances (
                instance_id TEXT PRIMARY KEY NOT NULL,
                task_id TEXT NOT NULL,
                app_id TEXT NOT NULL,
                trigger_name TEXT NOT NULL,
                state TEXT NOT NULL,
                arguments BLOB NOT NULL,
                progress INTEGER NOT NULL,
                run_token TEXT NOT NULL UNIQUE,
                pid INTEGER,
                cancel_reason TEXT,
                outcome TEXT,
                termination_reason TEXT,
                error_class TEXT,
                error_message TEXT,
                exit_code INTEGER,
                peak_memory_bytes INTEGER,
                requested_at TEXT NOT NULL,
                started_at TEXT,
                cancel_requested_at TEXT,
                ended_at TEXT,
                delivered INTEGER NOT NULL
            ) STRICT""",
            // SPEC T4 held by the database itself: one pending-or-running instance per trigger slot.
            """
            CREATE UNIQUE INDEX instances_active_slot ON instances (app_id, trigger_name)
                WHERE state IN ('PENDING', 'RUNNING')""",
            "CREATE INDEX instances_by_app ON instances (app_id, requested_at)",
            "CREATE INDEX instances_by_state ON instances (state, requested_at)",
            """
            CREATE INDEX instances_undelivered ON instances (app_id, ended_at)
                WHERE state = 'COMPLETED' AND delivered = 0""");

    /** SPEC Y5: the stored schedules of time, maintenance and system triggers. */
    private static final List<String> V2 = List.of(
            """
            CREATE TABLE trigger_schedules (
                task_id TEXT PRIMARY KEY NOT NULL,
                next_fire_at TEXT,
                spent INTEGER NOT NULL
            ) STRICT""");

    private static final List<String> V3 = List.of(
            // SPEC B7: the newest ended instances of each registration, for pruning.
            """
            CREATE INDEX instances_ended ON instances (task_id, ended_at)
                WHERE state = 'COMPLETED'""");

    /** SPEC P2: the result map a task set, encoded as trigger arguments are; null when it set none. */
    private static final List<String> V4 = List.of(
            "ALTER TABLE instances ADD COLUMN result BLOB");

    /** SPEC P1: which attempt an instance is on, when the next may start, and how the earlier ones ended. */
    private static final List<String> V5 = List.of(
            "ALTER TABLE instances ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE instances ADD COLUMN next_attempt_at TEXT",
            """
            CREATE TABLE instance_attempts (
                instance_id TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                started_at TEXT,
                ended_at TEXT NOT NULL,
                outcome TEXT NOT NULL,
                termination_reason TEXT,
                error_class TEXT,
                error_message TEXT,
                exit_code INTEGER,
                PRIMARY KEY (instance_id, attempt)
            ) STRICT""");

    /** {@code PRAGMA auto_vacuum} of a file whose freed pages can be given back with incremental_vacuum. */
    static final String INCREMENTAL = "2";

    /** Index i brings a file from version i to version i + 1. */
    private static final List<List<String>> MIGRATIONS = List.of(V1, V2, V3, V4, V5);

    private Schema() {
    }

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    /**
     * The version of an existing file, refusing a file that is foreign, newer than this code or damaged.
     * Reads only; a refused file is left as it was.
     *
     * @throws SQLException when SQLite cannot read the file at all
     */
    static int checkedVersion(Connection connection, Path file) throws SQLException {
        int applicationId = Integer.parseInt(pragma(connection, "application_id"));
        int version = Integer.parseInt(pragma(connection, "user_version"));
        boolean blank = applicationId == 0 && version == 0 && !hasObjects(connection);
        if (!blank && applicationId != APPLICATION_ID) {
            throw SqlErrors.notReadable(file, "it is an SQLite database of another application", null);
        }
        if (version > latestVersion()) {
            throw new StoreException(file + " has schema version " + version + ", newer than version "
                    + latestVersion() + " that this bgtasks knows; it was left untouched. Use a newer bgtasks.");
        }
        String check = pragma(connection, "quick_check(" + REPORTED_PROBLEMS + ")");
        if (!"ok".equals(check)) {
            throw SqlErrors.notReadable(file, "integrity check failed: " + firstProblems(check), null);
        }
        return version;
    }

    private static String firstProblems(String check) {
        return check.lines()
                .filter(line -> !line.startsWith("***"))
                .limit(REPORTED_PROBLEMS)
                .collect(Collectors.joining("; "));
    }

    /** Applies the missing steps, each with its version bump in one transaction. */
    static void migrate(Connection connection, Path file, int from) throws SQLException {
        if (from == 0) {
            // A new file: incremental auto-vacuum costs nothing before the first table exists.
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
            }
        }
        for (int version = from; version < latestVersion(); version++) {
            if (version == 2) {
                enableIncrementalVacuum(connection, file);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
                try {
                    for (String sql : MIGRATIONS.get(version)) {
                        statement.execute(sql);
                    }
                    statement.execute("PRAGMA user_version = " + (version + 1));
                    statement.execute("COMMIT");
                } catch (SQLException e) {
                    rollback(statement, e);
                    throw e;
                }
            }
            LOG.info("{}: schema migrated from version {} to {}", file, version, version + 1);
        }
    }

    /**
     * Switches a file made without auto-vacuum to incremental auto-vacuum. That takes one VACUUM, which rewrites
     * the file and cannot run in a transaction; a crash before the version bump repeats it, which is harmless.
     */
    private static void enableIncrementalVacuum(Connection connection, Path file) throws SQLException {
        if (INCREMENTAL.equals(pragma(connection, "auto_vacuum"))) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
            statement.execute("VACUUM");
        }
        LOG.info("{}: rewritten once so that it shrinks after pruning (auto_vacuum = INCREMENTAL)", file);
    }

    private static void rollback(Statement statement, SQLException failure) {
        try {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** The first column of the first row of {@code PRAGMA <statement>}, or null when it returns no row. */
    static String pragma(Connection connection, String statement) throws SQLException {
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("PRAGMA " + statement)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static boolean hasObjects(Connection connection) throws SQLException {
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT 1 FROM sqlite_schema LIMIT 1")) {
            return rows.next();
        }
    }
}
