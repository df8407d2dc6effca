package dev.bgtasks.cli;

import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.ipc.BrokerLocation;
import dev.bgtasks.ipc.BrokerStarter;

/** The per-user broker, started when nothing answers, as every client command reaches it. */
final class BrokerConnection {
    private BrokerConnection() {
    }

    static BrokerClient connect() {
        return BrokerStarter.connectOrStart(BrokerLocation.forCurrentUser());
    }
}
