package dev.bgtasks.bench.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Reads a broker's SQLite file read-only, while no broker has it open: {@code PRAGMA integrity_check} and the
 * run tokens of its instances (to find the cgroups of tasks). Goes through JDBC, so sqlite-jdbc is needed only at
 * run time, where core brings it.
 */
final class StoreCheck {
    /** sqlite-jdbc's {@code open_mode} property; 1 is {@code SQLITE_OPEN_READONLY}. */
    private static final String OPEN_MODE = "open_mode";
    private static final String READ_ONLY = "1";

    private StoreCheck() {
    }

    /** The problems {@code PRAGMA integrity_check} reports; empty when the file is sound. */
    static List<String> integrityProblems(Path database) {
        if (!Files.isRegularFile(database)) {
            return List.of(database + " does not exist");
        }
        List<String> rows = new ArrayList<>();
        try (Connection connection = open(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        } catch (SQLException e) {
            return List.of(database + ": integrity_check could not run: " + e.getMessage());
        }
        if (rows.equals(List.of("ok"))) {
            return List.of();
        }
        return rows.stream().map(row -> database + ": integrity_check: " + row).toList();
    }

    /** Every run token in the instances table. */
    static List<String> runTokens(Path database) throws SQLException {
        List<String> tokens = new ArrayList<>();
        try (Connection connection = open(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT run_token FROM instances")) {
            while (result.next()) {
                tokens.add(result.getString(1));
            }
        }
        return tokens;
    }

    /**
     * How one stored instance stands.
     *
     * @param instanceId its id
     * @param state PENDING, RUNNING or COMPLETED
     * @param outcome how it ended, or null
     * @param terminationReason why it was stopped by force, or null
     * @param errorMessage what went wrong, or null
     */
    record InstanceEnd(String instanceId, String state, String outcome, String terminationReason,
                       String errorMessage) {
    }

    /** Every instance in the file, however many: the broker lists only the newest to an app. */
    static List<InstanceEnd> instanceEnds(Path database) throws SQLException {
        List<InstanceEnd> ends = new ArrayList<>();
        try (Connection connection = open(database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT instance_id, state, outcome, termination_reason,"
                     + " error_message FROM instances ORDER BY requested_at")) {
            while (result.next()) {
                ends.add(new InstanceEnd(result.getString(1), result.getString(2), result.getString(3),
                        result.getString(4), result.getString(5)));
            }
        }
        return ends;
    }

    private static Connection open(Path database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty(OPEN_MODE, READ_ONLY);
        return DriverManager.getConnection("jdbc:sqlite:" + database, properties);
    }
}
