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
}
