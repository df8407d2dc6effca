package dev.bgtasks.macos.signals;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.ObjCLib;
import java.util.Objects;
import java.util.Optional;

/**
 * Low Power Mode from {@code NSProcessInfo.processInfo.isLowPowerModeEnabled} (macOS 12+) through the Objective-C
 * runtime. Foundation must be loaded before {@code objc_getClass("NSProcessInfo")}, which is null otherwise; the BOOL
 * answer comes back through {@link ObjCLib.BoolMessages} as a byte. Each read runs inside an autorelease pool.
 *
 * <pre>{@code
 * FoundationLowPowerMode lpm = new FoundationLowPowerMode(ObjCLib::loadFoundation, ObjCLib.instance(),
 *         ObjCLib.BoolMessages.instance());
 * if (lpm.open().isEmpty()) { boolean low = lpm.lowPowerMode().orElse(false); }
 * }</pre>
 */
final class FoundationLowPowerMode implements PowerModeReader {
    private final Runnable loadFoundation;
    private final ObjCLib objc;
    private final ObjCLib.BoolMessages bools;
    private Pointer processInfoClass;
    private Pointer processInfoSelector;
    private Pointer lowPowerSelector;

    /**
     * @param loadFoundation loads the Foundation framework (the real one keeps its NativeLibrary loaded for good)
     */
    FoundationLowPowerMode(Runnable loadFoundation, ObjCLib objc, ObjCLib.BoolMessages bools) {
        this.loadFoundation = Objects.requireNonNull(loadFoundation, "loadFoundation");
        this.objc = Objects.requireNonNull(objc, "objc");
        this.bools = Objects.requireNonNull(bools, "bools");
    }

    /**
     * Loads Foundation, finds the class and selectors, and asks {@code respondsToSelector:}.
     *
     * @return empty when usable, else why not
     */
    synchronized Optional<String> open() {
        try {
            loadFoundation.run();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("Foundation cannot be loaded: " + e.getMessage());
        }
        Pointer cls = objc.objc_getClass("NSProcessInfo");
        if (cls == null) {
            return Optional.of("objc_getClass(\"NSProcessInfo\") is null");
        }
        Pointer processInfo = objc.sel_registerName("processInfo");
        Pointer lowPower = objc.sel_registerName("isLowPowerModeEnabled");
        Pointer responds = objc.sel_registerName("respondsToSelector:");
        Pointer pool = objc.objc_autoreleasePoolPush();
        try {
            Pointer info = objc.objc_msgSend(cls, processInfo);
            if (info == null) {
                return Optional.of("[NSProcessInfo processInfo] is nil");
            }
            if (bools.objc_msgSend(info, responds, lowPower) == 0) {
                return Optional.of("NSProcessInfo has no isLowPowerModeEnabled (before macOS 12)");
            }
        } finally {
            objc.objc_autoreleasePoolPop(pool);
        }
        processInfoClass = cls;
        processInfoSelector = processInfo;
        lowPowerSelector = lowPower;
        return Optional.empty();
    }

    @Override
    public synchronized Optional<Boolean> lowPowerMode() {
        if (processInfoClass == null) {
            return Optional.empty();
        }
        Pointer pool = objc.objc_autoreleasePoolPush();
        try {
            Pointer info = objc.objc_msgSend(processInfoClass, processInfoSelector);
            if (info == null) {
                return Optional.empty();
            }
            return Optional.of(bools.objc_msgSend(info, lowPowerSelector) != 0);
        } finally {
            objc.objc_autoreleasePoolPop(pool);
        }
    }

    @Override
    public String describe() {
        return "NSProcessInfo.isLowPowerModeEnabled (Objective-C runtime)";
    }
}
