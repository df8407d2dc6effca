package dev.bgtasks.macos.jna;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;

/**
 * The IOKit calls of the macOS signals: the IORegistry for {@code IOHIDSystem}'s idle time, the power sources
 * API of {@code <IOKit/ps/IOPowerSources.h>} and the matching notifications of USB devices. Hand-mapped: jna-platform's {@code com.sun.jna.platform.mac.IOKit}
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

    /** {@code kIOFirstMatchNotification}: a service was matched (and, at registration, those already matched). */
    String FIRST_MATCH_NOTIFICATION = "IOServiceFirstMatch";
    /** {@code kIOTerminatedNotification}: a matched service went away. */
    String TERMINATED_NOTIFICATION = "IOServiceTerminate";

    /**
     * {@code IOServiceMatchingCallback}: called on the run loop thread of the notification port with the iterator
     * of the notification, which must be iterated to the end to hear the next one.
     */
    interface ServiceMatched extends Callback {
        void invoke(Pointer refCon, int iterator);
    }

    /** Called on the run loop thread when any power source changes; {@code context} is what was registered. */
    interface PowerSourcesChanged extends Callback {
        void invoke(Pointer context);
    }

    /**
     * An owned matching dictionary that {@link #IOServiceGetMatchingService} and
     * {@link #IOServiceAddMatchingNotification} consume; null when it cannot be made.
     */
    Pointer IOServiceMatching(String className);

    /** Consumes {@code matching}; 0 when nothing matches; release the service with {@link #IOObjectRelease}. */
    int IOServiceGetMatchingService(int mainPort, Pointer matching);

    /** An owned CF object (release it), or null when the entry has no such property. */
    Pointer IORegistryEntryCreateCFProperty(int entry, Pointer key, Pointer allocator, int options);

    int IOObjectRelease(int object);

    /** An owned notification port (destroy it with {@link #IONotificationPortDestroy}), or null. */
    Pointer IONotificationPortCreate(int mainPort);

    /** Borrowed: the port owns its run loop source and releases it when destroyed. */
    Pointer IONotificationPortGetRunLoopSource(Pointer notifyPort);

    void IONotificationPortDestroy(Pointer notifyPort);

    /**
     * Registers {@code callback} for {@code notificationType} of the services {@code matching} (consumed) matches;
     * the iterator (release it) must be iterated once to arm the notification.
     *
     * @return {@code KERN_SUCCESS} (0) or an IOKit error
     */
    int IOServiceAddMatchingNotification(Pointer notifyPort, String notificationType, Pointer matching,
                                         ServiceMatched callback, Pointer refCon, IntByReference iterator);

    /** The next owned object of {@code iterator} (release it), or 0 at the end. */
    int IOIteratorNext(int iterator);

    /** The entry's registry-wide id, which stays readable after the service terminated. */
    int IORegistryEntryGetRegistryEntryID(int entry, LongByReference entryId);

    /** An owned snapshot of every power source (release it). */
    Pointer IOPSCopyPowerSourcesInfo();

    /** Borrowed from {@code snapshot}: "AC Power", "Battery Power" or "UPS Power"; null when unknown. */
    Pointer IOPSGetProvidingPowerSourceType(Pointer snapshot);

    int IOPSGetBatteryWarningLevel();

    /** An owned run loop source (invalidate and release it) that calls {@code callback} on every change. */
    Pointer IOPSNotificationCreateRunLoopSource(PowerSourcesChanged callback, Pointer context);
}
