package dev.bgtasks.macos.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * libobjc, the Objective-C runtime: its calls for messages that return an object or nothing. A message returning
 * {@code BOOL} goes through {@link BoolMessages} instead: the same {@code objc_msgSend} symbol, mapped to return a
 * byte, because BOOL is a {@code signed char} on x86_64 and a {@code bool} on arm64 and the rest of the return
 * register holds garbage. Java cannot overload on the return type, so that is the one library with two interfaces,
 * and the second one is nested here.
 *
 * <pre>{@code
 * ObjCLib objc = ObjCLib.instance();
 * ObjCLib.loadFoundation();
 * Pointer cls = objc.objc_getClass("NSProcessInfo");
 * Pointer info = objc.objc_msgSend(cls, objc.sel_registerName("processInfo"));
 * }</pre>
 */
public interface ObjCLib extends Library {
    /**
     * The loaded runtime, loaded on the first call (only on macOS) and kept: see {@link Libraries}.
     *
     * @return the binding
     */
    static ObjCLib instance() {
        return Libraries.load("objc", ObjCLib.class);
    }

    /**
     * Loads Foundation so that {@code objc_getClass("NSProcessInfo")} finds the class, and keeps it loaded: JNA holds
     * its libraries weakly, and a collected NativeLibrary would close the framework under the runtime.
     */
    static void loadFoundation() {
        Libraries.keepLoaded("Foundation");
    }

    /**
     * {@code objc_msgSend} for messages that return {@code BOOL}, mapped to return a {@code byte}: only the low byte
     * of the return register is defined, so any nonzero byte is YES.
     *
     * <pre>{@code
     * boolean low = bools.objc_msgSend(processInfo, objc.sel_registerName("isLowPowerModeEnabled")) != 0;
     * }</pre>
     */
    interface BoolMessages extends Library {
        /**
         * The runtime bound for BOOL answers, loaded on the first call (only on macOS) and kept.
         *
         * @return the binding
         */
        static BoolMessages instance() {
            return Libraries.load("objc", BoolMessages.class);
        }

        /** {@code BOOL objc_msgSend(id, SEL)}. */
        byte objc_msgSend(Pointer receiver, Pointer selector);

        /** {@code BOOL objc_msgSend(id, SEL, SEL)}, for {@code respondsToSelector:}. */
        byte objc_msgSend(Pointer receiver, Pointer selector, Pointer argument);
    }

    /** Null until the framework that defines the class is loaded. */
    Pointer objc_getClass(String name);

    Pointer sel_registerName(String name);

    /** {@code id objc_msgSend(id, SEL)}, for messages that return an object. */
    Pointer objc_msgSend(Pointer receiver, Pointer selector);

    Pointer objc_autoreleasePoolPush();

    void objc_autoreleasePoolPop(Pointer pool);
}
