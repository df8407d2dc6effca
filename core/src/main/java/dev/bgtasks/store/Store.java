package dev.bgtasks.store;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The broker's durable state in one SQLite file: access decisions, the user's access settings, registrations,
 * instances and undelivered completions.
 *
 * <pre>{@code
 * try (Store store = Store.open(home.resolve("bgtasks.db"))) {
 *     store.write(tx -> { tx.insertRegistration(row); return null; });
 *     List<RegistrationRow> rows = store.read(tx -> tx.registrations("com.example.notes"));
 * }
 * }</pre>
 *
 * <p>Every {@link #write} is one SQLite transaction, committed with {@code synchronous=FULL} before it returns
 * (SPEC B4), in WAL mode. The store holds an exclusive lock on {@code <db>.lock} for its whole life, so a second
 * broker on the same file refuses to start. A corrupt file or one of a newer schema gives a {@link StoreException}
 * naming the file; nothing is ever reset silently.
 */
public final class Store implements AutoCloseable {
    /** Opens (creating or migrating forward) the database, taking the lock. */
    public static Store open(Path dbFile) {
        throw new UnsupportedOperationException("todo");
    }

    public Path file() {
        throw new UnsupportedOperationException("todo");
    }

    /** Runs {@code work} in one write transaction ({@code BEGIN IMMEDIATE}); rolls back if it throws. */
    public <T> T write(Function<StoreTransaction, T> work) {
        throw new UnsupportedOperationException("todo");
    }

    /** Runs {@code work} in one read transaction. */
    public <T> T read(Function<StoreTransaction, T> work) {
        throw new UnsupportedOperationException("todo");
    }

    /** {@code PRAGMA integrity_check}; true when the file is sound. */
    public boolean integrityOk() {
        throw new UnsupportedOperationException("todo");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("todo");
    }
}
