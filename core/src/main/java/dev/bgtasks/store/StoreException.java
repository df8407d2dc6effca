package dev.bgtasks.store;

/**
 * The store could not do what was asked: the file is corrupt, of a newer schema, locked by another broker, the
 * disk is full, or a uniqueness rule was broken. The message names the file.
 *
 * <pre>{@code
 * try { Store.open(file); } catch (StoreException e) { log.error("{}", e.getMessage()); }
 * }</pre>
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
