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

    private static Connection open(Path database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty(OPEN_MODE, READ_ONLY);
        return DriverManager.getConnection("jdbc:sqlite:" + database, properties);
    }
}
