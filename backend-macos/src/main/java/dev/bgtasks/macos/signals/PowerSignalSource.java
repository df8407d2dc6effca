package dev.bgtasks.macos.signals;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.IOKitLib;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.PolledSignalSource;
import dev.bgtasks.spi.SignalSource;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#AC_POWER}, {@link HostSignal#BATTERY_LOW} and {@link HostSignal#ENERGY_SAVER} from IOKit's power
 * sources: {@code IOPSGetProvidingPowerSourceType} over an {@code IOPSCopyPowerSourcesInfo} snapshot ("AC Power" or
 * "Battery Power"), {@code IOPSGetBatteryWarningLevel}, and Low Power Mode from a {@link PowerModeReader}. All are
 * re-read on every {@code IOPSNotificationCreateRunLoopSource} callback, delivered on a CFRunLoop thread of its own.
 * Toggling Low Power Mode posts no power source change, so Low Power Mode is also re-read on a slow timer (60 s by
 * default), and {@link #describe()} says so.
 *
 * <pre>{@code
 * PowerSignalSource power = new PowerSignalSource(iokit, values, new CoreFoundationRunLoop(cf, "bgtasks-macos-power"),
 *         lowPowerMode, Duration.ofSeconds(60));
 * power.start(signals::recompute);
 * }</pre>
 */
final class PowerSignalSource implements SignalSource {
    static final Duration DEFAULT_MODE_PERIOD = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(PowerSignalSource.class);

    private final IOKitLib iokit;
    private final CoreFoundationValues cf;
    private final CoreFoundationRunLoop runLoop;
    private final PowerModeReader lowPowerMode;
    private final Duration modePeriod;
    /** Held for as long as the run loop source may call it: JNA frees a callback that is garbage collected. */
    private final IOKitLib.PowerSourcesChanged callback = context -> refresh();
    private final Object lock = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private Runnable onChange = () -> { };
    private ScheduledExecutorService modePoller;
    private boolean closed;

    PowerSignalSource(IOKitLib iokit, CoreFoundationValues cf, CoreFoundationRunLoop runLoop,
            PowerModeReader lowPowerMode, Duration modePeriod) {
        this.iokit = Objects.requireNonNull(iokit, "iokit");
        this.cf = Objects.requireNonNull(cf, "cf");
        this.runLoop = Objects.requireNonNull(runLoop, "runLoop");
        this.lowPowerMode = Objects.requireNonNull(lowPowerMode, "lowPowerMode");
        this.modePeriod = Objects.requireNonNull(modePeriod, "modePeriod");
        if (modePeriod.isNegative() || modePeriod.isZero()) {
            throw new IllegalArgumentException("modePeriod must be positive: " + modePeriod);
        }
    }

    @Override
    public Map<HostSignal, Boolean> current() {
        return state;
    }

    /** Reads now, then runs the power source notification on its run loop thread and the Low Power Mode timer. */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            this.onChange = onChange;
            read();
        }
        try {
            runLoop.start(() -> iokit.IOPSNotificationCreateRunLoopSource(callback, null));
        } catch (IOException e) {
            failure = e.getMessage();
            throw new IllegalStateException("no power source notifications: " + e.getMessage(), e);
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            modePoller = PolledSignalSource.repeat("bgtasks-macos-lowpowermode", modePeriod, this::refresh);
        }
    }

    /** One re-read (a notification or the timer); tells the listener only when the signals changed. */
    void refresh() {
        boolean changed;
        synchronized (lock) {
            if (closed) {
                return;
            }
            changed = read();
        }
        if (changed) {
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.error("a power change listener failed", e);
            }
        }
    }

    private boolean read() {
        Map<HostSignal, Boolean> now;
        try {
            now = MacSignalRules.power(reading());
            failure = runLoop.failure();
        } catch (RuntimeException e) {
            if (failure == null) {
                LOG.warn("cannot read the power sources: {}", e.toString());
            }
            failure = e.toString();
            now = Map.of();
        }
        if (now.equals(state)) {
            return false;
        }
        state = now;
        LOG.info("macOS power: {}", now);
        return true;
    }

    /** The raw reading; the snapshot is released before it returns. */
    MacSignalRules.PowerReading reading() {
        String type = null;
        Pointer snapshot = iokit.IOPSCopyPowerSourcesInfo();
        try {
            if (snapshot != null) {
                // The type string belongs to the snapshot ("Get" rule): read it, never release it.
                type = cf.string(iokit.IOPSGetProvidingPowerSourceType(snapshot)).orElse(null);
            }
        } finally {
            cf.release(snapshot);
        }
        int level = iokit.IOPSGetBatteryWarningLevel();
        Boolean low = lowPowerMode.lowPowerMode().orElse(null);
        return new MacSignalRules.PowerReading(type, level, low);
    }

    @Override
    public String describe() {
        String why = failure == null ? "" : "unknown or stale now (" + failure + "); ";
        return "AC_POWER: " + why + "IOPSGetProvidingPowerSourceType (\"AC Power\" vs \"Battery Power\"), re-read on"
                + " IOPSNotificationCreateRunLoopSource on a CFRunLoop thread; event-driven\n"
                + "BATTERY_LOW: IOPSGetBatteryWarningLevel (early or final warning), re-read on the same notification;"
                + " event-driven\n"
                + "ENERGY_SAVER: Low Power Mode from " + lowPowerMode.describe() + ", re-read on every power"
                + " notification and polled every " + modePeriod.toSeconds() + " s (Low Power Mode posts no power"
                + " source change)";
    }

    @Override
    public void close() {
        ScheduledExecutorService poller;
        synchronized (lock) {
            closed = true;
            poller = modePoller;
        }
        if (poller != null) {
            poller.shutdownNow();
            try {
                if (!poller.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("the Low Power Mode poller did not stop within 5 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        runLoop.close();
    }
}
