package dev.bgtasks;

import java.util.Objects;

/**
 * Fires when a matching USB device is attached, and with {@code onDetach} when one is detached too (UWP
 * {@code DeviceWatcherTrigger}, SPEC H8). The device is named as {@link HardwareCondition#usbDevice(String)} names
 * it: {@code vvvv:pppp} in hex, optionally {@code :serial}. Attach and detach events come from the same sources as
 * the hardware conditions (kernel uevents on Linux); a device already attached when the task is registered or the
 * broker starts does not fire. The instance's arguments say which device it was: {@code event} ({@code attached}
 * or {@code detached}), {@code deviceId}, {@code vendorId}, {@code productId}, {@code serialNumber} and
 * {@code devicePath} when known, {@code simulated} for a simulated verdict.
 *
 * <pre>{@code
 * bg.newTask().name("capture").command(List.of("/opt/rig/capture"))
 *         .setTrigger(DeviceTrigger.attached("1d6b:0002").alsoOnDetach())
 *         .register();
 * // in the task: instance.triggerDetails().arguments().get("devicePath")
 * }</pre>
 *
 * @param usbDevice {@code vvvv:pppp} or {@code vvvv:pppp:serial}, in its canonical spelling (hex in lower case)
 * @param onDetach fire when a matching device is detached, too
 * @param oneShot fire once only
 */
public record DeviceTrigger(String usbDevice, boolean onDetach, boolean oneShot) implements BackgroundTrigger {
    /**
     * Checks and canonicalises the device as a {@code usb-device} condition does.
     *
     * @param usbDevice {@code vvvv:pppp[:serial]}
     * @param onDetach fire on detach too
     * @param oneShot fire once only
     * @throws IllegalArgumentException for a device that is not {@code vvvv:pppp[:serial]}
     */
    public DeviceTrigger {
        Objects.requireNonNull(usbDevice, "usbDevice");
        usbDevice = HardwareCondition.usbDevice(usbDevice).argument();
    }

    /**
     * Fires each time a device with this vendor:product is attached.
     *
     * @param vendorProduct {@code vvvv:pppp} in hex, or {@code vvvv:pppp:serial}
     * @return the trigger
     */
    public static DeviceTrigger attached(String vendorProduct) {
        return new DeviceTrigger(vendorProduct, false, false);
    }

    /**
     * Fires each time the one device with this vendor:product and serial is attached.
     *
     * @param vendorProduct {@code vvvv:pppp} in hex
     * @param serial the device's serial number
     * @return the trigger
     */
    public static DeviceTrigger attached(String vendorProduct, String serial) {
        return new DeviceTrigger(vendorProduct + ":" + serial, false, false);
    }

    /** {@return this trigger, firing when a matching device is detached too} */
    public DeviceTrigger alsoOnDetach() {
        return new DeviceTrigger(usbDevice, true, oneShot);
    }

    /** {@return this trigger, firing once only} */
    public DeviceTrigger once() {
        return new DeviceTrigger(usbDevice, onDetach, true);
    }
}
