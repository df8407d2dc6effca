package dev.bgtasks.macos.signals;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#INTERNET} from configd: on every {@code com.apple.system.config.network_change} notification
 * (posted by configd's IPMonitor when the primary service changes) it re-reads {@code State:/Network/Global/IPv4}
 * and {@code IPv6} from the dynamic store; a primary interface or router in either family is internet.
 * {@link HostSignal#UNMETERED_NETWORK} is always true: macOS tells whether a path is expensive or constrained only to
 * Network.framework's block-based path monitor, so unknown counts as unmetered, and {@link #describe()} says so.
 *
 * <pre>{@code
 * NetworkSignalSource network = new NetworkSignalSource(store, new NotifyWatch(notify, "bgtasks-macos-network"));
 * network.start(signals::recompute);
 * }</pre>
 */
final class NetworkSignalSource implements SignalSource {
    static final String NETWORK_CHANGE = "com.apple.system.config.network_change";

    private static final Logger LOG = LoggerFactory.getLogger(NetworkSignalSource.class);

    private final DynamicStore store;
    private final NotifyWatch watch;
    private final Object lock = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private Runnable onChange = () -> { };

    NetworkSignalSource(DynamicStore store, NotifyWatch watch) {
        this.store = Objects.requireNonNull(store, "store");
        this.watch = Objects.requireNonNull(watch, "watch");
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    /** Reads now and registers for the notification; without it the readings would go stale, so it fails. */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lock) {
            this.onChange = onChange;
            read();
        }
        try {
            watch.start(List.of(NETWORK_CHANGE), this::reread);
        } catch (IOException e) {
            failure = e.getMessage();
            state = Map.of();
            throw new IllegalStateException("cannot watch " + NETWORK_CHANGE + ": " + e.getMessage(), e);
        }
    }

    /** One re-read after a notification; tells the listener only when the signals changed. */
    void reread() {
        boolean changed;
        synchronized (lock) {
            changed = read();
        }
        if (changed) {
            onChange.run();
        }
    }

    private boolean read() {
        Map<HostSignal, Boolean> now;
        try {
            now = MacSignalRules.network(store.network());
            failure = null;
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                LOG.warn("cannot read the network state from the dynamic store: {}", e.toString());
            }
            failure = e.toString();
            now = Map.of();
        }
        if (now.equals(state)) {
            return false;
        }
        state = now;
        LOG.info("macOS network: {}", now.isEmpty() ? "unknown" : now);
        return true;
    }

    @Override
    public String describe() {
        String why = failure != null ? failure : watch.failure();
        String head = why == null ? "" : "unknown now (" + why + "); ";
        return "INTERNET: " + head + "dynamic store State:/Network/Global/IPv4 and IPv6 (a primary interface or"
                + " router), re-read on the notify(3) event " + NETWORK_CHANGE + "; event-driven\n"
                + "UNMETERED_NETWORK: always true: macOS tells no cost outside Network.framework's block API, so"
                + " unknown counts as unmetered";
    }

    @Override
    public void close() {
        watch.close();
        store.close();
    }
}
