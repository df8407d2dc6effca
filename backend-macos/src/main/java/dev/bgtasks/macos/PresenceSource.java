package dev.bgtasks.macos;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#USER_PRESENT} from {@code IOHIDSystem}'s {@code HIDIdleTime} (input less than 5 min ago by
 * default, screen not locked) and {@link HostSignal#SESSION_CONNECTED} from the console session. macOS posts no event
 * for idleness, and lock and fast-user-switch events are Objective-C distributed notifications, so both are polled,
 * every 5 s by default, and {@link #describe()} says so.
 *
 * <pre>{@code
 * PresenceSource presence = new PresenceSource(idle, session, "alice", Duration.ofMinutes(5), Duration.ofSeconds(5));
 * presence.start(signals::recompute);
 * }</pre>
 */
final class PresenceSource implements SignalSource {
    static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(5);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(PresenceSource.class);

    private final IOKitIdleTime idle;
    private final SessionReader session;
    private final String ourUser;
    private final Duration threshold;
    private final Duration period;
    private final Object lifecycle = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private volatile boolean cgSession = true;
    private Runnable onChange = () -> { };
    private ScheduledExecutorService poller;
    private boolean started;
    private boolean closed;

    PresenceSource(IOKitIdleTime idle, SessionReader session, String ourUser, Duration threshold, Duration period) {
        this.idle = Objects.requireNonNull(idle, "idle");
        this.session = Objects.requireNonNull(session, "session");
        this.ourUser = Objects.requireNonNull(ourUser, "ourUser");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.period = Objects.requireNonNull(period, "period");
        if (threshold.isNegative() || threshold.isZero() || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("threshold and period must be positive: " + threshold + ", " + period);
        }
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    /** Reads now, then every period on a daemon thread. */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
            this.onChange = onChange;
            read();
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "bgtasks-macos-presence");
                thread.setDaemon(true);
                return thread;
            });
            long millis = period.toMillis();
            poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** One poll; tells the listener only when the signals changed. */
    void poll() {
        boolean changed;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            changed = read();
        }
        if (changed) {
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.error("a presence change listener failed", e);
            }
        }
    }

    private boolean read() {
        Map<HostSignal, Boolean> now;
        try {
            Long idleNanos = idle.idleNanos().orElse(null);
            SessionReader.Reading s = session.read();
            cgSession = s.cgSession();
            now = MacSignalRules.presence(new MacSignalRules.PresenceReading(idleNanos, s.cgSession(),
                    s.onConsole(), s.screenLocked(), s.consoleUser(), ourUser), threshold);
            failure = idleNanos == null ? "IOHIDSystem has no readable HIDIdleTime" : null;
        } catch (RuntimeException e) {
            if (failure == null) {
                LOG.warn("cannot read idle time or session: {}", e.toString());
            }
            failure = e.toString();
            now = Map.of();
        }
        if (now.equals(state)) {
            return false;
        }
        state = now;
        LOG.info("macOS presence: {}", now.isEmpty() ? "unknown" : now);
        return true;
    }

    @Override
    public String describe() {
        String every = period.toMillis() % 1000 == 0 ? period.toSeconds() + " s" : period.toMillis() + " ms";
        String why = failure == null ? "" : "unknown now (" + failure + "); ";
        String sessionFrom = cgSession ? "CGSessionCopyCurrentDictionary kCGSSessionOnConsoleKey"
                : "dynamic store State:/Users/ConsoleUser is " + ourUser + " (no window-server session)";
        return "USER_PRESENT: " + why + "IOHIDSystem HIDIdleTime below " + threshold.toMinutes() + " min, screen not"
                + " locked, session on console; polled every " + every + " (no idle event on macOS)\n"
                + "SESSION_CONNECTED: " + sessionFrom + "; polled every " + every;
    }

    @Override
    public void close() {
        ScheduledExecutorService executor;
        synchronized (lifecycle) {
            closed = true;
            executor = poller;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("the presence poller did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        session.close();
    }
}
