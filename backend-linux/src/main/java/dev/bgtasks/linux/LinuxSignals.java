package dev.bgtasks.linux;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SignalSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux host signals: several {@link SignalSource}s, each event-driven where the kernel or a service offers
 * events, combined into one snapshot. Listeners hear of a change only when the combined snapshot changes.
 *
 * <pre>{@code
 * LinuxSignals signals = new LinuxSignals(rtnetlink, List.of(portal, networkManager, upower, sysfsPower, storage));
 * signals.subscribe(s -> log.info("now {}", s));
 * }</pre>
 *
 * <p>Combining: INTERNET starts from the kernel's view (a global address and a default route); a source that can
 * tell validated connectivity (the desktop portal, NetworkManager) refines it only when it knows, since
 * NetworkManager often stays at "unknown" where connectivity checks are off. Every other signal comes from the
 * first source in precedence order that knows it.
 */
final class LinuxSignals implements HostSignals {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxSignals.class);

    private final SignalSource linkLevel;
    private final List<SignalSource> precedence;
    private final List<Consumer<SignalSnapshot>> listeners = new CopyOnWriteArrayList<>();
    /**
     * Sources call back on their own threads, several at once. One thread merges and publishes, so snapshots reach
     * listeners in the order they were taken; publishing under {@link #lock} instead would deadlock with a broker
     * that reads {@link #current()} under its own lock while a listener waits for it.
     */
    private final Executor publisher;
    private final Object lock = new Object();
    private SignalSnapshot snapshot;
    private boolean started;

    /**
     * @param linkLevel the kernel's view of the network (INTERNET only)
     * @param precedence every other source, most authoritative first
     */
    LinuxSignals(SignalSource linkLevel, List<SignalSource> precedence) {
        this(linkLevel, precedence, Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-linux-signals");
            thread.setDaemon(true);
            return thread;
        }));
    }

    /** With the thread that merges and publishes given: {@code Runnable::run} makes tests synchronous. */
    LinuxSignals(SignalSource linkLevel, List<SignalSource> precedence, Executor publisher) {
        this.linkLevel = linkLevel;
        this.precedence = List.copyOf(precedence);
        this.publisher = publisher;
    }

    /** Starts every source; a source that fails to start is logged and reports nothing. */
    void start() {
        synchronized (lock) {
            if (started) {
                return;
            }
            started = true;
        }
        // The state before the sources start is the baseline; only what changes from it is news to listeners.
        current();
        for (SignalSource source : all()) {
            try {
                source.start(this::requestRecompute);
            } catch (RuntimeException e) {
                LOG.warn("a signal source failed to start and reports nothing: {}", source.describe(), e);
            }
        }
        requestRecompute();
    }

    private void requestRecompute() {
        try {
            publisher.execute(this::recompute);
        } catch (RejectedExecutionException closed) {
            // Closed: nobody listens any more.
        }
    }

    private List<SignalSource> all() {
        List<SignalSource> all = new ArrayList<>();
        all.add(linkLevel);
        all.addAll(precedence);
        return all;
    }

    @Override
    public SignalSnapshot current() {
        synchronized (lock) {
            if (snapshot == null) {
                snapshot = merge(readings(linkLevel), precedence.stream().map(LinuxSignals::readings).toList());
            }
            return snapshot;
        }
    }

    private static Map<HostSignal, Boolean> readings(SignalSource source) {
        try {
            return source.current();
        } catch (RuntimeException e) {
            LOG.warn("a signal source failed to answer: {}", source.describe(), e);
            return Map.of();
        }
    }

    private void recompute() {
        SignalSnapshot next = merge(readings(linkLevel), precedence.stream().map(LinuxSignals::readings).toList());
        synchronized (lock) {
            if (next.equals(snapshot)) {
                return;
            }
            snapshot = next;
        }
        for (Consumer<SignalSnapshot> listener : listeners) {
            listener.accept(next);
        }
    }

    /** The combining rule of the class comment, over plain readings. */
    static SignalSnapshot merge(Map<HostSignal, Boolean> linkLevel, List<Map<HostSignal, Boolean>> byPrecedence) {
        Map<HostSignal, Boolean> merged = new EnumMap<>(HostSignal.class);
        for (Map<HostSignal, Boolean> readings : byPrecedence) {
            readings.forEach((signal, value) -> {
                if (signal != HostSignal.INTERNET && value != null) {
                    merged.putIfAbsent(signal, value);
                }
            });
        }
        Boolean link = linkLevel.get(HostSignal.INTERNET);
        Boolean validated = byPrecedence.stream().map(r -> r.get(HostSignal.INTERNET))
                .filter(v -> v != null).findFirst().orElse(null);
        if (link == null && validated != null) {
            merged.put(HostSignal.INTERNET, validated);
        } else if (link != null) {
            merged.put(HostSignal.INTERNET, validated == null ? link : link && validated);
        }
        return new SignalSnapshot(merged);
    }

    /** Tells every source what the registrations need: the free-space poll runs only while one does. */
    @Override
    public void need(Set<HostSignal> signals) {
        for (SignalSource source : all()) {
            try {
                source.need(signals);
            } catch (RuntimeException e) {
                LOG.warn("a signal source failed to hear what is needed: {}", source.describe(), e);
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<SignalSnapshot> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (SignalSource source : all()) {
            for (String line : source.describe().split("\n")) {
                if (!line.isBlank()) {
                    text.append("    ").append(line.strip()).append('\n');
                }
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        if (publisher instanceof ExecutorService service) {
            service.shutdownNow();
        }
        for (SignalSource source : all()) {
            try {
                source.close();
            } catch (RuntimeException e) {
                LOG.warn("closing a signal source failed", e);
            }
        }
    }
}
