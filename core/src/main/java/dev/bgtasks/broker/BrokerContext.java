package dev.bgtasks.broker;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SimulatedSignals;
import dev.bgtasks.store.Store;

/**
 * What the broker's parts share: its one lock, its store, its clock, and the platform's sandbox and signals. The
 * {@link Broker} facade builds it and takes the lock for every call; a part takes it itself only where the call comes
 * from a timer, a process exit or a signal change.
 *
 * <pre>{@code
 * clock.schedule(grace, () -> {
 *     synchronized (ctx.lock) {
 *         if (!ctx.closed) { ... }
 *     }
 * });
 * }</pre>
 */
final class BrokerContext {
    /** The broker's lock: the {@link Broker} itself, so what was serialized on it stays serialized on it. */
    final Object lock;
    final BrokerConfig config;
    final Store store;
    final BrokerClock clock;
    final ProcessSandbox sandbox;
    final SimulatedSignals signals;
    /** Guarded by {@link #lock}. */
    boolean closed;

    BrokerContext(Object lock, BrokerConfig config, Store store) {
        this.lock = lock;
        this.config = config;
        this.store = store;
        this.clock = config.clock();
        this.sandbox = config.platform().sandbox();
        this.signals = new SimulatedSignals(config.platform().signals(), config.platform().hardware());
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the broker is closed");
        }
    }

    /** The backend, the mechanism per limit and the source per signal, for {@code bgtask doctor}. */
    String describePlatform() {
        return config.platform().name() + "\n  sandbox: " + sandbox.describe() + "\n  signals:\n"
                + signals.describe();
    }

    /** SPEC A1: the stored status, {@code UNSPECIFIED} before any request. */
    BackgroundAccessStatus accessStatus(String appId) {
        return store.read(tx -> tx.accessStatus(appId)).orElse(BackgroundAccessStatus.UNSPECIFIED);
    }

    /** SPEC T3, X9: energy saver holds back an app whose access is not {@code ALWAYS_ALLOWED}. */
    static boolean energySaverHoldsBack(SignalSnapshot signals, BackgroundAccessStatus status) {
        return signals.is(HostSignal.ENERGY_SAVER, true) && status != BackgroundAccessStatus.ALWAYS_ALLOWED;
    }
}
