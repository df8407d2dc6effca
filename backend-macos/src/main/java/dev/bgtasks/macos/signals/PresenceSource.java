package dev.bgtasks.macos.signals;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

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
final class PresenceSource extends PolledSignalSource {
    static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(5);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private final IOKitIdleTime idle;
    private final SessionReader session;
    private final String ourUser;
    private final Duration threshold;
    private volatile boolean cgSession = true;

    PresenceSource(IOKitIdleTime idle, SessionReader session, String ourUser, Duration threshold, Duration period) {
        super("macos-presence", period);
        this.idle = Objects.requireNonNull(idle, "idle");
        this.session = Objects.requireNonNull(session, "session");
        this.ourUser = Objects.requireNonNull(ourUser, "ourUser");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("the threshold must be positive: " + threshold);
        }
    }

    /** One reading of the idle time and the console session: the signals by {@link MacSignalRules#presence}. */
    @Override
    protected Map<HostSignal, Boolean> read() {
        Long idleNanos = idle.idleNanos().orElse(null);
        SessionReader.Reading s = session.read();
        cgSession = s.cgSession();
        if (idleNanos == null) {
            noteFailure("IOHIDSystem has no readable HIDIdleTime");
        }
        return MacSignalRules.presence(new MacSignalRules.PresenceReading(idleNanos, s.cgSession(), s.onConsole(),
                s.screenLocked(), s.consoleUser(), ourUser), threshold);
    }

    @Override
    public String describe() {
        String every = human(period());
        String why = failure() == null ? "" : "unknown now (" + failure() + "); ";
        String sessionFrom = cgSession ? "CGSessionCopyCurrentDictionary kCGSSessionOnConsoleKey"
                : "dynamic store State:/Users/ConsoleUser is " + ourUser + " (no window-server session)";
        return "USER_PRESENT: " + why + "IOHIDSystem HIDIdleTime below " + threshold.toMinutes() + " min, screen not"
                + " locked, session on console; polled every " + every + " (no idle event on macOS)\n"
                + "SESSION_CONNECTED: " + sessionFrom + "; polled every " + every;
    }

    /** Stops polling, then closes the session reader (whether or not it ever started). */
    @Override
    public void close() {
        super.close();
        session.close();
    }
}
