package dev.bgtasks.ipc;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many connections of each kind the server holds, and how many it takes (issue 20). Apps and task hosts are
 * counted apart, so running tasks never take an app's room; a connection is {@link Kind#UNIDENTIFIED} until its
 * hello names its role, and {@link Kind#BUSY} while it is told that the broker is busy, after which it closes.
 *
 * <pre>{@code
 * ConnectionLimits limits = new ConnectionLimits(4096, 4096, 1024);
 * Kind kind = limits.admit();                    // UNIDENTIFIED, BUSY, or null: close at once
 * if (!limits.move(Kind.UNIDENTIFIED, Kind.APP)) { answerBusy(Kind.APP); }
 * limits.release(kind);                          // when the connection closes
 * }</pre>
 *
 * <p>Busy answers need no capacity of their own, but an open socket each while it is answered: they are bounded
 * with the rest by the sum of the three limits, and a connection past that is closed at accept.
 */
final class ConnectionLimits {
    /** What a connection is, as far as the limits are concerned. */
    enum Kind {
        UNIDENTIFIED("connections that have not said hello yet"),
        APP("app connections"),
        HOST("task host connections"),
        BUSY("connections being told the broker is busy");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /** What the limit of this kind counts, for busy answers and the log: "app connections". */
        String description() {
            return description;
        }
    }

    private final Map<Kind, Integer> limits = new EnumMap<>(Kind.class);
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    private final int total;

    ConnectionLimits(int apps, int hosts, int unidentified) {
        limits.put(Kind.APP, apps);
        limits.put(Kind.HOST, hosts);
        limits.put(Kind.UNIDENTIFIED, unidentified);
        total = apps + hosts + unidentified;
        limits.put(Kind.BUSY, total);
        for (Kind kind : Kind.values()) {
            counts.put(kind, 0);
        }
    }

    /**
     * A new connection: {@link Kind#UNIDENTIFIED} while there is room, else {@link Kind#BUSY} (to be told so), or
     * null when the server holds as many sockets as all its limits together and must close this one at once.
     */
    synchronized Kind admit() {
        if (open() >= total) {
            return null;
        }
        Kind kind = counts.get(Kind.UNIDENTIFIED) < limits.get(Kind.UNIDENTIFIED) ? Kind.UNIDENTIFIED : Kind.BUSY;
        counts.merge(kind, 1, Integer::sum);
        return kind;
    }

    /** Moves a connection from one kind to another; false, and nothing moved, when {@code to} is full. */
    synchronized boolean move(Kind from, Kind to) {
        if (to != Kind.BUSY && counts.get(to) >= limits.get(to)) {
            return false;
        }
        counts.merge(from, -1, Integer::sum);
        counts.merge(to, 1, Integer::sum);
        return true;
    }

    synchronized void release(Kind kind) {
        counts.merge(kind, -1, Integer::sum);
    }

    synchronized int count(Kind kind) {
        return counts.get(kind);
    }

    synchronized int open() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    int limit(Kind kind) {
        return limits.get(kind);
    }

    int total() {
        return total;
    }
}
