package dev.bgtasks.spi;

/**
 * A hardware reading that parameterised conditions are judged against (a rig's "device attached", "volume
 * mounted", "cool and quiet"). A backend that cannot read one leaves it unknown, and a condition on an unknown
 * reading holds under nothing.
 *
 * <pre>{@code
 * if (!platform.hardware().readable().contains(HardwareSignal.CPU_TEMPERATURE)) { ... }
 * }</pre>
 */
public enum HardwareSignal {
    /** The USB devices attached, by vendor:product and serial. */
    USB_DEVICES,
    /** The mounted volumes, by mount point and label. */
    VOLUMES,
    /** The network interfaces that are up, by name. */
    INTERFACES,
    /** The CPU package temperature in degrees Celsius. */
    CPU_TEMPERATURE,
    /** The share of CPU time spent idle, 0 to 100. */
    CPU_IDLE;

    /** {@return whether this reading is a measure a source has to poll (no OS sends events for it)} */
    public boolean polled() {
        return this == CPU_TEMPERATURE || this == CPU_IDLE;
    }
}
