package dev.bgtasks.macos.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

/**
 * The CoreFoundation calls the macOS signals make, hand-mapped over plain pointers so that tests can mock them and
 * count releases. jna-platform's {@code com.sun.jna.platform.mac.CoreFoundation} has the same value calls, but it
 * binds its library when the interface is first touched and its convenience methods ({@code CFTypeRef.release()},
 * {@code CFStringRef.stringValue()}) call that instance directly, so nothing above them can be tested off a Mac; it
 * also has no run loop.
 *
 * <pre>{@code
 * CoreFoundationLib cf = CoreFoundationLib.instance();
 * Pointer key = cf.CFStringCreateWithCString(null, "HIDIdleTime", CoreFoundationLib.UTF8);
 * try { ... } finally { cf.CFRelease(key); }
 * }</pre>
 *
 * <p>CFIndex and CFTypeID are 64-bit on every 64-bit Mac, so they are Java {@code long}; Boolean is one byte.
 */
public interface CoreFoundationLib extends Library {
    /** {@code kCFStringEncodingUTF8}. */
    int UTF8 = 0x08000100;
    /** {@code kCFNumberSInt64Type}. */
    long NUMBER_SINT64 = 4;
    /** {@code kCFRunLoopRunFinished}: the run loop has no sources or timers, so it returned at once. */
    int RUN_FINISHED = 1;

    /**
     * The loaded framework, loaded on the first call (only on macOS) and kept: see {@link Libraries}.
     *
     * @return the binding
     */
    static CoreFoundationLib instance() {
        return Libraries.load("CoreFoundation", CoreFoundationLib.class);
    }

    void CFRelease(Pointer object);

    /** Takes one more reference to {@code object}, to be released with {@link #CFRelease}; returns it. */
    Pointer CFRetain(Pointer object);

    /** An owned CFString (release it); {@code allocator} null is the default allocator. */
    Pointer CFStringCreateWithCString(Pointer allocator, String text, int encoding);

    long CFStringGetLength(Pointer string);

    long CFStringGetMaximumSizeForEncoding(long length, int encoding);

    byte CFStringGetCString(Pointer string, byte[] buffer, long bufferSize, int encoding);

    long CFGetTypeID(Pointer object);

    long CFStringGetTypeID();

    long CFBooleanGetTypeID();

    long CFNumberGetTypeID();

    long CFDataGetTypeID();

    long CFDictionaryGetTypeID();

    /** Borrowed: the dictionary owns the value. */
    Pointer CFDictionaryGetValue(Pointer dictionary, Pointer key);

    byte CFBooleanGetValue(Pointer bool);

    byte CFNumberGetValue(Pointer number, long type, LongByReference value);

    long CFDataGetLength(Pointer data);

    /** Borrowed: the data object owns the bytes. */
    Pointer CFDataGetBytePtr(Pointer data);

    /** Borrowed: the current thread's run loop. */
    Pointer CFRunLoopGetCurrent();

    void CFRunLoopAddSource(Pointer runLoop, Pointer source, Pointer mode);

    /**
     * Runs the current thread's run loop in {@code mode} for at most {@code seconds}; returns why it stopped
     * ({@link #RUN_FINISHED}, 2 stopped, 3 timed out, 4 handled a source).
     */
    int CFRunLoopRunInMode(Pointer mode, double seconds, byte returnAfterSourceHandled);

    void CFRunLoopStop(Pointer runLoop);

    void CFRunLoopWakeUp(Pointer runLoop);

    void CFRunLoopSourceInvalidate(Pointer source);
}
