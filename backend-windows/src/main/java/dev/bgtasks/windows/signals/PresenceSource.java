package dev.bgtasks.windows.signals;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import dev.bgtasks.windows.jna.LastInput;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * {@link HostSignal#USER_PRESENT} from {@code GetLastInputInfo}: present while the last keyboard or mouse input is
 * less than a threshold (5 min by default) ago. Windows sends no event for idleness, so this polls, every 5 s by
 * default, and says so. It sees only the input of the caller's own session: the broker must run in the user's
 * interactive session (the logon task does), never as a session-0 service.
 *
 * <pre>{@code
 * PresenceSource presence = new PresenceSource(LastInput.system());
 * presence.start(signals::recompute);
 * presence.current();   // {USER_PRESENT=true} while someone types
 * }</pre>
 */
public final class PresenceSource extends PolledSignalSource {
    static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(5);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private final LastInput input;
    private final Duration threshold;

    /**
     * Present while the last input is less than 5 min ago, polled every 5 s.
     *
     * @param input the tick counts
     */
    public PresenceSource(LastInput input) {
        this(input, DEFAULT_THRESHOLD, DEFAULT_PERIOD);
    }

    PresenceSource(LastInput input, Duration threshold, Duration period) {
        super("input-idle", period);
        this.input = Objects.requireNonNull(input, "input");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("the threshold must be positive: " + threshold);
        }
    }

    /** One reading of the last input's age: USER_PRESENT by {@link WinSignalRules#presence}. */
    @Override
    protected Map<HostSignal, Boolean> read() throws Unreadable {
        LastInput.Ticks ticks;
        try {
            ticks = input.read();
        } catch (IOException e) {
            throw new Unreadable(e.getMessage());
        }
        return WinSignalRules.presence(WinSignalRules.idleMillis(ticks.now(), ticks.lastInput()), threshold);
    }

    @Override
    public String describe() {
        String why = failure() == null ? "" : " [unknown now: " + failure() + "]";
        return "USER_PRESENT: GetLastInputInfo, last input less than " + human(threshold)
                + " ago (this session's input only); polled every " + human(period())
                + " (Windows has no event for idleness)" + why;
    }
}
