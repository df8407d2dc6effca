package dev.bgtasks.ipc;

/**
 * The place one connection holds in the server's {@link ConnectionLimits}: of one kind while it has not said
 * hello, moved to its role's kind (or to {@code BUSY}) when it does, released once when it closes. A close that
 * races a hello never leaves a count behind.
 *
 * <pre>{@code
 * ConnectionSlot slot = new ConnectionSlot(limits, Kind.UNIDENTIFIED);
 * if (!slot.moveTo(Kind.APP)) { answerBusy(Kind.APP); }
 * slot.release();
 * }</pre>
 */
final class ConnectionSlot {
    private final ConnectionLimits limits;
    private ConnectionLimits.Kind kind;
    private boolean released;

    ConnectionSlot(ConnectionLimits limits, ConnectionLimits.Kind kind) {
        this.limits = limits;
        this.kind = kind;
    }

    /** False, and nothing moved, when {@code to} is full or the slot was released. */
    synchronized boolean moveTo(ConnectionLimits.Kind to) {
        if (released) {
            return false;
        }
        if (kind == to) {
            return true;
        }
        if (!limits.move(kind, to)) {
            return false;
        }
        kind = to;
        return true;
    }

    synchronized void release() {
        if (!released) {
            released = true;
            limits.release(kind);
        }
    }
}
