package dev.bgtasks.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements of one connection, kept for its life: the broker runs the same few queries on every
 * trigger, and preparing them again each time was most of the cost of a decision ({@code bench/run}, JMH).
 * Used under the store's lock, one transaction at a time.
 *
 * <pre>{@code
 * PreparedStatement statement = cache.get("SELECT ... WHERE app_id = ?");
 * }</pre>
 */
final class StatementCache implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    StatementCache(Connection connection) {
        this.connection = connection;
    }

    /** The statement for {@code sql}, prepared on first use; the caller clears its parameters after use. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Drops the statement for {@code sql}, closing it; a statement that failed may not be reusable. */
    void discard(String sql) {
        PreparedStatement statement = statements.remove(sql);
        if (statement == null) {
            return;
        }
        try {
            statement.close();
        } catch (SQLException e) {
            // It is dropped either way; the failure that led here is the one the caller reports.
        }
    }

    /** Closes every statement; the first failure is thrown after all were tried. */
    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        statements.clear();
        if (first != null) {
            throw first;
        }
    }
}
