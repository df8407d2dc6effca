package dev.bgtasks.macos.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed reads of CoreFoundation values over {@link CoreFoundationLib}. Every CFString it creates for a key is
 * released before it returns; values it hands back are plain Java, so no CF object escapes. A value of another type
 * than asked for reads as empty, never as a guess.
 *
 * <pre>{@code
 * CoreFoundationValues values = new CoreFoundationValues(cf);
 * Optional<String> primary = values.stringIn(ipv4, "PrimaryInterface");
 * }</pre>
 */
public final class CoreFoundationValues {
    private final CoreFoundationLib cf;

    public CoreFoundationValues(CoreFoundationLib cf) {
        this.cf = Objects.requireNonNull(cf, "cf");
    }

    /** An owned CFString; the caller releases it. */
    public Pointer createString(String text) {
        Pointer string = cf.CFStringCreateWithCString(null, text, CoreFoundationLib.UTF8);
        if (string == null) {
            throw new IllegalStateException("CFStringCreateWithCString failed for " + text);
        }
        return string;
    }

    /** Releases {@code object} when it is not null. */
    public void release(Pointer object) {
        if (object != null) {
            cf.CFRelease(object);
        }
    }

    public boolean isDictionary(Pointer object) {
        return object != null && cf.CFGetTypeID(object) == cf.CFDictionaryGetTypeID();
    }

    /** The borrowed value under {@code key}, or null. */
    public Pointer valueIn(Pointer dictionary, String key) {
        Pointer cfKey = createString(key);
        try {
            return cf.CFDictionaryGetValue(dictionary, cfKey);
        } finally {
            cf.CFRelease(cfKey);
        }
    }

    public Optional<String> stringIn(Pointer dictionary, String key) {
        return string(valueIn(dictionary, key));
    }

    public Optional<Boolean> booleanIn(Pointer dictionary, String key) {
        return bool(valueIn(dictionary, key));
    }

    public Optional<String> string(Pointer value) {
        if (value == null || cf.CFGetTypeID(value) != cf.CFStringGetTypeID()) {
            return Optional.empty();
        }
        long length = cf.CFStringGetLength(value);
        long size = cf.CFStringGetMaximumSizeForEncoding(length, CoreFoundationLib.UTF8) + 1;
        if (size <= 0 || size > 1 << 20) {
            return Optional.empty();
        }
        byte[] buffer = new byte[(int) size];
        if (cf.CFStringGetCString(value, buffer, size, CoreFoundationLib.UTF8) == 0) {
            return Optional.empty();
        }
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return Optional.of(new String(buffer, 0, end, StandardCharsets.UTF_8));
    }

    public Optional<Boolean> bool(Pointer value) {
        if (value == null || cf.CFGetTypeID(value) != cf.CFBooleanGetTypeID()) {
            return Optional.empty();
        }
        return Optional.of(cf.CFBooleanGetValue(value) != 0);
    }

    /** A CFNumber as a 64-bit integer, or 8 bytes of CFData in native order (older IOHIDSystem idle times). */
    public Optional<Long> int64(Pointer value) {
        if (value == null) {
            return Optional.empty();
        }
        long type = cf.CFGetTypeID(value);
        if (type == cf.CFNumberGetTypeID()) {
            LongByReference out = new LongByReference();
            return cf.CFNumberGetValue(value, CoreFoundationLib.NUMBER_SINT64, out) != 0
                    ? Optional.of(out.getValue()) : Optional.empty();
        }
        if (type == cf.CFDataGetTypeID() && cf.CFDataGetLength(value) == Long.BYTES) {
            Pointer bytes = cf.CFDataGetBytePtr(value);
            return bytes == null ? Optional.empty() : Optional.of(bytes.getLong(0));
        }
        return Optional.empty();
    }
}
