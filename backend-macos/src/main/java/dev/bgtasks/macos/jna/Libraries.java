package dev.bgtasks.macos.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where every macOS binding is loaded: on its first use, once, and then kept. Nothing in this package loads a library
 * while a class is initialised: the interfaces and their structures are used (and mocked) on every OS, and JNA loads
 * a library to lay out a nested structure when the interface itself holds the instance. A load that fails is not
 * remembered, so the next call fails again with the real cause rather than a {@code NoClassDefFoundError}.
 *
 * <pre>{@code
 * static CoreFoundationLib instance() {
 *     return Libraries.load("CoreFoundation", CoreFoundationLib.class);
 * }
 * }</pre>
 */
final class Libraries {
    private static final Map<Class<?>, Library> BINDINGS = new ConcurrentHashMap<>();
    /** Frameworks loaded for their side effect; held because JNA holds its libraries weakly. */
    private static final Map<String, NativeLibrary> KEPT = new ConcurrentHashMap<>();

    private Libraries() {
    }

    /** The binding {@code type} of the library {@code name}, loaded on the first call. */
    static <T extends Library> T load(String name, Class<T> type) {
        return type.cast(BINDINGS.computeIfAbsent(type, t -> Native.load(name, type)));
    }

    /**
     * Loads {@code name} and keeps it loaded for good: a collected {@link NativeLibrary} would close the framework
     * under the code that relies on it (the Objective-C runtime's class list).
     */
    static void keepLoaded(String name) {
        KEPT.computeIfAbsent(name, NativeLibrary::getInstance);
    }
}
