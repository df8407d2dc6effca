package dev.bgtasks.windows.signals;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import dev.bgtasks.spi.SignalSource;
import dev.bgtasks.windows.jna.MessageWindow;
import dev.bgtasks.windows.jna.WtsSession;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#SESSION_CONNECTED} from {@code WTSQuerySessionInformation(WTSConnectState)} of the broker's own
 * session, and {@code USER_PRESENT=false} while that session is disconnected or locked (lock state from
 * {@code WTSSessionInfoEx}). Re-read on every {@code WM_WTSSESSION_CHANGE} the {@link MessageWindow} receives
 * (console or remote connect and disconnect, lock, unlock, logon, logoff). Without the window it polls, every
 * 30 s, and says so.
 *
 * <pre>{@code
 * SessionSource session = new SessionSource(WtsSession.system(), window);
 * session.start(signals::recompute);
 * session.current();   // {SESSION_CONNECTED=true} at an unlocked console
 * }</pre>
 */
public final class SessionSource implements SignalSource, MessageWindow.Listener {
    static final Duration FALLBACK_POLL = Duration.ofSeconds(30);
    /** {@code WTS_SESSIONSTATE_LOCK} and {@code WTS_SESSIONSTATE_UNLOCK}; -1 is unknown. */
    static final int SESSIONSTATE_LOCK = 0;
    static final int SESSIONSTATE_UNLOCK = 1;

    private static final Logger LOG = LoggerFactory.getLogger(SessionSource.class);

    private final WtsSession session;
    private final MessageWindow window;
    private final Object lock = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private volatile String notificationsUnavailable;
    private volatile Runnable onChange = () -> { };
    private boolean started;
    private boolean closed;
    private ScheduledExecutorService poller;

    /**
     * A source reading {@code session}, re-read on the notifications of {@code window}.
     *
     * @param session the session reader
     * @param window the message window, started by {@code WindowsSignals} after this source
     */
    public SessionSource(WtsSession session, MessageWindow window) {
        this.session = Objects.requireNonNull(session, "session");
        this.window = Objects.requireNonNull(window, "window");
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
        }
        refresh();
        this.onChange = onChange;
        window.addListener(this);
    }

    /** Reads connect and lock state and tells the listener when the signals changed. */
    void refresh() {
        Integer connectState = null;
        Boolean locked = null;
        String error = null;
        try {
            connectState = session.connectState();
            if (connectState == null) {
                error = "WTSQuerySessionInformation(WTSConnectState) failed";
            }
            WtsSession.InfoEx infoEx = session.infoEx();
            if (infoEx != null) {
                locked = lockedFrom(infoEx.level(), infoEx.sessionFlags());
            }
        } catch (RuntimeException | LinkageError e) {
            error = "WTSQuerySessionInformation failed: " + e;
        }
        if (error != null && !error.equals(failure)) {
            LOG.warn("{}", error);
        }
        failure = error;
        Map<HostSignal, Boolean> now = WinSignalRules.session(connectState, locked);
        // The window thread and the fallback poller both refresh: comparing and setting under the lock makes each
        // change heard exactly once.
        synchronized (lock) {
            if (closed || now.equals(state)) {
                return;
            }
            state = now;
        }
        LOG.info("session: {}", now.isEmpty() ? "unknown" : now);
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("a session change listener failed", e);
        }
    }

    /** The lock state in {@code WTSINFOEX_LEVEL1.SessionFlags}; null for another level or an unknown state. */
    static Boolean lockedFrom(int level, int sessionFlags) {
        if (level != 1) {
            return null;
        }
        if (sessionFlags == SESSIONSTATE_LOCK) {
            return true;
        }
        return sessionFlags == SESSIONSTATE_UNLOCK ? Boolean.FALSE : null;
    }

    @Override
    public void sessionChanged(int event) {
        refresh();
    }

    @Override
    public void sessionNotificationsUnavailable(String reason) {
        synchronized (lock) {
            if (closed || poller != null) {
                return;
            }
            notificationsUnavailable = reason;
            LOG.warn("no session notifications ({}); polling the session state every {}", reason,
                    PolledSignalSource.human(FALLBACK_POLL));
            poller = PolledSignalSource.repeat("bgtasks-session-poll", FALLBACK_POLL, this::refresh);
        }
    }

    @Override
    public String describe() {
        String how = notificationsUnavailable != null
                ? "polled every " + PolledSignalSource.human(FALLBACK_POLL) + " (no session notifications: "
                        + notificationsUnavailable + ")"
                : "event-driven (WTSRegisterSessionNotification, WM_WTSSESSION_CHANGE on a message-only window)";
        String why = failure == null ? "" : " [unknown now: " + failure + "]";
        return "SESSION_CONNECTED: WTSQuerySessionInformation WTSConnectState of this process's session, "
                + "WTSActive; " + how + why + "\n"
                + "USER_PRESENT: false while this session is disconnected or locked (WTSSessionInfoEx); " + how;
    }

    @Override
    public void close() {
        ScheduledExecutorService stopPolling;
        synchronized (lock) {
            closed = true;
            stopPolling = poller;
            poller = null;
        }
        onChange = () -> { };
        if (stopPolling != null) {
            stopPolling.shutdownNow();
        }
    }
}
