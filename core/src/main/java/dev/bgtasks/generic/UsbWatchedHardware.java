package dev.bgtasks.generic;

import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.PolledSignalSource;
import dev.bgtasks.spi.UsbDeviceWatch;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hardware readings of a backend whose OS notifies USB arrivals and removals (macOS, Windows): USB devices from
 * a {@link UsbDeviceWatch}, started when a registration first needs them and stopped when none does, and every other
 * reading polled through OSHI as before (SPEC H4). When the notifications cannot be registered the USB devices are
 * polled through OSHI instead, and the log and {@link #describe()} say so and why: never a silent weaker source.
 *
 * <pre>{@code
 * HardwareSource hw = UsbWatchedHardware.withOshi(new IOKitUsbWatch(iokit, cf), PolledHardwareSource.DEFAULT_PERIOD);
 * hw.need(EnumSet.of(HardwareSignal.USB_DEVICES));   // registers the notifications, reads the initial list
 * hw.need(Set.of());                                 // unregisters them
 * }</pre>
 */
public final class UsbWatchedHardware implements HardwareSource {
    private static final Logger LOG = LoggerFactory.getLogger(UsbWatchedHardware.class);

    private final UsbDeviceWatch watch;
    private final HardwareSource rest;
    private final Supplier<HardwareSource> fallbackFactory;
    private final Duration fallbackPeriod;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Held while the USB source starts or stops; never by a watch's own thread. */
    private final Object lock = new Object();
    /** Guards {@code usb} against its generation; held briefly, never while calling the watch. */
    private final Object usbLock = new Object();
    /** The attached devices' ids by location while the watch runs; null otherwise. */
    private volatile Map<String, String> usb;
    private volatile String fallbackReason;
    private volatile HardwareSource fallback;
    private AutoCloseable registration;
    private AutoCloseable fallbackSubscription;
    /** Bumped at each start and stop, so a set the watch hands on late is not taken for the current one. */
    private long generation;
    private volatile boolean closed;

    /**
     * @param watch the OS's USB notifications
     * @param rest the source of every other reading; its USB reading is ignored
     * @param fallbackFactory makes the polled USB source used when the watch cannot start
     * @param fallbackPeriod the fallback's period, for describe()
     */
    public UsbWatchedHardware(UsbDeviceWatch watch, HardwareSource rest, Supplier<HardwareSource> fallbackFactory,
                              Duration fallbackPeriod) {
        this.watch = Objects.requireNonNull(watch, "watch");
        this.rest = Objects.requireNonNull(rest, "rest");
        this.fallbackFactory = Objects.requireNonNull(fallbackFactory, "fallbackFactory");
        this.fallbackPeriod = Objects.requireNonNull(fallbackPeriod, "fallbackPeriod");
    }

    /**
     * USB devices from {@code watch}, the rest (and the fallback) through OSHI every {@code period}.
     *
     * @param watch the OS's USB notifications
     * @param period how often OSHI is read while needed
     * @return the source; nothing is read or registered before {@link #need} asks
     */
    public static UsbWatchedHardware withOshi(UsbDeviceWatch watch, Duration period) {
        Set<HardwareSignal> others = EnumSet.allOf(HardwareSignal.class);
        others.remove(HardwareSignal.USB_DEVICES);
        return new UsbWatchedHardware(watch, OshiHardware.polled(others, period),
                () -> OshiHardware.polled(EnumSet.of(HardwareSignal.USB_DEVICES), period), period);
    }

    @Override
    public HardwareReadings current() {
        HardwareReadings others = rest.current();
        Map<String, String> watched = usb;
        HardwareSource polled = fallback;
        if (watched != null) {
            // Each device's location goes with it, so a device trigger tells two identical devices apart (SPEC H8).
            return others.withUsbDeviceLocations(watched);
        }
        return others.withUsbDevices(polled == null ? null : polled.current().usbDevices());
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
        listeners.add(listener);
        AutoCloseable restSubscription = rest.subscribe(listener);
        return () -> {
            listeners.remove(listener);
            restSubscription.close();
        };
    }

    @Override
    public Set<HardwareSignal> readable() {
        Set<HardwareSignal> readable = EnumSet.of(HardwareSignal.USB_DEVICES);
        readable.addAll(rest.readable());
        return readable;
    }

    /** Passes the need on to the polled readings; registers the USB notifications while USB devices are needed. */
    @Override
    public void need(Set<HardwareSignal> signals) {
        rest.need(signals);
        boolean wanted = signals.contains(HardwareSignal.USB_DEVICES);
        boolean changed;
        synchronized (lock) {
            if (closed) {
                return;
            }
            boolean running = registration != null || fallback != null;
            if (wanted == running) {
                return;
            }
            long started = nextGeneration();
            if (wanted) {
                startUsb(started);
            } else {
                stopUsb();
                LOG.info("no registration needs USB devices any more; {} stopped", fallbackReason == null
                        ? watch.name() : "the OSHI poll");
            }
            changed = !wanted;
        }
        if (changed) {
            changed();
        }
    }

    private void startUsb(long started) {
        try {
            registration = watch.start(devices -> usbChanged(started, devices));
            fallbackReason = null;
            LOG.info("USB devices from {}: {} attached", watch.name(), usb == null ? "unknown" : usb.size());
            return;
        } catch (Exception | LinkageError e) {
            fallbackReason = watch.name() + " unavailable: " + e.getMessage();
        }
        LOG.warn("USB devices: {}; polling OSHI every {} instead", fallbackReason,
                PolledSignalSource.human(fallbackPeriod));
        HardwareSource polled = fallbackFactory.get();
        fallbackSubscription = polled.subscribe(this::changed);
        fallback = polled;
        polled.need(EnumSet.of(HardwareSignal.USB_DEVICES));
    }

    private long nextGeneration() {
        synchronized (usbLock) {
            usb = null;
            return ++generation;
        }
    }

    private void usbChanged(long from, Map<String, String> devices) {
        synchronized (usbLock) {
            if (from != generation || closed) {
                return;
            }
            Map<String, String> now = Map.copyOf(devices);
            if (now.equals(usb)) {
                return;
            }
            usb = now;
        }
        changed();
    }

    private void stopUsb() {
        if (registration != null) {
            // Closing may wait for the watch's own thread (macOS joins its run loop thread), which may be telling a
            // listener that waits for a lock the caller of need() holds (the broker's); so it never waits here.
            AutoCloseable stopping = registration;
            Thread closer = new Thread(() -> closeQuietly(stopping, watch.name()), "bgtasks-usb-unregister");
            closer.setDaemon(true);
            closer.start();
            registration = null;
        }
        if (fallback != null) {
            closeQuietly(fallbackSubscription, "the OSHI poll's subscription");
            fallback.close();
            fallback = null;
            fallbackSubscription = null;
        }
    }

    private static void closeQuietly(AutoCloseable closeable, String what) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", what, e.toString());
        }
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.error("a hardware change listener failed", e);
            }
        }
    }

    /** {@return how USB devices are read now: the notifications, or the OSHI poll and why} */
    public String usbSource() {
        String reason = fallbackReason;
        if (reason != null) {
            return "OSHI poll every " + PolledSignalSource.human(fallbackPeriod) + " because " + reason;
        }
        return watch.name();
    }

    @Override
    public String describe() {
        String line;
        synchronized (lock) {
            Map<String, String> now = usb;
            if (fallback != null) {
                line = usbSource() + " (polling now)";
            } else if (registration != null) {
                line = watch.name() + "; " + (now == null ? "unknown" : now.size() + " attached");
            } else {
                line = watch.name() + ", registered while a registration needs USB devices (idle)"
                        + (fallbackReason == null ? "" : "; last time: " + usbSource());
            }
        }
        return "  USB_DEVICES: " + line + "\n" + rest.describe();
    }

    /** Unregisters the notifications and stops the pollers; idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            nextGeneration();
            stopUsb();
        }
        rest.close();
    }
}
