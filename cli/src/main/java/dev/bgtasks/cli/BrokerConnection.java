package dev.bgtasks.cli;

import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.ipc.BrokerClient;

/** The per-user broker, started when nothing answers, as every client command reaches it. */
final class BrokerConnection {
    private BrokerConnection() {
    }

    static BrokerClient connect() {
        return BrokerStarter.connectOrStart(BrokerLocation.forCurrentUser());
    }
}
