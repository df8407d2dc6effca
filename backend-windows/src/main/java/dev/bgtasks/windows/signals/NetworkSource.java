package dev.bgtasks.windows.signals;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import dev.bgtasks.spi.SignalSource;
import dev.bgtasks.windows.jna.NetworkChangeNotifier;
import dev.bgtasks.windows.jna.NlmReader;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#INTERNET} and {@link HostSignal#UNMETERED_NETWORK} from the Network List Manager
 * ({@code INetworkListManager::GetConnectivity}, {@code INetworkCostManager::GetCost}), re-read on its COM thread
 * each time the IP Helper API reports a change. A burst of notifications (a route table rebuilt) costs one
 * re-read: a re-read already queued absorbs the ones behind it. Without notifications it polls, every 30 s, and
 * says so.
 *
 * <pre>{@code
 * NetworkSource network = new NetworkSource(reader, ComThread.dedicated("bgtasks-nlm-com"), notifier);
 * network.start(signals::recompute);
 * network.current();   // {INTERNET=true, UNMETERED_NETWORK=true} on a home Wi-Fi
 * }</pre>
 */
public final class NetworkSource implements SignalSource {
    static final Duration FALLBACK_POLL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(NetworkSource.class);

    private final NlmReader reader;
    private final ComThread comThread;
    private final NetworkChangeNotifier notifier;
    private final AtomicBoolean rereadQueued = new AtomicBoolean();
    private final Object lifecycle = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private volatile String events;
    private volatile String eventsUnavailable;
    private volatile Runnable onChange = () -> { };
    private boolean started;
    private boolean closed;
    private ScheduledExecutorService poller;

    /**
     * A source reading {@code reader} on {@code comThread} whenever {@code notifier} tells of a change.
     *
     * @param reader the Network List Manager reader
     * @param comThread the one thread every COM call runs on
     * @param notifier the change notifications
     */
    public NetworkSource(NlmReader reader, ComThread comThread, NetworkChangeNotifier notifier) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.comThread = Objects.requireNonNull(comThread, "comThread");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    /** Initialises COM on its thread, reads once, then registers for change notifications. */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
            try {
                comThread.call(() -> {
                    reader.initialize();
                    return null;
                });
            } catch (Exception e) {
                failure = e.getMessage();
                LOG.warn("no Network List Manager: {}", failure);
                return;
            }
            try {
                comThread.call(() -> {
                    reread();
                    return null;
                });
            } catch (Exception e) {
                LOG.warn("the first Network List Manager read failed", e);
            }
            this.onChange = onChange;
            try {
                events = notifier.start(this::changed);
            } catch (IOException | RuntimeException | LinkageError e) {
                eventsUnavailable = e.getMessage();
                LOG.warn("no network change notifications ({}); polling the Network List Manager every {}",
                        eventsUnavailable, PolledSignalSource.human(FALLBACK_POLL));
                poller = PolledSignalSource.repeat("bgtasks-nlm-poll", FALLBACK_POLL, this::changed);
            }
        }
    }

    /** A notification: queue one re-read on the COM thread unless one is already waiting. */
    void changed() {
        if (rereadQueued.compareAndSet(false, true)) {
            comThread.post(() -> {
                rereadQueued.set(false);
                reread();
            });
        }
    }

    /** Reads the manager (on the COM thread) and tells the listener when the signals changed. */
    private void reread() {
        Map<HostSignal, Boolean> now;
        try {
            NlmReader.Reading reading = reader.read();
            failure = null;
            now = WinSignalRules.network(reading.connectivity(), reading.cost());
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                LOG.warn("cannot read the Network List Manager: {}", e.getMessage());
            }
            failure = e.getMessage();
            now = Map.of();
        }
        if (!now.equals(state)) {
            state = now;
            LOG.info("network: {}", now.isEmpty() ? "unknown" : now);
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.error("a network change listener failed", e);
            }
        }
    }

    @Override
    public String describe() {
        String source = "Network List Manager (COM, MTA thread)";
        String how;
        if (events != null) {
            how = "event-driven (" + events + ", then re-read)";
        } else if (eventsUnavailable != null) {
            how = "polled every " + PolledSignalSource.human(FALLBACK_POLL) + " (no change notifications: "
                    + eventsUnavailable + ")";
        } else {
            how = "not started";
        }
        String why = failure == null ? "" : " [unknown now: " + failure + "]";
        return "INTERNET: " + source + " GetConnectivity, IPv4 or IPv6 internet; " + how + why + "\n"
                + "UNMETERED_NETWORK: " + source + " GetCost, unrestricted and not roaming or over its data limit; "
                + how + why;
    }

    /** Cancels notifications first (no new re-reads), then uninitialises COM on its thread and stops it. */
    @Override
    public void close() {
        ScheduledExecutorService stopPolling;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            stopPolling = poller;
        }
        notifier.close();
        if (stopPolling != null) {
            stopPolling.shutdownNow();
        }
        onChange = () -> { };
        comThread.post(reader::close);
        comThread.close();
    }
}
