package dev.bgtasks.nativetests.linux;

import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.messages.DBusSignal;

/**
 * A fake system service: its own connection to the test bus, its objects, its well-known names. Objects are
 * exported before the names are claimed, as real services do, so a client woken by {@code NameOwnerChanged} finds
 * them. {@link #close} drops the connection: the service disappears from the bus.
 */
class FakeService implements AutoCloseable {
    private final DBusConnection connection;

    FakeService(DBusTestBus bus) throws DBusException {
        this.connection = bus.connect();
    }

    <T extends FakeObject> T export(T object) throws DBusException {
        connection.exportObject(object.getObjectPath(), object);
        object.exportedOn(connection);
        return object;
    }

    FakeService claim(String... names) throws DBusException {
        for (String n : names) {
            connection.requestBusName(n);
        }
        return this;
    }

    void emit(DBusSignal signal) {
        connection.sendMessage(signal);
    }

    /**
     * Waits for a reply from the bus: the daemon handles one connection's messages in order, so everything this
     * service sent before has been passed on to its recipients.
     */
    void roundTrip() throws DBusException {
        connection.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class)
                .GetNameOwner("org.freedesktop.DBus");
    }

    String uniqueName() {
        return connection.getUniqueName();
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
