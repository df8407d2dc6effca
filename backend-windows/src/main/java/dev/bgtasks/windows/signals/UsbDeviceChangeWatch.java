package dev.bgtasks.windows.signals;

import dev.bgtasks.spi.UsbDeviceWatch;
import dev.bgtasks.windows.jna.DeviceInterfaceNotifications;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * USB devices from Windows device-change notifications: {@code CM_Register_Notification} for the interface class
 * {@code GUID_DEVINTERFACE_USB_DEVICE}. A notification says that something came or went; the list itself is read
 * again (through OSHI, by device instance id), once per burst: a device that arrives with its hub, or a dock, is a
 * burst of arrivals within a few milliseconds, so a read waits {@value #DEBOUNCE_MILLIS} ms after the first of them.
 *
 * <pre>{@code
 * UsbDeviceWatch watch = UsbDeviceChangeWatch.system(OshiHardware::usbDevicesByLocation);
 * try (AutoCloseable registration = watch.start(byInstanceId -> log.info("{}", byInstanceId))) { ... }
 * }</pre>
 */
public final class UsbDeviceChangeWatch implements UsbDeviceWatch {
    static final long DEBOUNCE_MILLIS = 250;
    static final String THREAD = "bgtasks-windows-usb";

    private static final Logger LOG = LoggerFactory.getLogger(UsbDeviceChangeWatch.class);

    /**
     * Registers for the notifications; {@link DeviceInterfaceNotifications} on Windows, a mock in tests.
     *
     * <pre>{@code
     * Registrar usb = onChange -> DeviceInterfaceNotifications.system()
     *         .register(DeviceInterfaceNotifications.USB_DEVICE, onChange);
     * }</pre>
     */
    @FunctionalInterface
    public interface Registrar {
        /**
         * @param onChange told of each arrival and removal, on a thread of the OS's; must return quickly
         * @return closing it unregisters
         * @throws IOException when the notifications cannot be registered
         */
        AutoCloseable register(Runnable onChange) throws IOException;
    }

    private final Registrar registrar;
    private final Supplier<Map<String, String>> list;
    private final Supplier<ScheduledExecutorService> executors;
    private final Duration debounce;

    /**
     * @param registrar registers for the notifications
     * @param list reads the attached devices' ids by location
     * @param executors makes the thread the reads run on, one per registration
     * @param debounce how long a read waits after the first notification of a burst
     */
    public UsbDeviceChangeWatch(Registrar registrar, Supplier<Map<String, String>> list,
                                Supplier<ScheduledExecutorService> executors, Duration debounce) {
        this.registrar = Objects.requireNonNull(registrar, "registrar");
        this.list = Objects.requireNonNull(list, "list");
        this.executors = Objects.requireNonNull(executors, "executors");
        this.debounce = Objects.requireNonNull(debounce, "debounce");
    }

    /**
     * The watch of this Windows host; cfgmgr32 is loaded when it starts, not before.
     *
     * @param list reads the attached devices' ids by location
     * @return a watch that has not started
     */
    public static UsbDeviceWatch system(Supplier<Map<String, String>> list) {
        return new UsbDeviceChangeWatch(onChange -> DeviceInterfaceNotifications.system()
                .register(DeviceInterfaceNotifications.USB_DEVICE, onChange), list, () ->
                Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, THREAD);
                    thread.setDaemon(true);
                    return thread;
                }), Duration.ofMillis(DEBOUNCE_MILLIS));
    }

    @Override
    public String name() {
        return "device-change notifications (CM_Register_Notification, GUID_DEVINTERFACE_USB_DEVICE)";
    }

    /** Registers first and reads the list after, so an arrival between the two is read too. */
    @Override
    public AutoCloseable start(Consumer<Map<String, String>> devices) throws IOException {
        ScheduledExecutorService executor = executors.get();
        Reads reads = new Reads(Objects.requireNonNull(devices, "devices"), executor);
        AutoCloseable registration;
        try {
            registration = registrar.register(reads::notified);
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        AutoCloseable stop = () -> {
            reads.stopped.set(true);
            try {
                registration.close();
            } finally {
                executor.shutdownNow();
            }
        };
        try {
            reads.read();
        } catch (RuntimeException e) {
            closeQuietly(stop);
            throw new IOException("cannot list the USB devices: " + e, e);
        }
        return stop;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("unregistering the USB notifications failed: {}", e.toString());
        }
    }

    /** The reads of one registration: one per burst of notifications, one at a time. */
    private final class Reads {
        final AtomicBoolean stopped = new AtomicBoolean();
        private final Consumer<Map<String, String>> devices;
        private final ScheduledExecutorService executor;
        private final AtomicBoolean pending = new AtomicBoolean();
        private final Object readLock = new Object();

        Reads(Consumer<Map<String, String>> devices, ScheduledExecutorService executor) {
            this.devices = devices;
            this.executor = executor;
        }

        /** On Windows's thread: schedules a read unless one is already waiting. */
        void notified() {
            if (stopped.get() || !pending.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.schedule(this::debouncedRead, debounce.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                pending.set(false);   // stopped meanwhile
            }
        }

        private void debouncedRead() {
            // Cleared before reading: a notification during the read schedules one more, so nothing is missed.
            pending.set(false);
            try {
                read();
            } catch (RuntimeException e) {
                LOG.warn("cannot list the USB devices after a device change; keeping the last list: {}",
                        e.toString());
            }
        }

        /** Reads and hands on under one lock, so a later read is never overtaken by an earlier one. */
        void read() {
            synchronized (readLock) {
                if (!stopped.get()) {
                    devices.accept(list.get());
                }
            }
        }
    }
}
