package dev.bgtasks.macos.signals;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.IOKitLib;
import dev.bgtasks.spi.UsbDeviceWatch;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * USB devices from IOKit matching notifications: {@code kIOFirstMatchNotification} and
 * {@code kIOTerminatedNotification} on {@code IOServiceMatching("IOUSBHostDevice")} ({@code IOUSBDevice} before
 * OS X 10.11), delivered through a notification port whose run loop source runs on a CFRunLoop thread of its own.
 * Arming the first-match iterator lists the devices attached now, so IOKit, not OSHI, gives the initial list; each
 * device is its {@code idVendor}, {@code idProduct} and {@code USB Serial Number}, found at its {@code locationID}
 * (the {@code devicePath} of a device trigger's arguments, as {@code 0x14100000}).
 *
 * <pre>{@code
 * UsbDeviceWatch watch = IOKitUsbWatch.system();
 * try (AutoCloseable registration = watch.start(byLocation -> log.info("{}", byLocation))) { ... }
 * }</pre>
 *
 * <p>Every service the iterators hand out is released after its properties are read, every CF key and value
 * before a read returns; stopping the registration stops the run loop, releases both iterators and destroys the port.
 */
public final class IOKitUsbWatch implements UsbDeviceWatch {
    static final String HOST_DEVICE = "IOUSBHostDevice";
    static final String LEGACY_DEVICE = "IOUSBDevice";
    static final String VENDOR = "idVendor";
    static final String PRODUCT = "idProduct";
    static final String SERIAL = "USB Serial Number";
    static final String LOCATION = "locationID";
    static final String THREAD = "bgtasks-macos-usb";

    private static final Logger LOG = LoggerFactory.getLogger(IOKitUsbWatch.class);

    private final IOKitLib iokit;
    private final CoreFoundationLib cf;
    private final CoreFoundationValues values;
    private final String className;

    IOKitUsbWatch(IOKitLib iokit, CoreFoundationLib cf, String className) {
        this.iokit = Objects.requireNonNull(iokit, "iokit");
        this.cf = Objects.requireNonNull(cf, "cf");
        this.values = new CoreFoundationValues(cf);
        this.className = Objects.requireNonNull(className, "className");
    }

    /**
     * The watch of this Mac; IOKit and CoreFoundation are loaded when it starts, not before.
     *
     * @return a watch that has not started
     */
    public static UsbDeviceWatch system() {
        String className = className(System.getProperty("os.version", ""));
        return new UsbDeviceWatch() {
            @Override
            public String name() {
                return IOKitUsbWatch.name(className);
            }

            @Override
            public AutoCloseable start(Consumer<Map<String, String>> devices) throws IOException {
                return new IOKitUsbWatch(IOKitLib.instance(), CoreFoundationLib.instance(), className).start(devices);
            }
        };
    }

    /** {@code IOUSBHostDevice} from OS X 10.11 on (macOS 11 and later report 11 and up), else {@code IOUSBDevice}. */
    static String className(String osVersion) {
        String[] parts = osVersion.trim().split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major == 10 && minor < 11 ? LEGACY_DEVICE : HOST_DEVICE;
        } catch (NumberFormatException e) {
            return HOST_DEVICE;
        }
    }

    private static String name(String className) {
        return "IOKit notifications (" + className + ")";
    }

    @Override
    public String name() {
        return name(className);
    }

    @Override
    public AutoCloseable start(Consumer<Map<String, String>> devices) throws IOException {
        Registration registration = new Registration(Objects.requireNonNull(devices, "devices"));
        try {
            registration.register();
        } catch (IOException | RuntimeException e) {
            registration.close();
            throw e;
        }
        return registration;
    }

    /** One port, its two notifications and the run loop thread that hears them. */
    private final class Registration implements AutoCloseable {
        private final Consumer<Map<String, String>> handOn;
        /** The attached devices by registry entry id: a terminated service still has its id, not its properties. */
        private final Map<Long, Device> attached = new HashMap<>();
        // IOKit calls these; the fields keep them alive while the notifications are registered.
        private final IOKitLib.ServiceMatched arrived = (refCon, iterator) -> changed(iterator, true);
        private final IOKitLib.ServiceMatched terminated = (refCon, iterator) -> changed(iterator, false);
        private Pointer port;
        private int arrivals;
        private int removals;
        private CoreFoundationRunLoop loop;
        private boolean closed;

        Registration(Consumer<Map<String, String>> handOn) {
            this.handOn = handOn;
        }

        void register() throws IOException {
            port = iokit.IONotificationPortCreate(IOKitLib.MAIN_PORT_DEFAULT);
            if (port == null) {
                throw new IOException("IONotificationPortCreate failed");
            }
            Pointer source = iokit.IONotificationPortGetRunLoopSource(port);
            if (source == null) {
                throw new IOException("the notification port has no run loop source");
            }
            arrivals = add(IOKitLib.FIRST_MATCH_NOTIFICATION, arrived);
            removals = add(IOKitLib.TERMINATED_NOTIFICATION, terminated);
            // Iterating arms each notification; the first-match iterator lists what is attached now.
            drain(arrivals, true);
            drain(removals, false);
            handOn.accept(snapshot());
            loop = new CoreFoundationRunLoop(cf, THREAD);
            // The port owns its source; the loop releases what its factory returns, so it gets a reference of its own.
            loop.start(() -> cf.CFRetain(source));
            LOG.info("{}: registered, {} attached", name(), attached.size());
        }

        private int add(String notification, IOKitLib.ServiceMatched callback) throws IOException {
            // IOServiceAddMatchingNotification consumes the dictionary, so each registration gets one of its own.
            Pointer matching = iokit.IOServiceMatching(className);
            if (matching == null) {
                throw new IOException("IOServiceMatching(" + className + ") failed");
            }
            IntByReference iterator = new IntByReference();
            int kr = iokit.IOServiceAddMatchingNotification(port, notification, matching, callback, null, iterator);
            if (kr != 0) {
                throw new IOException(String.format(Locale.ROOT, "IOServiceAddMatchingNotification(%s, %s) failed:"
                        + " 0x%08x", notification, className, kr));
            }
            return iterator.getValue();
        }

        /** On the run loop thread: the iterator must be drained to hear the next notification. */
        private void changed(int iterator, boolean arrival) {
            try {
                if (drain(iterator, arrival)) {
                    handOn.accept(snapshot());
                }
            } catch (RuntimeException e) {
                LOG.error("reading a USB {} failed", arrival ? "arrival" : "removal", e);
            }
        }

        private boolean drain(int iterator, boolean arrival) {
            boolean changed = false;
            for (int service = iokit.IOIteratorNext(iterator); service != 0;
                    service = iokit.IOIteratorNext(iterator)) {
                try {
                    changed |= arrival ? arrived(service) : removed(service);
                } finally {
                    iokit.IOObjectRelease(service);
                }
            }
            return changed;
        }

        private boolean arrived(int service) {
            Optional<Long> entry = entryId(service);
            Optional<Device> device = read(service);
            if (entry.isEmpty() || device.isEmpty()) {
                return false;
            }
            LOG.info("USB attached: {} at {}", device.get().id(), device.get().location());
            synchronized (attached) {
                return !device.get().equals(attached.put(entry.get(), device.get()));
            }
        }

        private boolean removed(int service) {
            Optional<Long> entry = entryId(service);
            if (entry.isEmpty()) {
                return false;
            }
            synchronized (attached) {
                Device gone = attached.remove(entry.get());
                if (gone != null) {
                    LOG.info("USB detached: {} at {}", gone.id(), gone.location());
                }
                return gone != null;
            }
        }

        private Optional<Long> entryId(int service) {
            LongByReference id = new LongByReference();
            return iokit.IORegistryEntryGetRegistryEntryID(service, id) == 0 ? Optional.of(id.getValue())
                    : Optional.empty();
        }

        private Optional<Device> read(int service) {
            Optional<Long> vendor = number(service, VENDOR);
            Optional<Long> product = number(service, PRODUCT);
            if (vendor.isEmpty() || product.isEmpty()) {
                return Optional.empty();
            }
            String id = String.format(Locale.ROOT, "%04x:%04x", vendor.get() & 0xffff, product.get() & 0xffff);
            Optional<String> serial = string(service, SERIAL).map(String::trim).filter(s -> !s.isEmpty());
            Optional<Long> location = number(service, LOCATION);
            return Optional.of(new Device(serial.map(s -> id + ":" + s).orElse(id),
                    location.map(l -> String.format(Locale.ROOT, "0x%08x", l & 0xffffffffL)).orElse(null)));
        }

        private Optional<Long> number(int service, String key) {
            Pointer value = property(service, key);
            try {
                return values.int64(value);
            } finally {
                values.release(value);
            }
        }

        private Optional<String> string(int service, String key) {
            Pointer value = property(service, key);
            try {
                return values.string(value);
            } finally {
                values.release(value);
            }
        }

        /** An owned value, or null when the entry has no such property. */
        private Pointer property(int service, String key) {
            Pointer cfKey = values.createString(key);
            try {
                return iokit.IORegistryEntryCreateCFProperty(service, cfKey, null, 0);
            } finally {
                values.release(cfKey);
            }
        }

        /** Each device by its location; one without a location, or sharing one, by its registry entry id. */
        private Map<String, String> snapshot() {
            Map<String, String> byLocation = new TreeMap<>();
            synchronized (attached) {
                attached.forEach((entry, device) -> {
                    String location = device.location();
                    if (location == null || byLocation.containsKey(location)) {
                        location = String.format(Locale.ROOT, "registry entry 0x%x", entry);
                    }
                    byLocation.put(location, device.id());
                });
            }
            return byLocation;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (loop != null) {
                loop.close();
            }
            if (arrivals != 0) {
                iokit.IOObjectRelease(arrivals);
            }
            if (removals != 0) {
                iokit.IOObjectRelease(removals);
            }
            if (port != null) {
                iokit.IONotificationPortDestroy(port);
            }
            LOG.info("{}: unregistered", name());
        }
    }

    /** A device's id and its {@code locationID}, or null when it has none. */
    private record Device(String id, String location) {
    }
}
