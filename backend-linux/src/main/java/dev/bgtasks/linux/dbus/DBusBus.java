package dev.bgtasks.linux.dbus;

import java.util.Optional;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.messages.DBusSignal;

/**
 * What a D-Bus signal source needs from one connected bus: proxies, the owner of a name, and signal subscriptions.
 * {@link DBusConnector} implements it over a dbus-java connection; unit tests mock it.
 *
 * <p>Every method may block on a round trip to the bus, so sources call them only on their own thread.
 */
interface DBusBus {
    /** The address this bus was reached at, for {@code describe()}. */
    String address();

    /**
     * A proxy of a remote object. {@code autostart} false sets NO_AUTO_START on its calls: bgtasks watches system
     * services, it never starts them (NetworkManager is D-Bus activatable on some distributions).
     */
    <T extends DBusInterface> T remote(String busName, String path, Class<T> type, boolean autostart)
            throws DBusException;

    /** The unique name owning {@code busName} now, empty when nobody does. */
    Optional<String> nameOwner(String busName);

    /** Subscribes a typed handler (dbus-java builds the signal class named by the rule's type). */
    <T extends DBusSignal> AutoCloseable onSignal(DBusMatchRule rule, DBusSigHandler<T> handler) throws DBusException;

    /**
     * Subscribes a handler that receives the raw signal. Used for signals whose arguments bgtasks ignores: dbus-java
     * maps an incoming signal to the Java class of whichever exported interface it saw last under that D-Bus name,
     * so a typed handler could receive a class that is not its own.
     */
    AutoCloseable onAnySignal(DBusMatchRule rule, DBusSigHandler<DBusSignal> handler) throws DBusException;
}
