package dev.bgtasks.linux.dbus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.Struct;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.UInt64;
import org.freedesktop.dbus.types.Variant;

/**
 * Reads D-Bus values as dbus-java delivers them (unsigned types as {@code UInt32}/{@code UInt64}, variants, structs
 * as arrays or {@link Struct}s) into plain Java ones. A value of the wrong type reads as absent, never as a default:
 * a service that changed a property's type is a service bgtasks does not understand.
 */
final class DBusValues {
    private DBusValues() {
    }

    /** Strips the variants of a GetAll reply or a PropertiesChanged body. */
    static Map<String, Object> unwrap(Map<String, Variant<?>> properties) {
        Map<String, Object> out = new HashMap<>();
        properties.forEach((k, v) -> {
            if (k != null && v != null && v.getValue() != null) {
                out.put(k, v.getValue());
            }
        });
        return out;
    }

    static Optional<Long> unsigned(Object value) {
        if (value instanceof UInt32 u) {
            return Optional.of(u.longValue());
        }
        if (value instanceof UInt16 u) {
            return Optional.of(u.longValue());
        }
        if (value instanceof UInt64 u) {
            // Above Long.MAX_VALUE only in theory (timestamps in µs); clamp rather than wrap negative.
            return Optional.of(u.value().bitLength() > 63 ? Long.MAX_VALUE : u.longValue());
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Optional.of(((Number) value).longValue());
        }
        return Optional.empty();
    }

    static Optional<Boolean> bool(Object value) {
        return value instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    static Optional<String> string(Object value) {
        return value instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** The object path of a value: an {@code o}, or the path member of a struct such as logind's {@code (so)}. */
    static Optional<String> objectPath(Object value) {
        if (value instanceof DBusPath p) {
            return Optional.ofNullable(p.getPath());
        }
        Object[] members = null;
        if (value instanceof Object[] a) {
            members = a;
        } else if (value instanceof List<?> l) {
            members = l.toArray();
        } else if (value instanceof Struct s) {
            members = s.getParameters();
        }
        if (members != null) {
            for (Object m : members) {
                if (m instanceof DBusPath p) {
                    return Optional.ofNullable(p.getPath());
                }
            }
        }
        return Optional.empty();
    }
}
