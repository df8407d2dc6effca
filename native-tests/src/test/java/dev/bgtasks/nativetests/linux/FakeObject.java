package dev.bgtasks.nativetests.linux;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.errors.PropertyReadOnly;
import org.freedesktop.dbus.errors.UnknownInterface;
import org.freedesktop.dbus.errors.UnknownProperty;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * An exported object of a fake service: read-only properties of one or more interfaces behind
 * {@code org.freedesktop.DBus.Properties}, which a test changes with {@link #set} (emitting {@code PropertiesChanged}
 * as the real services do) or {@link #invalidate} (emitting the invalidated form). Subclasses add the real
 * interfaces' marker types and methods.
 */
class FakeObject implements Properties {
    private final String path;
    private final Map<String, Map<String, Variant<?>>> properties = new ConcurrentHashMap<>();
    private volatile DBusConnection connection;

    FakeObject(String path) {
        this.path = path;
    }

    @Override
    public String getObjectPath() {
        return path;
    }

    void exportedOn(DBusConnection c) {
        this.connection = c;
    }

    /** Sets a value before export, without a signal. */
    FakeObject with(String iface, String name, Object value) {
        properties.computeIfAbsent(iface, k -> new ConcurrentHashMap<>()).put(name, new Variant<>(value));
        return this;
    }

    /** Changes a value and emits {@code PropertiesChanged} with it. */
    void set(String iface, String name, Object value) throws DBusException {
        Variant<?> v = new Variant<>(value);
        properties.computeIfAbsent(iface, k -> new ConcurrentHashMap<>()).put(name, v);
        connection.sendMessage(new PropertiesChanged(path, iface, Map.of(name, v), List.of()));
    }

    /** Changes a value and emits {@code PropertiesChanged} naming it invalidated, without the value. */
    void invalidate(String iface, String name, Object value) throws DBusException {
        properties.computeIfAbsent(iface, k -> new ConcurrentHashMap<>()).put(name, new Variant<>(value));
        connection.sendMessage(new PropertiesChanged(path, iface, Map.of(), List.of(name)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> A Get(String iface, String name) {
        Variant<?> v = interfaceProperties(iface).get(name);
        if (v == null) {
            throw new UnknownProperty(iface + "." + name);
        }
        return (A) v.getValue();
    }

    @Override
    public <A> void Set(String iface, String name, A value) {
        throw new PropertyReadOnly(iface + "." + name);
    }

    @Override
    public Map<String, Variant<?>> GetAll(String iface) {
        return new HashMap<>(interfaceProperties(iface));
    }

    private Map<String, Variant<?>> interfaceProperties(String iface) {
        Map<String, Variant<?>> p = properties.get(iface);
        if (p == null) {
            throw new UnknownInterface(iface);
        }
        return p;
    }
}
