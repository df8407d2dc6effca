package dev.bgtasks.generic;

import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.PolledHardwareSource;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.hardware.UsbDevice;
import oshi.software.os.OSFileStore;

/**
 * Hardware readings through OSHI, polled: the portable source of the generic platform, and the fallback of the
 * Windows and macOS backends (SPEC H4). USB devices, file stores, interfaces, the CPU temperature sensor and the
 * CPU's idle ticks; each reading is polled only while a registration needs it. The conversions from OSHI's values
 * are pure functions, tested without a host.
 *
 * <pre>{@code
 * HardwareSource hw = OshiHardware.polled(EnumSet.allOf(HardwareSignal.class), Duration.ofSeconds(5));
 * hw.need(EnumSet.of(HardwareSignal.CPU_IDLE));
 * }</pre>
 */
public final class OshiHardware implements PolledHardwareSource.Reader {
    private long[] previousTicks;

    private OshiHardware() {
    }

    /**
     * A polled source of {@code signals} through OSHI.
     *
     * @param signals the readings to offer
     * @param period how often to read while needed
     * @return the source; nothing is read before {@link HardwareSource#need} asks
     */
    public static HardwareSource polled(Set<HardwareSignal> signals, Duration period) {
        return new PolledHardwareSource("oshi-hardware", period, signals, new OshiHardware(),
                "OSHI (USB devices, file stores, network interfaces, sensors, CPU ticks)");
    }

    @Override
    public synchronized HardwareReadings read(Set<HardwareSignal> wanted) {
        HardwareAbstractionLayer hal = Oshi.systemInfo().getHardware();
        HardwareReadings r = HardwareReadings.UNKNOWN;
        if (wanted.contains(HardwareSignal.USB_DEVICES)) {
            Set<String> ids = new TreeSet<>();
            for (UsbDevice device : hal.getUsbDevices(false)) {
                usbId(device.getVendorId(), device.getProductId(), device.getSerialNumber()).ifPresent(ids::add);
            }
            r = r.withUsbDevices(ids);
        }
        if (wanted.contains(HardwareSignal.VOLUMES)) {
            Set<String> volumes = new TreeSet<>();
            for (OSFileStore store : Oshi.systemInfo().getOperatingSystem().getFileSystem().getFileStores()) {
                addIfPresent(volumes, store.getMount());
                addIfPresent(volumes, store.getLabel());
            }
            r = r.withVolumes(volumes);
        }
        if (wanted.contains(HardwareSignal.INTERFACES)) {
            Set<String> up = new TreeSet<>();
            for (NetworkIF net : hal.getNetworkIFs(true)) {
                if (net.getIfOperStatus() == NetworkIF.IfOperStatus.UP) {
                    up.add(net.getName());
                }
            }
            r = r.withInterfacesUp(up);
        }
        if (wanted.contains(HardwareSignal.CPU_TEMPERATURE)) {
            r = r.withCpuTemperature(temperature(hal.getSensors().getCpuTemperature()));
        }
        if (wanted.contains(HardwareSignal.CPU_IDLE)) {
            long[] ticks = hal.getProcessor().getSystemCpuLoadTicks();
            r = r.withCpuIdle(previousTicks == null ? null : idlePercent(previousTicks, ticks));
            previousTicks = ticks;
        } else {
            previousTicks = null;
        }
        return r;
    }

    /**
     * The attached USB devices, read now: each id by OSHI's unique device id (the device instance id on Windows,
     * {@code USB\VID_1D6B&PID_0002\...}), so two identical devices are two entries. The list a USB notification
     * source hands on after each arrival or removal where the OS notification says nothing about the device itself.
     *
     * @return ids by location; hubs and controllers without ids are left out
     */
    public static Map<String, String> usbDevicesByLocation() {
        return byLocation(Oshi.systemInfo().getHardware().getUsbDevices(false));
    }

    /** Ids by unique device id; a device without one is placed by its id and a counter. */
    static Map<String, String> byLocation(List<UsbDevice> devices) {
        Map<String, String> byLocation = new TreeMap<>();
        for (UsbDevice device : devices) {
            Optional<String> id = usbId(device.getVendorId(), device.getProductId(), device.getSerialNumber());
            if (id.isEmpty()) {
                continue;
            }
            String unique = device.getUniqueDeviceId();
            String location = unique == null || unique.isBlank() ? id.get() : unique.trim();
            String free = location;
            for (int n = 2; byLocation.containsKey(free); n++) {
                free = location + "#" + n;
            }
            byLocation.put(free, id.get());
        }
        return byLocation;
    }

    private static void addIfPresent(Set<String> into, String value) {
        if (value != null && !value.isBlank()) {
            into.add(value);
        }
    }

    /** {@code vvvv:pppp[:serial]} from OSHI's strings; empty for a hub or controller OSHI gives no ids for. */
    static Optional<String> usbId(String vendorId, String productId, String serial) {
        if (vendorId == null || productId == null || vendorId.isBlank() || productId.isBlank()) {
            return Optional.empty();
        }
        String id = pad(vendorId) + ":" + pad(productId);
        return Optional.of(serial == null || serial.isBlank() ? id : id + ":" + serial.trim());
    }

    private static String pad(String hex) {
        String h = hex.trim().toLowerCase(Locale.ROOT);
        h = h.startsWith("0x") ? h.substring(2) : h;
        return "0".repeat(Math.max(0, 4 - h.length())) + h;
    }

    /** OSHI says 0 or NaN when no sensor answers: unknown, never a guess. */
    static Double temperature(double celsius) {
        return Double.isNaN(celsius) || celsius <= 0 ? null : celsius;
    }

    /** The idle share between two tick samples: idle and iowait over all ticks; null when no time passed. */
    static Double idlePercent(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < after.length; i++) {
            total += after[i] - before[i];
        }
        if (total <= 0) {
            return null;
        }
        long idle = after[CentralProcessor.TickType.IDLE.getIndex()] - before[CentralProcessor.TickType.IDLE.getIndex()]
                + after[CentralProcessor.TickType.IOWAIT.getIndex()]
                - before[CentralProcessor.TickType.IOWAIT.getIndex()];
        return Math.round(1000.0 * idle / total) / 10.0;
    }

    /** {@return every reading OSHI can give} */
    public static Set<HardwareSignal> all() {
        return EnumSet.allOf(HardwareSignal.class);
    }

    /** {@return the measures no OS sends events for} */
    public static Set<HardwareSignal> cpu() {
        return EnumSet.copyOf(List.of(HardwareSignal.CPU_TEMPERATURE, HardwareSignal.CPU_IDLE));
    }
}
