package dev.bgtasks.windows;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.User32;
import com.sun.jna.platform.win32.WinUser;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
final class PresenceSource implements SignalSource {
    static final Duration DEFAULT_THRESHOLD = Duration.ofMinutes(5);
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(PresenceSource.class);

    private final User32 user32;
    private final Kernel32 kernel32;
    private final Duration threshold;
    private final Duration period;
    private final IntSupplier lastError;
    private final Object lifecycle = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private volatile Runnable onChange = () -> { };
    private boolean started;
    private boolean closed;
    private ScheduledExecutorService poller;

    PresenceSource(User32 user32, Kernel32 kernel32) {
        this(user32, kernel32, DEFAULT_THRESHOLD, DEFAULT_PERIOD, Native::getLastError);
    }

    /** @param lastError the Win32 error JNA saved after the thread's last call */
    PresenceSource(User32 user32, Kernel32 kernel32, Duration threshold, Duration period, IntSupplier lastError) {
        this.user32 = Objects.requireNonNull(user32, "user32");
        this.kernel32 = Objects.requireNonNull(kernel32, "kernel32");
        this.threshold = Objects.requireNonNull(threshold, "threshold");
        this.period = Objects.requireNonNull(period, "period");
        this.lastError = Objects.requireNonNull(lastError, "lastError");
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
            poll();
            this.onChange = onChange;
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "bgtasks-input-idle-poll");
                thread.setDaemon(true);
                return thread;
            });
            long every = period.toMillis();
            poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** One reading; tells the listener when USER_PRESENT changed (or became known or unknown). */
    void poll() {
        Map<HostSignal, Boolean> now;
        try {
            WinUser.LASTINPUTINFO info = new WinUser.LASTINPUTINFO();
            info.cbSize = info.size();
            if (user32.GetLastInputInfo(info)) {
                long idle = WinSignalRules.idleMillis(kernel32.GetTickCount(), info.dwTime);
                failure = null;
                now = WinSignalRules.presence(idle, threshold);
            } else {
                fail("GetLastInputInfo failed with error " + lastError.getAsInt());
                now = Map.of();
            }
        } catch (RuntimeException | LinkageError e) {
            fail("GetLastInputInfo failed: " + e);
            now = Map.of();
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
        }
        if (!now.equals(state)) {
            state = now;
            LOG.info("input idle: {}", now.isEmpty() ? "unknown" : now);
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.error("a USER_PRESENT change listener failed", e);
            }
        }
    }

    private void fail(String why) {
        if (!why.equals(failure)) {
            LOG.warn("{}", why);
        }
        failure = why;
    }

    @Override
    public String describe() {
        String why = failure == null ? "" : " [unknown now: " + failure + "]";
        return "USER_PRESENT: GetLastInputInfo, last input less than " + WinSignalRules.human(threshold)
                + " ago (this session's input only); polled every " + WinSignalRules.human(period)
                + " (Windows has no event for idleness)" + why;
    }

    @Override
    public void close() {
        ScheduledExecutorService executor;
        synchronized (lifecycle) {
            closed = true;
            executor = poller;
        }
        onChange = () -> { };
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("the input idle poller did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
