package dev.bgtasks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The fsync floor of a file system, measured in the same run as the figures it bounds (issue 15, SPEC B4): one
 * SQLite WAL commit of one small row with {@code synchronous=FULL}, as the broker's store commits, in a database
 * file next to the broker's. No durable broker can answer faster than this; the command figure's goal is stated
 * against it, and the cycle-rate baseline adds two of these commits to a spawn + wait.
 *
 * <pre>{@code
 * try (FsyncFloor floor = FsyncFloor.open(broker.home())) {
 *     Summary commit = floor.measure(200);
 *     floor.commit();                      // one more durable commit, for a baseline
 * }
 * }</pre>
 */
final class FsyncFloor implements AutoCloseable {
    private final Path file;
    private final Connection connection;
    private final PreparedStatement insert;
    private long rows;

    private FsyncFloor(Path file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
        }
        this.insert = connection.prepareStatement("INSERT INTO floor (id, body) VALUES (?, ?)");
        connection.setAutoCommit(true);
    }

    /**
     * Opens a database of its own in {@code directory} (the broker's home: the same file system as its store).
     *
     * @param directory where the file goes
     * @return the floor, to close
     * @throws IOException when SQLite cannot open it
     */
    static FsyncFloor open(Path directory) throws IOException {
        Path file = directory.resolve("fsync-floor.db");
        try {
            return new FsyncFloor(file, DriverManager.getConnection("jdbc:sqlite:" + file));
        } catch (SQLException e) {
            throw new IOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** One durable commit of one row of about the size of an instance's (a few hundred bytes). */
    void commit() throws SQLException {
        insert.setLong(1, ++rows);
        insert.setBytes(2, new byte[300]);
        insert.executeUpdate();
    }

    /**
     * Times {@code samples} commits after a few unrecorded ones.
     *
     * @param samples how many
     * @return their summary
     * @throws SQLException when a commit fails
     */
    Summary measure(int samples) throws SQLException {
        for (int i = 0; i < 5; i++) {
            commit();
        }
        Samples taken = new Samples(samples);
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            commit();
            taken.add(System.nanoTime() - start);
        }
        return taken.summary();
    }

    @Override
    public void close() throws IOException {
        try {
            insert.close();
            connection.close();
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
    }
}
