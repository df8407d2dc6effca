package dev.bgtasks.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The broker's durable state in one SQLite file: access decisions, the user's access settings, registrations,
 * instances and undelivered completions.
 *
 * <pre>{@code
 * try (Store store = Store.open(home.resolve("bgtasks.db"))) {
 *     store.run(tx -> tx.insertRegistration(row));
 *     List<RegistrationRow> rows = store.read(tx -> tx.registrations("com.example.notes"));
 * }
 * }</pre>
 *
 * <p>Every {@link #write} is one SQLite transaction, committed with {@code synchronous=FULL} before it returns
 * (SPEC B4), in WAL mode; a {@link #writeRiding} transaction (a change no client is told of at that moment: pending
 * to running, the pid) commits without an fsync of its own and becomes durable with the next durable commit. The store holds an exclusive lock on {@code <db>.lock} for its whole life, so a second
 * broker on the same file refuses to start. A corrupt file or one of a newer schema gives a {@link StoreException}
 * naming the file; nothing is ever reset silently. All methods are thread-safe; transactions run one at a time.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final int BUSY_TIMEOUT_MILLIS = 5000;
    /**
     * What a WAL file is cut back to after a checkpoint (SPEC B7): without it the WAL keeps the size of the largest
     * burst of writes it ever held.
     */
    static final long JOURNAL_SIZE_LIMIT_BYTES = 4L * 1024 * 1024;
    /** SQLITE_OPEN_NOFOLLOW, which sqlite-jdbc has no constant for: SQLite itself refuses a linked db (SPEC S4). */
    private static final int OPEN_NOFOLLOW = 0x01000000;

    private final Path file;
    private final DbLock lock;
    private Connection connection;
    private final StatementCache statements;
    private boolean inTransaction;
    private long generation;
    private long durableCommits;
    private long ridingCommits;
    private boolean riding;

    private Store(Path file, DbLock lock, Connection connection) {
        this.file = file;
        this.lock = lock;
        this.connection = connection;
        this.statements = new StatementCache(connection);
    }

    /** Opens (creating or migrating forward) the database, taking the lock. */
    public static Store open(Path dbFile) {
        Path file = dbFile.toAbsolutePath();
        StoreFiles.ensureDirectory(file.getParent());
        StoreFiles.refuseSymlinks(file);
        DbLock lock = DbLock.acquire(file);
        try {
            return new Store(file, lock, openDatabase(file));
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Whether a store (a broker) holds {@code dbFile} open now, in this JVM or another process: what tells a
     * client that a broker runs even when its socket does not answer. A free lock is taken and dropped at once.
     */
    public static boolean isLocked(Path dbFile) {
        return DbLock.isHeld(dbFile.toAbsolutePath());
    }

    private static Connection openDatabase(Path file) {
        StoreFiles.createIfAbsent(file);
        StoreFiles.checkHeader(file);
        Connection connection = connect(file);
        try {
            int version = checkedVersion(connection, file);
            configure(connection, file);
            Schema.migrate(connection, file, version);
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection, e);
            throw SqlErrors.failure(file, "prepare the database", e);
        } catch (RuntimeException e) {
            closeQuietly(connection, e);
            throw e;
        }
    }

    private static Connection connect(Path file) {
        SQLiteConfig config = new SQLiteConfig(openFlags());
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        try {
            return config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            if (SqlErrors.isSymlinkRefusal(e)) {
                throw SqlErrors.symlink(file);
            }
            throw SqlErrors.notReadable(file, e.getMessage(), e);
        }
    }

    private static Properties openFlags() {
        int flags = SQLiteOpenMode.READWRITE.flag | SQLiteOpenMode.CREATE.flag | OPEN_NOFOLLOW;
        Properties properties = new Properties();
        properties.setProperty(SQLiteConfig.Pragma.OPEN_MODE.pragmaName, Integer.toString(flags));
        return properties;
    }

    /** Reads the file before anything writes to it, so a refused file stays byte for byte as it was. */
    private static int checkedVersion(Connection connection, Path file) {
        try {
            return Schema.checkedVersion(connection, file);
        } catch (SQLException e) {
            throw SqlErrors.notReadable(file, e.getMessage(), e);
        }
    }

    private static void configure(Connection connection, Path file) throws SQLException {
        String mode = Schema.pragma(connection, "journal_mode = WAL");
        if (!"wal".equalsIgnoreCase(mode)) {
            LOG.warn("{}: the file system does not support WAL; using journal mode {}", file, mode);
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA synchronous = FULL");
            statement.execute("PRAGMA foreign_keys = ON");
            statement.execute("PRAGMA journal_size_limit = " + JOURNAL_SIZE_LIMIT_BYTES);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * {@return how many write transactions this store has run}: what was read at one generation is still what the
     * file holds while the generation stays the same (this broker is the file's only writer).
     */
    public synchronized long generation() {
        return generation;
    }

    /** Runs {@code work} in one write transaction ({@code BEGIN IMMEDIATE}); rolls back if it throws. */
    public synchronized <T> T write(Function<StoreTransaction, T> work) {
        return inTransaction("BEGIN IMMEDIATE", true, work);
    }

    /**
     * Runs {@code work} in one write transaction committed without an fsync of its own ({@code synchronous=NORMAL}
     * for it): it is on disk once the next durable {@link #write} commits (the WAL is synced up to that commit) or a
     * checkpoint runs. Only for a change no client hears of at that moment (SPEC B4 as amended: pending to running,
     * the pid); a crash of the machine in between loses it, and a restarted broker finds the instance by its run
     * token (B6). A crash of the broker alone loses nothing: SQLite has written it to the WAL.
     *
     * @param work the changes
     */
    public synchronized void writeRiding(Consumer<StoreTransaction> work) {
        Connection open = connection();
        if (inTransaction) {
            throw new StoreException(file + ": Store.writeRiding called inside another transaction of this store");
        }
        execute(open, "PRAGMA synchronous = NORMAL", "relax the commit's sync");
        riding = true;
        try {
            inTransaction("BEGIN IMMEDIATE", true, tx -> {
                work.accept(tx);
                return null;
            });
        } finally {
            riding = false;
            execute(open, "PRAGMA synchronous = FULL", "restore durable commits");
        }
    }

    /**
     * {@return how many write transactions committed durably (with fsync) and how many rode on a later one}, for
     * tests and the bench: SPEC B4 counts them.
     */
    public synchronized Commits commits() {
        return new Commits(durableCommits, ridingCommits);
    }

    /** {@return the connection's {@code synchronous} setting ("2" is FULL), for tests} */
    synchronized String synchronousSetting() {
        try {
            return Schema.pragma(connection(), "synchronous");
        } catch (SQLException e) {
            throw SqlErrors.failure(file, "read the synchronous setting", e);
        }
    }

    /**
     * Counts of committed write transactions.
     *
     * @param durable committed with fsync ({@link #write}, {@link #run})
     * @param riding committed without ({@link #writeRiding})
     */
    public record Commits(long durable, long riding) {
    }

    /** Runs {@code work}, which returns nothing, in one write transaction, as {@link #write} does. */
    public void run(Consumer<StoreTransaction> work) {
        write(tx -> {
            work.accept(tx);
            return null;
        });
    }

    /** Runs {@code work} in one read transaction. */
    public synchronized <T> T read(Function<StoreTransaction, T> work) {
        return inTransaction("BEGIN DEFERRED", false, work);
    }

    private <T> T inTransaction(String begin, boolean writable, Function<StoreTransaction, T> work) {
        Connection open = connection();
        if (inTransaction) {
            throw new StoreException(file + ": Store.read/write called inside another transaction of this store");
        }
        execute(open, begin, "begin a transaction");
        SqlTransaction tx = new SqlTransaction(statements, file, writable);
        inTransaction = true;
        try {
            T result = work.apply(tx);
            execute(open, "COMMIT", "commit a transaction");
            if (writable && riding) {
                ridingCommits++;
            } else if (writable) {
                durableCommits++;
            }
            return result;
        } catch (RuntimeException | Error e) {
            rollback(open, e);
            throw e;
        } finally {
            tx.end();
            inTransaction = false;
            if (writable) {
                // Rolled back or not: counting every write keeps a reader's memory on the safe side.
                generation++;
            }
        }
    }

    private void execute(Connection open, String sql, String action) {
        try (Statement statement = open.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw SqlErrors.failure(file, action, e);
        }
    }

    private static void rollback(Connection open, Throwable failure) {
        try (Statement statement = open.createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            // A failed COMMIT may already have ended the transaction; the original failure is what matters.
            failure.addSuppressed(e);
        }
    }

    /**
     * Gives the pages that deleted rows freed back to the file system and empties the WAL into the database (SPEC
     * B7): {@code PRAGMA incremental_vacuum}, then {@code PRAGMA wal_checkpoint(TRUNCATE)}. Outside any transaction;
     * it costs fsyncs, so it belongs after pruning, off the trigger path. A checkpoint that a reader holds back is
     * left for the next time.
     *
     * @return how many pages were free before, for the log
     */
    public synchronized long compact() {
        Connection open = connection();
        if (inTransaction) {
            throw new StoreException(file + ": cannot compact the store inside one of its transactions");
        }
        long freePages = Long.parseLong(pragma("freelist_count"));
        try (Statement statement = open.createStatement()) {
            // SQLite frees one page per step of this statement; sqlite-jdbc's execute() steps once, and only
            // executeUpdate() steps it to the end.
            statement.executeUpdate("PRAGMA incremental_vacuum");
        } catch (SQLException e) {
            throw SqlErrors.failure(file, "give free pages back to the file system", e);
        }
        pragma("wal_checkpoint(TRUNCATE)");
        generation++;
        return freePages;
    }

    /** {@code PRAGMA integrity_check}; true when the file is sound. */
    public synchronized boolean integrityOk() {
        return "ok".equals(pragma("integrity_check"));
    }

    /** The first value {@code PRAGMA <statement>} returns; for tests and diagnostics. */
    synchronized String pragma(String statement) {
        try {
            return Schema.pragma(connection(), statement);
        } catch (SQLException e) {
            throw SqlErrors.failure(file, "run PRAGMA " + statement, e);
        }
    }

    @Override
    public synchronized void close() {
        if (connection == null) {
            return;
        }
        if (inTransaction) {
            throw new StoreException(file + ": cannot close the store inside one of its transactions");
        }
        try (Connection closing = connection) {
            statements.close();
        } catch (SQLException e) {
            throw SqlErrors.failure(file, "close the database", e);
        } finally {
            connection = null;
            lock.close();
        }
    }

    private Connection connection() {
        if (connection == null) {
            throw new StoreException(file + ": the store is closed");
        }
        return connection;
    }

    private static void closeQuietly(Connection connection, Exception primary) {
        try {
            connection.close();
        } catch (SQLException e) {
            primary.addSuppressed(e);
        }
    }
}
