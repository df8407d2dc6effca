package dev.bgtasks.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code objc_msgSend} for messages that return {@code BOOL}, mapped to return a {@code byte}: only the low byte of
 * the return register is defined, so any nonzero byte is YES.
 *
 * <pre>{@code
 * boolean low = bools.objc_msgSend(processInfo, objc.sel_registerName("isLowPowerModeEnabled")) != 0;
 * }</pre>
 */
interface ObjCBoolMessages extends Library {
    static ObjCBoolMessages load() {
        return Native.load("objc", ObjCBoolMessages.class);
    }

    /** {@code BOOL objc_msgSend(id, SEL)}. */
    byte objc_msgSend(Pointer receiver, Pointer selector);

    /** {@code BOOL objc_msgSend(id, SEL, SEL)}, for {@code respondsToSelector:}. */
    byte objc_msgSend(Pointer receiver, Pointer selector, Pointer argument);
}
