package dev.bgtasks.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;

/** Turns SQLite failures into {@link StoreException}s whose message names the file and says what went wrong. */
final class SqlErrors {
    private static final int PRIMARY_CODE_MASK = 0xFF;

    private SqlErrors() {
    }

    static boolean isConstraint(SQLException e) {
        return primaryCode(e) == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
    }

    static boolean isSymlinkRefusal(SQLException e) {
        // sqlite-jdbc reports only the primary code (CANTOPEN); the extended one is in the message.
        return String.valueOf(e.getMessage()).contains(SQLiteErrorCode.SQLITE_CANTOPEN_SYMLINK.name());
    }

    static StoreException failure(Path file, String action, SQLException e) {
        int code = primaryCode(e);
        if (code == SQLiteErrorCode.SQLITE_FULL.code) {
            return new StoreException(file + ": the disk is full; could not " + action, e);
        }
        if (code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code) {
            return new StoreException(file + " is corrupt; could not " + action + ": " + e.getMessage(), e);
        }
        return new StoreException(file + ": could not " + action + ": " + e.getMessage(), e);
    }

    static StoreException notReadable(Path file, String why, Throwable cause) {
        return new StoreException(file + " is not a readable bgtasks database (" + why
                + "); it was left untouched. Move it aside to start with an empty store.", cause);
    }

    static StoreException symlink(Path path) {
        return new StoreException(path + " is a symbolic link; the store never follows links in its directory"
                + " (SPEC S4). Remove the link.");
    }

    private static int primaryCode(SQLException e) {
        return e.getErrorCode() & PRIMARY_CODE_MASK;
    }
}
