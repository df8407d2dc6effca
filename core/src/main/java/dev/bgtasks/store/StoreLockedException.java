package dev.bgtasks.store;

/**
 * Another broker holds the database's lock file: one broker per database (SPEC T4, B1).
 *
 * <pre>{@code
 * catch (StoreLockedException e) { log.error("another broker runs: {}", e.getMessage()); }
 * }</pre>
 */
public final class StoreLockedException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreLockedException(String message) {
        super(message);
    }
}
