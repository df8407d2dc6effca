package dev.bgtasks.cli;

import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.daemon.EarlyConnection;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.ipc.BrokerTreeClient;

/** The per-user broker, started when nothing answers, as every client command reaches it. */
final class BrokerConnection {
    /** The one-shot connection a quick call began while it parses; null when none is under way. */
    private static EarlyConnection early;

    private BrokerConnection() {
    }

    static BrokerClient connect() {
        discardEarly();
        return BrokerStarter.connectOrStart(BrokerLocation.forCurrentUser());
    }

    /** For a command that only prints what the broker answers: no typed mapper is built (issue 18). */
    static BrokerTreeClient trees() {
        discardEarly();
        return BrokerStarter.connectOrStartTrees(BrokerLocation.forCurrentUser());
    }

    /**
     * As {@link #trees()}, for a command that asks and exits: the client reads and writes on the calling thread,
     * with no reader or writer thread (issue 18). It cannot subscribe. It is the early connection when one was
     * begun.
     */
    static BrokerTreeClient oneShot() {
        EarlyConnection begun = takeEarly();
        return begun != null ? begun.take() : BrokerStarter.connectOrStartOneShot(BrokerLocation.forCurrentUser());
    }

    /** The early connection's client when one was begun and a broker answered it; null otherwise. Starts none. */
    static BrokerTreeClient earlyIfConnected() {
        EarlyConnection begun = takeEarly();
        return begun != null ? begun.takeIfConnected() : null;
    }

    private static synchronized EarlyConnection takeEarly() {
        EarlyConnection begun = early;
        early = null;
        return begun;
    }

    /**
     * Begins the {@link #oneShot()} connection of a call that will most likely need one, on a thread of its own, so
     * that it overlaps the parse of the command line (issue 18). It never starts a broker: {@link #oneShot()} does,
     * when none answered.
     */
    static synchronized void connectEarly() {
        discardEarly();
        early = EarlyConnection.beginForCurrentUser();
    }

    /** Drops an early connection that no command took. */
    static synchronized void discardEarly() {
        if (early != null) {
            early.discard();
            early = null;
        }
    }
}
