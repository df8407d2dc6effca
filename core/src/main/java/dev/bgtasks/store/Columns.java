package dev.bgtasks.store;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;

/**
 * How values are kept in columns: enums by name, UUIDs as text, instants as UTC ISO-8601 text with all nine
 * fraction digits, so that they round-trip exactly and text order is time order.
 */
final class Columns {
    private static final DateTimeFormatter INSTANT = new DateTimeFormatterBuilder()
            .appendInstant(9)
            .toFormatter(Locale.ROOT);

    private final Path file;

    Columns(Path file) {
        this.file = file;
    }

    static String text(Instant instant) {
        return instant == null ? null : INSTANT.format(instant);
    }

    static String text(UUID id) {
        return id == null ? null : id.toString();
    }

    static String text(Enum<?> value) {
        return value == null ? null : value.name();
    }

    Instant instant(ResultSet row, String column) throws SQLException {
        String value = row.getString(column);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw unreadable(column, value, e);
        }
    }

    UUID uuid(ResultSet row, String column) throws SQLException {
        String value = row.getString(column);
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw unreadable(column, value, e);
        }
    }

    <E extends Enum<E>> E enumValue(ResultSet row, String column, Class<E> type) throws SQLException {
        String value = row.getString(column);
        try {
            return value == null ? null : Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw unreadable(column, value, e);
        }
    }

    static Long nullableLong(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    static Integer nullableInt(ResultSet row, String column) throws SQLException {
        int value = row.getInt(column);
        return row.wasNull() ? null : value;
    }

    private StoreException unreadable(String column, String value, Exception cause) {
        return new StoreException(file + " holds an unreadable value in column " + column + ": '" + value + "'",
                cause);
    }
}
