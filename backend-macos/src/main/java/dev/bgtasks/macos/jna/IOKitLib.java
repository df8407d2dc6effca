package dev.bgtasks.macos.jna;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The IOKit calls of the macOS signals: the IORegistry for {@code IOHIDSystem}'s idle time and the power sources
 * API of {@code <IOKit/ps/IOPowerSources.h>}. Hand-mapped: jna-platform's {@code com.sun.jna.platform.mac.IOKit}
 * has the registry and {@code IOPSCopyPowerSourcesInfo} but not {@code IOPSGetProvidingPowerSourceType},
 * {@code IOPSGetBatteryWarningLevel} nor {@code IOPSNotificationCreateRunLoopSource}, and, like its CoreFoundation,
 * binds its library on first touch so nothing over it can be mocked. Registry objects ({@code io_object_t}) are
 * 32-bit Mach ports, so they are {@code int} here.
 *
 * <pre>{@code
 * IOKitLib iokit = IOKitLib.instance();
 * int level = iokit.IOPSGetBatteryWarningLevel();   // 1 none, 2 early, 3 final
 * }</pre>
 */
public interface IOKitLib extends Library {
    /** {@code kIOMainPortDefault} (formerly {@code kIOMasterPortDefault}). */
    int MAIN_PORT_DEFAULT = 0;
    /** {@code kIOPSLowBatteryWarningNone}. */
    int WARNING_NONE = 1;
    /** {@code kIOPSLowBatteryWarningEarly}: below 22 % on battery. */
    int WARNING_EARLY = 2;
    /** {@code kIOPSLowBatteryWarningFinal}: about 10 minutes left. */
    int WARNING_FINAL = 3;

    /**
     * The loaded framework, loaded on the first call (only on macOS) and kept: see {@link Libraries}.
     *
     * @return the binding
     */
    static IOKitLib instance() {
        return Libraries.load("IOKit", IOKitLib.class);
    }

    /** Called on the run loop thread when any power source changes; {@code context} is what was registered. */
    interface PowerSourcesChanged extends Callback {
        void invoke(Pointer context);
    }

    /** An owned matching dictionary that {@link #IOServiceGetMatchingService} consumes. */
    Pointer IOServiceMatching(String className);

    /** Consumes {@code matching}; 0 when nothing matches; release the service with {@link #IOObjectRelease}. */
    int IOServiceGetMatchingService(int mainPort, Pointer matching);

    /** An owned CF object (release it), or null when the entry has no such property. */
    Pointer IORegistryEntryCreateCFProperty(int entry, Pointer key, Pointer allocator, int options);

    int IOObjectRelease(int object);

    /** An owned snapshot of every power source (release it). */
    Pointer IOPSCopyPowerSourcesInfo();

    /** Borrowed from {@code snapshot}: "AC Power", "Battery Power" or "UPS Power"; null when unknown. */
    Pointer IOPSGetProvidingPowerSourceType(Pointer snapshot);

    int IOPSGetBatteryWarningLevel();

    /** An owned run loop source (invalidate and release it) that calls {@code callback} on every change. */
    Pointer IOPSNotificationCreateRunLoopSource(PowerSourcesChanged callback, Pointer context);
}
