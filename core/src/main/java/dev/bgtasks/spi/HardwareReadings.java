package dev.bgtasks.spi;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The hardware readings at one moment, beside the boolean {@link HostSignal}s of a {@link SignalSnapshot}. A null
 * set or measure is unknown: the host cannot read it, and a condition on it holds under nothing.
 *
 * <pre>{@code
 * HardwareReadings r = HardwareReadings.UNKNOWN.withUsbDevices(Set.of("1d6b:0002:0000:00:14.0"))
 *         .withCpuTemperature(48.0);
 * boolean attached = r.usbDevicePresent("1d6b:0002").orElse(false);
 * }</pre>
 *
 * @param usbDevices attached USB devices as {@code vvvv:pppp} or {@code vvvv:pppp:serial} (hex in lower case)
 * @param volumes mount points and labels of mounted volumes
 * @param interfacesUp names of network interfaces that are up
 * @param cpuTemperatureCelsius the CPU temperature
 * @param cpuIdlePercent the share of CPU time spent idle, 0 to 100
 * @param conditionOverrides simulated verdicts of conditions, keyed by the condition's spelling
 *     ({@code usb-device=1d6b:0002}); they win over the readings
 * @param usbDeviceLocations where the source found each attached USB device (the sysfs path on Linux), mapped to its
 *     id as in {@code usbDevices}; null when the source names no locations. Two identical devices without a serial
 *     are one id but two locations, so a device trigger (SPEC H8) tells them apart by it.
 */
public record HardwareReadings(Set<String> usbDevices, Set<String> volumes, Set<String> interfacesUp,
                               Double cpuTemperatureCelsius, Double cpuIdlePercent,
                               Map<String, Boolean> conditionOverrides, Map<String, String> usbDeviceLocations) {
    /** Nothing known, nothing overridden. */
    public static final HardwareReadings UNKNOWN = new HardwareReadings(null, null, null, null, null, Map.of());

    /**
     * Copies the sets into sorted unmodifiable ones, so equal readings compare equal.
     *
     * @param usbDevices attached USB devices, or null when unknown
     * @param volumes mount points and labels, or null when unknown
     * @param interfacesUp interfaces that are up, or null when unknown
     * @param cpuTemperatureCelsius the CPU temperature, or null when unknown
     * @param cpuIdlePercent the CPU idle share, or null when unknown
     * @param conditionOverrides simulated verdicts by condition spelling; null for none
     * @param usbDeviceLocations each attached device's id by its location, or null when the source names none
     */
    public HardwareReadings {
        usbDeviceLocations = usbDeviceLocations == null ? null
                : Collections.unmodifiableMap(new TreeMap<>(usbDeviceLocations));
        usbDevices = usbDeviceLocations != null && usbDevices == null ? new TreeSet<>(usbDeviceLocations.values())
                : usbDevices;
        usbDevices = sorted(usbDevices);
        volumes = sorted(volumes);
        interfacesUp = sorted(interfacesUp);
        conditionOverrides = conditionOverrides == null ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(conditionOverrides));
    }

    /**
     * Readings without device locations.
     *
     * @param usbDevices attached USB devices, or null when unknown
     * @param volumes mount points and labels, or null when unknown
     * @param interfacesUp interfaces that are up, or null when unknown
     * @param cpuTemperatureCelsius the CPU temperature, or null when unknown
     * @param cpuIdlePercent the CPU idle share, or null when unknown
     * @param conditionOverrides simulated verdicts by condition spelling; null for none
     */
    public HardwareReadings(Set<String> usbDevices, Set<String> volumes, Set<String> interfacesUp,
                            Double cpuTemperatureCelsius, Double cpuIdlePercent,
                            Map<String, Boolean> conditionOverrides) {
        this(usbDevices, volumes, interfacesUp, cpuTemperatureCelsius, cpuIdlePercent, conditionOverrides, null);
    }

    private static Set<String> sorted(Set<String> values) {
        return values == null ? null : Collections.unmodifiableSet(new TreeSet<>(values));
    }

    /**
     * @param devices the attached devices, or null when unknown
     * @return a copy with these USB devices
     */
    public HardwareReadings withUsbDevices(Set<String> devices) {
        return new HardwareReadings(devices, volumes, interfacesUp, cpuTemperatureCelsius, cpuIdlePercent,
                conditionOverrides, null);
    }

    /**
     * @param byLocation each attached device's id by where the source found it, or null when unknown
     * @return a copy with these USB devices and their locations
     */
    public HardwareReadings withUsbDeviceLocations(Map<String, String> byLocation) {
        return new HardwareReadings(byLocation == null ? null : new TreeSet<>(byLocation.values()), volumes,
                interfacesUp, cpuTemperatureCelsius, cpuIdlePercent, conditionOverrides, byLocation);
    }

    /**
     * @param mounted mount points and labels, or null when unknown
     * @return a copy with these volumes
     */
    public HardwareReadings withVolumes(Set<String> mounted) {
        return new HardwareReadings(usbDevices, mounted, interfacesUp, cpuTemperatureCelsius, cpuIdlePercent,
                conditionOverrides, usbDeviceLocations);
    }

    /**
     * @param up names of the interfaces that are up, or null when unknown
     * @return a copy with these interfaces
     */
    public HardwareReadings withInterfacesUp(Set<String> up) {
        return new HardwareReadings(usbDevices, volumes, up, cpuTemperatureCelsius, cpuIdlePercent,
                conditionOverrides, usbDeviceLocations);
    }

    /**
     * @param celsius the temperature, or null when unknown
     * @return a copy with this CPU temperature
     */
    public HardwareReadings withCpuTemperature(Double celsius) {
        return new HardwareReadings(usbDevices, volumes, interfacesUp, celsius, cpuIdlePercent, conditionOverrides,
                usbDeviceLocations);
    }

    /**
     * @param percent the idle share, or null when unknown
     * @return a copy with this CPU idle share
     */
    public HardwareReadings withCpuIdle(Double percent) {
        return new HardwareReadings(usbDevices, volumes, interfacesUp, cpuTemperatureCelsius, percent,
                conditionOverrides, usbDeviceLocations);
    }

    /**
     * @param overrides verdicts keyed by condition spelling; a null value removes that override
     * @return a copy with these overrides merged in
     */
    public HardwareReadings withConditionOverrides(Map<String, Boolean> overrides) {
        Map<String, Boolean> merged = new TreeMap<>(conditionOverrides);
        overrides.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else {
                merged.put(key, value);
            }
        });
        return new HardwareReadings(usbDevices, volumes, interfacesUp, cpuTemperatureCelsius, cpuIdlePercent,
                merged, usbDeviceLocations);
    }

    /**
     * These readings with whatever {@code overrides} knows put over them: known sets and measures replace, and
     * condition overrides merge.
     *
     * @param overrides the readings that win
     * @return a new reading
     */
    public HardwareReadings overriddenBy(HardwareReadings overrides) {
        Map<String, Boolean> merged = new TreeMap<>(conditionOverrides);
        merged.putAll(overrides.conditionOverrides);
        return new HardwareReadings(
                overrides.usbDevices != null ? overrides.usbDevices : usbDevices,
                overrides.volumes != null ? overrides.volumes : volumes,
                overrides.interfacesUp != null ? overrides.interfacesUp : interfacesUp,
                overrides.cpuTemperatureCelsius != null ? overrides.cpuTemperatureCelsius : cpuTemperatureCelsius,
                overrides.cpuIdlePercent != null ? overrides.cpuIdlePercent : cpuIdlePercent, merged,
                // A device's location goes with the devices that are read or simulated, never one without the other.
                overrides.usbDevices != null ? overrides.usbDeviceLocations : usbDeviceLocations);
    }

    /**
     * Whether a device with this vendor:product (and serial, when given) is attached; empty when unknown.
     *
     * @param vendorProduct {@code vvvv:pppp}, or {@code vvvv:pppp:serial} to ask for one device
     * @return the answer, or empty
     */
    public Optional<Boolean> usbDevicePresent(String vendorProduct) {
        if (usbDevices == null) {
            return Optional.empty();
        }
        for (String device : usbDevices) {
            if (usbIdMatches(device, vendorProduct)) {
                return Optional.of(true);
            }
        }
        return Optional.of(false);
    }

    /**
     * Whether an attached device's id matches what a condition or a device trigger asks for.
     *
     * @param deviceId the device, {@code vvvv:pppp} or {@code vvvv:pppp:serial}
     * @param wanted {@code vvvv:pppp}, which any serial matches, or {@code vvvv:pppp:serial}
     * @return true when vendor and product (and the serial, when asked for) are the same
     */
    public static boolean usbIdMatches(String deviceId, String wanted) {
        String[] parts = wanted.toLowerCase(Locale.ROOT).split(":", 3);
        String[] have = deviceId.toLowerCase(Locale.ROOT).split(":", 3);
        boolean withSerial = parts.length == 3;
        return parts.length >= 2 && have.length >= 2 && have[0].equals(parts[0]) && have[1].equals(parts[1])
                && (!withSerial || (have.length == 3 && have[2].equals(parts[2])));
    }

    /**
     * Whether a volume with this mount point or label is mounted; empty when unknown.
     *
     * @param mountPointOrLabel a mount point ({@code /mnt/rig}) or a label ({@code RIG})
     * @return the answer, or empty
     */
    public Optional<Boolean> volumeMounted(String mountPointOrLabel) {
        return volumes == null ? Optional.empty()
                : Optional.of(volumes.contains(mountPointOrLabel) || volumes.contains(trimmed(mountPointOrLabel)));
    }

    /**
     * Whether the named interface is up; empty when unknown.
     *
     * @param name the interface name
     * @return the answer, or empty
     */
    public Optional<Boolean> interfaceUp(String name) {
        return interfacesUp == null ? Optional.empty() : Optional.of(interfacesUp.contains(name));
    }

    /**
     * Whether this reading is known.
     *
     * @param signal the reading
     * @return true when a source (or a simulation) gave it
     */
    public boolean knows(HardwareSignal signal) {
        return switch (signal) {
            case USB_DEVICES -> usbDevices != null;
            case VOLUMES -> volumes != null;
            case INTERFACES -> interfacesUp != null;
            case CPU_TEMPERATURE -> cpuTemperatureCelsius != null;
            case CPU_IDLE -> cpuIdlePercent != null;
        };
    }

    /** A mount point written with a trailing slash names the same mount. */
    private static String trimmed(String mountPoint) {
        return mountPoint.length() > 1 && mountPoint.endsWith("/")
                ? mountPoint.substring(0, mountPoint.length() - 1) : mountPoint;
    }
}
