package dev.bgtasks.cli;

import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.ipc.BrokerTreeClient;

/** The per-user broker, started when nothing answers, as every client command reaches it. */
final class BrokerConnection {
    private BrokerConnection() {
    }

    static BrokerClient connect() {
        return BrokerStarter.connectOrStart(BrokerLocation.forCurrentUser());
    }

    /** For a command that only prints what the broker answers: no typed mapper is built (issue 18). */
    static BrokerTreeClient trees() {
        return BrokerStarter.connectOrStartTrees(BrokerLocation.forCurrentUser());
    }

    /**
     * As {@link #trees()}, for a command that asks and exits: the client reads and writes on the calling thread,
     * with no reader or writer thread (issue 18). It cannot subscribe.
     */
    static BrokerTreeClient oneShot() {
        return BrokerStarter.connectOrStartOneShot(BrokerLocation.forCurrentUser());
    }
}
