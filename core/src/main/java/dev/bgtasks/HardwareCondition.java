package dev.bgtasks;

import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parameterised hardware condition, AND-ed with a registration's {@link SystemCondition}s: a USB device attached,
 * a volume mounted, an interface up, the CPU cool or idle enough (SPEC H1–H6). A condition the host cannot read is
 * unknown and holds under nothing.
 *
 * <pre>{@code
 * bg.newTask().name("scope capture").command(List.of("/opt/rig/capture"))
 *         .setTrigger(bg.applicationTrigger())
 *         .addCondition(HardwareCondition.usbDevice("1d6b:0002"))
 *         .addCondition(HardwareCondition.cpuTemperatureBelow(70))
 *         .register();
 * HardwareCondition c = HardwareCondition.parse("volume-mounted=/mnt/rig");
 * }</pre>
 *
 * @param type what is asked of the hardware
 * @param argument the device, volume or interface, or the bound, in its canonical spelling
 */
public record HardwareCondition(Type type, String argument) {
    private static final Pattern USB_ID = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{4}(:[\\x20-\\x7e]{1,126})?");
    private static final int MAX_ARGUMENT = 1024;

    /** The kinds of hardware condition, each judged against one {@link HardwareSignal}. */
    public enum Type {
        /** A USB device with this {@code vendor:product} (and serial, when given) is attached. */
        USB_DEVICE(HardwareSignal.USB_DEVICES),
        /** A volume with this mount point or label is mounted. */
        VOLUME_MOUNTED(HardwareSignal.VOLUMES),
        /** The network interface of this name is up. */
        INTERFACE_UP(HardwareSignal.INTERFACES),
        /** The CPU temperature is below this bound, in degrees Celsius. */
        CPU_TEMPERATURE_BELOW(HardwareSignal.CPU_TEMPERATURE),
        /** The CPU idle share is above this bound, in percent. */
        CPU_IDLE_ABOVE(HardwareSignal.CPU_IDLE);

        private final HardwareSignal signal;

        Type(HardwareSignal signal) {
            this.signal = signal;
        }

        /** {@return the reading this kind of condition is judged against} */
        public HardwareSignal signal() {
            return signal;
        }

        /** {@return the spelling of the command line: {@code usb-device}, {@code cpu-idle-above}, …} */
        public String kebabCase() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Checks and canonicalises the argument (lower-case USB ids, plain numbers for bounds).
     *
     * @param type what is asked of the hardware
     * @param argument the device, volume or interface, or the bound
     * @throws IllegalArgumentException for an argument the type cannot mean
     */
    public HardwareCondition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(argument, "argument");
        argument = canonical(type, argument);
    }

    /**
     * A USB device with this vendor and product id is attached.
     *
     * @param vendorProduct {@code vvvv:pppp} in hex, e.g. {@code 1d6b:0002}
     * @return the condition
     */
    public static HardwareCondition usbDevice(String vendorProduct) {
        return new HardwareCondition(Type.USB_DEVICE, vendorProduct);
    }

    /**
     * One particular USB device, by vendor, product and serial number, is attached.
     *
     * @param vendorProduct {@code vvvv:pppp} in hex
     * @param serial the device's serial number
     * @return the condition
     */
    public static HardwareCondition usbDevice(String vendorProduct, String serial) {
        return new HardwareCondition(Type.USB_DEVICE, vendorProduct + ":" + serial);
    }

    /**
     * A volume is mounted, named by its mount point ({@code /mnt/rig}, {@code E:\}) or its label ({@code RIG}).
     *
     * @param mountPointOrLabel the mount point or the label
     * @return the condition
     */
    public static HardwareCondition volumeMounted(String mountPointOrLabel) {
        return new HardwareCondition(Type.VOLUME_MOUNTED, mountPointOrLabel);
    }

    /**
     * The network interface of this name is up.
     *
     * @param name e.g. {@code eth0}
     * @return the condition
     */
    public static HardwareCondition interfaceUp(String name) {
        return new HardwareCondition(Type.INTERFACE_UP, name);
    }

    /**
     * The CPU temperature is below this bound.
     *
     * @param celsius the bound, in degrees Celsius
     * @return the condition
     */
    public static HardwareCondition cpuTemperatureBelow(double celsius) {
        return new HardwareCondition(Type.CPU_TEMPERATURE_BELOW, Double.toString(celsius));
    }

    /**
     * The CPU is idle more than this share of the time.
     *
     * @param percent the bound, 0 to 100
     * @return the condition
     */
    public static HardwareCondition cpuIdleAbove(double percent) {
        return new HardwareCondition(Type.CPU_IDLE_ABOVE, Double.toString(percent));
    }

    /**
     * Parses the command line's spelling, {@code usb-device=1d6b:0002}.
     *
     * @param text {@code kind=argument}
     * @return the condition
     * @throws IllegalArgumentException naming the valid kinds, or what is wrong with the argument
     */
    public static HardwareCondition parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a hardware condition is KIND=ARGUMENT, e.g. usb-device=1d6b:0002; got '"
                    + text + "'");
        }
        return new HardwareCondition(typeOf(text.substring(0, eq)), text.substring(eq + 1));
    }

    /**
     * Whether {@code text} names a hardware condition kind ({@code usb-device=…}) rather than a system condition.
     *
     * @param text a condition as written on the command line
     * @return true when its kind is a hardware one
     */
    public static boolean isHardware(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            return false;
        }
        try {
            typeOf(text.substring(0, eq));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Type typeOf(String kind) {
        String normalized = kind.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Type t : Type.values()) {
            if (t.name().equals(normalized)) {
                return t;
            }
        }
        StringBuilder valid = new StringBuilder();
        for (Type t : Type.values()) {
            valid.append(valid.length() == 0 ? "" : ", ").append(t.kebabCase());
        }
        throw new IllegalArgumentException("unknown hardware condition '" + kind + "'; valid: " + valid);
    }

    /** {@return the command line's spelling, {@code usb-device=1d6b:0002}; also the key of a simulated verdict} */
    public String spelling() {
        return type.kebabCase() + "=" + argument;
    }

    @Override
    public String toString() {
        return spelling();
    }

    /**
     * The verdict under {@code signals}: a simulated verdict for this spelling wins, else the reading decides;
     * empty when the reading is unknown.
     *
     * @param signals the host signals with their hardware readings
     * @return true or false, or empty when unknown
     */
    public Optional<Boolean> verdictUnder(SignalSnapshot signals) {
        HardwareReadings readings = signals.hardware();
        Boolean simulated = readings.conditionOverrides().get(spelling());
        if (simulated != null) {
            return Optional.of(simulated);
        }
        return switch (type) {
            case USB_DEVICE -> readings.usbDevicePresent(argument);
            case VOLUME_MOUNTED -> readings.volumeMounted(argument);
            case INTERFACE_UP -> readings.interfaceUp(argument);
            case CPU_TEMPERATURE_BELOW -> Optional.ofNullable(readings.cpuTemperatureCelsius())
                    .map(t -> t < bound());
            case CPU_IDLE_ABOVE -> Optional.ofNullable(readings.cpuIdlePercent()).map(idle -> idle > bound());
        };
    }

    /**
     * Whether the condition holds under {@code signals}; an unknown reading satisfies nothing (SPEC H1).
     *
     * @param signals the host signals with their hardware readings
     * @return true only when known to hold
     */
    public boolean holdsUnder(SignalSnapshot signals) {
        return verdictUnder(signals).orElse(false);
    }

    private double bound() {
        return Double.parseDouble(argument);
    }

    private static String canonical(Type type, String argument) {
        String trimmed = argument.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_ARGUMENT || trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(type.kebabCase() + " needs an argument of 1 to " + MAX_ARGUMENT
                    + " printable characters, got '" + argument + "'");
        }
        switch (type) {
            case USB_DEVICE -> {
                String[] parts = trimmed.split(":", 3);
                String id = parts.length < 2 ? trimmed : parts[0].toLowerCase(Locale.ROOT) + ":"
                        + parts[1].toLowerCase(Locale.ROOT) + (parts.length == 3 ? ":" + parts[2] : "");
                if (!USB_ID.matcher(id).matches()) {
                    throw new IllegalArgumentException("usb-device needs VENDOR:PRODUCT in hex (e.g. 1d6b:0002),"
                            + " optionally :SERIAL, got '" + argument + "'");
                }
                return id;
            }
            case INTERFACE_UP -> {
                if (trimmed.length() > 256 || trimmed.contains("/")) {
                    throw new IllegalArgumentException("interface-up needs an interface name, got '" + argument + "'");
                }
                return trimmed;
            }
            case CPU_TEMPERATURE_BELOW, CPU_IDLE_ABOVE -> {
                double value;
                try {
                    value = Double.parseDouble(trimmed);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(type.kebabCase() + " needs a number, got '" + argument + "'",
                            e);
                }
                double min = type == Type.CPU_IDLE_ABOVE ? 0 : -50;
                double max = type == Type.CPU_IDLE_ABOVE ? 100 : 150;
                if (!(value >= min && value <= max)) {
                    throw new IllegalArgumentException(type.kebabCase() + " needs a number from " + (int) min
                            + " to " + (int) max + ", got '" + argument + "'");
                }
                return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
            }
            default -> {
                return trimmed;
            }
        }
    }
}
