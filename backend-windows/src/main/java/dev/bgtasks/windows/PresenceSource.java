package dev.bgtasks.windows;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinUser;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * {@link HostSignal#USER_PRESENT} from {@code GetLastInputInfo}: present while the last keyboard or mouse input is
 * less than a threshold (5 min by default) ago. Windows sends no event for idleness, so this polls, every 5 s by
 * default, and says so. It sees only the input of the caller's own session: the broker must run in the user's
 * interactive session (the logon task does), never as a session-0 service.
 *
 * <pre>{@code
 * PresenceSource presence = new PresenceSource(User32.INSTANCE, Kernel32.INSTANCE);
 * presence.start(signals::recompute);
 * presence.current();   // {USER_PRESENT=true} while someone types
 * }</pre>
 */
final class PresenceSource extends PolledSignalSource {
    static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(5);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private final User32 user32;
    private final Kernel32 kernel32;
    private final Duration threshold;
    private final IntSupplier lastError;

    PresenceSource(User32 user32, Kernel32 kernel32) {
        this(user32, kernel32, DEFAULT_THRESHOLD, DEFAULT_PERIOD, Native::getLastError);
    }

    /** @param lastError the Win32 error JNA saved after the thread's last call */
    PresenceSource(User32 user32, Kernel32 kernel32, Duration threshold, Duration period, IntSupplier lastError) {
        super("input-idle", period);
        this.user32 = Objects.requireNonNull(user32, "user32");
        this.kernel32 = Objects.requireNonNull(kernel32, "kernel32");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.lastError = Objects.requireNonNull(lastError, "lastError");
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("the threshold must be positive: " + threshold);
        }
    }

    /** One reading of the last input's age: USER_PRESENT by {@link WinSignalRules#presence}. */
    @Override
    protected Map<HostSignal, Boolean> read() throws Unreadable {
        WinUser.LASTINPUTINFO info = new WinUser.LASTINPUTINFO();
        info.cbSize = info.size();
        if (!user32.GetLastInputInfo(info)) {
            throw new Unreadable("GetLastInputInfo failed with error " + lastError.getAsInt());
        }
        return WinSignalRules.presence(WinSignalRules.idleMillis(kernel32.GetTickCount(), info.dwTime), threshold);
    }

    @Override
    public String describe() {
        String why = failure() == null ? "" : " [unknown now: " + failure() + "]";
        return "USER_PRESENT: GetLastInputInfo, last input less than " + human(threshold)
                + " ago (this session's input only); polled every " + human(period())
                + " (Windows has no event for idleness)" + why;
    }
}
