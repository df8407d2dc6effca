package dev.bgtasks.macos.signals;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationValues;
import dev.bgtasks.macos.jna.IOKitLib;
import java.util.Objects;
import java.util.Optional;

/**
 * Nanoseconds since the last keyboard, mouse or trackpad input: the {@code HIDIdleTime} property of the
 * {@code IOHIDSystem} registry entry. Works from agents and daemons alike. Each read matches the service, copies the
 * property and releases both, so nothing is held between polls.
 *
 * <pre>{@code
 * Optional<Long> idle = new IOKitIdleTime(iokit, values).idleNanos();
 * }</pre>
 */
final class IOKitIdleTime {
    static final String SERVICE = "IOHIDSystem";
    static final String PROPERTY = "HIDIdleTime";

    private final IOKitLib iokit;
    private final CoreFoundationValues cf;

    IOKitIdleTime(IOKitLib iokit, CoreFoundationValues cf) {
        this.iokit = Objects.requireNonNull(iokit, "iokit");
        this.cf = Objects.requireNonNull(cf, "cf");
    }

    /** The idle time, empty when the service or property is missing or not a 64-bit number. */
    Optional<Long> idleNanos() {
        // IOServiceGetMatchingService consumes the matching dictionary, so it is never released here.
        Pointer matching = iokit.IOServiceMatching(SERVICE);
        if (matching == null) {
            return Optional.empty();
        }
        int service = iokit.IOServiceGetMatchingService(IOKitLib.MAIN_PORT_DEFAULT, matching);
        if (service == 0) {
            return Optional.empty();
        }
        try {
            Pointer key = cf.createString(PROPERTY);
            Pointer value = null;
            try {
                value = iokit.IORegistryEntryCreateCFProperty(service, key, null, 0);
                return cf.int64(value);
            } finally {
                cf.release(value);
                cf.release(key);
            }
        } finally {
            iokit.IOObjectRelease(service);
        }
    }
}
