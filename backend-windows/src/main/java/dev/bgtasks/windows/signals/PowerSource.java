package dev.bgtasks.windows.signals;

import com.sun.jna.platform.win32.Guid;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import dev.bgtasks.spi.SignalSource;
import dev.bgtasks.windows.jna.Kernel32Library;
import dev.bgtasks.windows.jna.MessageWindow;
import dev.bgtasks.windows.jna.PowerSettings;
import dev.bgtasks.windows.jna.Win32Errors;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#AC_POWER}, {@link HostSignal#BATTERY_LOW} and {@link HostSignal#ENERGY_SAVER} from
 * {@code GetSystemPowerStatus}, re-read on every power notification the {@link MessageWindow} receives
 * ({@code GUID_ACDC_POWER_SOURCE}, {@code GUID_BATTERY_PERCENTAGE_REMAINING}, {@code GUID_ENERGY_SAVER_STATUS},
 * {@code GUID_POWER_SAVING_STATUS}). Energy saver comes from the notifications' own values where Windows sends them:
 * on Windows 11 24H2 and later only {@code GUID_ENERGY_SAVER_STATUS} follows Energy Saver. Without the window it
 * polls, every 30 s, and says so.
 *
 * <pre>{@code
 * PowerSource power = new PowerSource(Win32Libraries.kernel32(), window);
 * power.start(signals::recompute);
 * power.current();   // {AC_POWER=false, BATTERY_LOW=false, ENERGY_SAVER=false} on a laptop on battery
 * }</pre>
 */
public final class PowerSource implements SignalSource, MessageWindow.Listener {
    static final Duration FALLBACK_POLL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(PowerSource.class);

    private final Kernel32Library kernel32;
    private final MessageWindow window;
    private final IntSupplier lastError;
    private final Object lock = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private WinSignalRules.PowerStatus status;
    private Integer energySaverStatus;
    private Integer powerSavingStatus;
    private volatile String failure;
    private volatile String notificationsUnavailable;
    private volatile Runnable onChange = () -> { };
    private boolean started;
    private boolean closed;
    private ScheduledExecutorService poller;

    /**
     * A source reading {@code GetSystemPowerStatus}, re-read on the notifications of {@code window}.
     *
     * @param kernel32 the binding with {@code GetSystemPowerStatus}
     * @param window the message window, started by {@code WindowsSignals} after this source
     */
    public PowerSource(Kernel32Library kernel32, MessageWindow window) {
        this(kernel32, window, Win32Errors::lastError);
    }

    /** @param lastError the Win32 error JNA saved after the thread's last call */
    PowerSource(Kernel32Library kernel32, MessageWindow window, IntSupplier lastError) {
        this.kernel32 = Objects.requireNonNull(kernel32, "kernel32");
        this.window = Objects.requireNonNull(window, "window");
        this.lastError = Objects.requireNonNull(lastError, "lastError");
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    /** Reads the status and listens to the window; the window is started by {@link WindowsSignals}. */
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

    /** Reads GetSystemPowerStatus and tells the listener when the signals changed. */
    void refresh() {
        WinSignalRules.PowerStatus read = null;
        String error = null;
        try {
            Kernel32Library.SystemPowerStatus raw = new Kernel32Library.SystemPowerStatus();
            if (kernel32.GetSystemPowerStatus(raw)) {
                read = reading(raw);
            } else {
                error = Win32Errors.failedWith("GetSystemPowerStatus", lastError.getAsInt());
            }
        } catch (RuntimeException | LinkageError e) {
            error = "GetSystemPowerStatus failed: " + e;
        }
        if (error != null && !error.equals(failure)) {
            LOG.warn("{}", error);
        }
        failure = error;
        Map<HostSignal, Boolean> now;
        // The window thread and the fallback poller both refresh: comparing and setting under the lock makes each
        // change heard exactly once.
        synchronized (lock) {
            if (closed) {
                return;
            }
            status = read;
            now = WinSignalRules.power(status, energySaverStatus, powerSavingStatus);
            if (now.equals(state)) {
                return;
            }
            state = now;
        }
        LOG.info("power: {}", now.isEmpty() ? "unknown" : now);
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("a power change listener failed", e);
        }
    }

    /** The four status bytes as unsigned values, for the rules. */
    static WinSignalRules.PowerStatus reading(Kernel32Library.SystemPowerStatus raw) {
        return new WinSignalRules.PowerStatus(raw.acLineStatus(), raw.batteryFlag(), raw.batteryLifePercent(),
                raw.systemStatusFlag());
    }

    @Override
    public void powerSettingChanged(Guid.GUID setting, int value) {
        synchronized (lock) {
            if (PowerSettings.GUID_ENERGY_SAVER_STATUS.equals(setting)) {
                energySaverStatus = value;
            } else if (PowerSettings.GUID_POWER_SAVING_STATUS.equals(setting)) {
                powerSavingStatus = value;
            }
        }
        refresh();
    }

    @Override
    public void powerStatusChanged() {
        refresh();
    }

    @Override
    public void powerNotificationsUnavailable(String reason) {
        synchronized (lock) {
            if (closed || poller != null) {
                return;
            }
            notificationsUnavailable = reason;
            LOG.warn("no power notifications ({}); polling GetSystemPowerStatus every {}", reason,
                    PolledSignalSource.human(FALLBACK_POLL));
            poller = PolledSignalSource.repeat("bgtasks-power-poll", FALLBACK_POLL, this::refresh);
        }
    }

    @Override
    public String describe() {
        String how;
        if (notificationsUnavailable != null) {
            how = "polled every " + PolledSignalSource.human(FALLBACK_POLL) + " (no power notifications: "
                    + notificationsUnavailable + ")";
        } else {
            how = "event-driven (RegisterPowerSettingNotification " + window.registeredSettings()
                    + " on a message-only window, then re-read)";
        }
        String why = failure == null ? "" : " [unknown now: " + failure + "]";
        String energy;
        synchronized (lock) {
            energy = energySaverStatus != null ? "GUID_ENERGY_SAVER_STATUS (Windows 11 24H2+)"
                    : "SYSTEM_POWER_STATUS.SystemStatusFlag or GUID_POWER_SAVING_STATUS (battery saver; "
                    + "no GUID_ENERGY_SAVER_STATUS received)";
        }
        return "AC_POWER: GetSystemPowerStatus ACLineStatus; " + how + why + "\n"
                + "BATTERY_LOW: GetSystemPowerStatus BatteryLifePercent below " + WinSignalRules.BATTERY_LOW_PERCENT
                + " % (BatteryFlag when the percentage is unknown); " + how + why + "\n"
                + "ENERGY_SAVER: " + energy + "; " + how;
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
