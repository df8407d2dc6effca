package dev.bgtasks.macos;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The Objective-C runtime calls for messages that return an object or nothing. A message returning {@code BOOL}
 * goes through {@link ObjCBoolMessages} instead: the same {@code objc_msgSend} symbol, mapped to return a byte,
 * because BOOL is a {@code signed char} on x86_64 and a {@code bool} on arm64 and the rest of the return register
 * holds garbage.
 *
 * <pre>{@code
 * Pointer cls = objc.objc_getClass("NSProcessInfo");
 * Pointer info = objc.objc_msgSend(cls, objc.sel_registerName("processInfo"));
 * }</pre>
 */
interface ObjCRuntimeLib extends Library {
    static ObjCRuntimeLib load() {
        return Native.load("objc", ObjCRuntimeLib.class);
    }

    /** Null until the framework that defines the class is loaded. */
    Pointer objc_getClass(String name);

    Pointer sel_registerName(String name);

    /** {@code id objc_msgSend(id, SEL)}, for messages that return an object. */
    Pointer objc_msgSend(Pointer receiver, Pointer selector);

    Pointer objc_autoreleasePoolPush();

    void objc_autoreleasePoolPop(Pointer pool);
}
