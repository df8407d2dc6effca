package dev.bgtasks.linux.dbus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The properties of one interface of one object of one well-known bus name, kept current: read with
 * {@code GetAll}, updated from {@code PropertiesChanged}, re-read when the name gets a new owner and forgotten when
 * it loses its owner ({@code NameOwnerChanged}). Absent ({@link #properties()} empty) while nobody owns the name or
 * the object does not answer.
 *
 * <p>Not thread-safe: every method, and {@code onUpdate}, runs on the owning source's serial executor; dbus-java's
 * signal thread only posts to it. One serial thread per source is what keeps a signal from being applied under a
 * {@code GetAll} that began before it, or after one that began later.
 *
 * <pre>{@code
 * watch = new DBusPropertyWatch(NM, NM_PATH, NM_IFACE, false, serial, this::recompute);
 * watch.attach(bus);                                   // subscribes, then reads
 * watch.properties().map(p -> p.get("Connectivity"));
 * }</pre>
 */
final class DBusPropertyWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DBusPropertyWatch.class);

    private final String busName;
    private final String path;
    private final String iface;
    private final boolean autostart;
    private final Executor serial;
    private final Runnable onUpdate;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private DBusBus bus;
    private Map<String, Object> properties;
    private String owner;
    private volatile String status = "not read yet";

    /**
     * @param autostart whether reading may start a D-Bus activatable service (only the desktop portal, which is
     *                  meant to be started on demand)
     * @param onUpdate  run on {@code serial} after the properties changed, appeared or went away
     */
    DBusPropertyWatch(String busName, String path, String iface, boolean autostart, Executor serial,
            Runnable onUpdate) {
        this.busName = busName;
        this.path = path;
        this.iface = iface;
        this.autostart = autostart;
        this.serial = serial;
        this.onUpdate = onUpdate;
    }

    String path() {
        return path;
    }

    /** Subscribes first and reads second, so no change can fall between the two. Does not call onUpdate. */
    void attach(DBusBus connected) throws DBusException {
        this.bus = connected;
        DBusSigHandler<DBus.NameOwnerChanged> ownerHandler = s -> {
            String newOwner = s.newOwner;
            serial.execute(() -> ownerChanged(connected, newOwner));
        };
        DBusSigHandler<Properties.PropertiesChanged> changeHandler = s -> serial.execute(() -> changed(connected, s));
        subscriptions.add(connected.onSignal(nameOwnerRule(busName), ownerHandler));
        subscriptions.add(connected.onSignal(propertiesChangedRule(path), changeHandler));
        reload();
    }

    static DBusMatchRule nameOwnerRule(String busName) throws DBusException {
        return DBusMatchRuleBuilder.create().withType(DBus.NameOwnerChanged.class).withArg0123(0, busName).build();
    }

    static DBusMatchRule propertiesChangedRule(String path) throws DBusException {
        return DBusMatchRuleBuilder.create().withType(Properties.PropertiesChanged.class).withPath(path).build();
    }

    /** The properties now; empty while the object is absent. */
    Optional<Map<String, Object>> properties() {
        return Optional.ofNullable(properties);
    }

    /** Present with its owner, or why absent. Safe from any thread. */
    String status() {
        return status;
    }

    /** Reads everything again; absent on any error. Does not call onUpdate. */
    void reload() {
        if (bus == null) {
            return;
        }
        try {
            Properties remote = bus.remote(busName, path, Properties.class, autostart);
            Map<String, Variant<?>> all = remote.GetAll(iface);
            // After the read: an activatable service has an owner only once the read started it.
            owner = bus.nameOwner(busName).orElse(null);
            properties = all == null ? new HashMap<>() : DBusValues.unwrap(all);
            status = busName + " " + path + " present (owner " + owner + ")";
        } catch (DBusException | DBusExecutionException e) {
            forget(busName + " " + path + " " + iface + " does not answer (" + e.getMessage() + ")");
            LOG.debug("{} {} {}: absent", busName, path, iface, e);
        }
    }

    private void ownerChanged(DBusBus from, String newOwner) {
        if (from != bus) {
            return;
        }
        if (newOwner == null || newOwner.isEmpty()) {
            forget(busName + " left the bus");
        } else {
            reload();
        }
        onUpdate.run();
    }

    private void changed(DBusBus from, Properties.PropertiesChanged s) {
        // Only the owner's word counts: any client of the system bus may emit a signal with this path.
        if (from != bus || properties == null || !iface.equals(s.getInterfaceName())
                || !Objects.equals(s.getSource(), owner)) {
            return;
        }
        Map<String, Variant<?>> changedValues = s.getPropertiesChanged();
        if (changedValues != null) {
            properties.putAll(DBusValues.unwrap(changedValues));
        }
        List<String> invalidated = s.getPropertiesRemoved();
        if (invalidated != null && !invalidated.isEmpty()) {
            // Invalidated means "changed, ask me"; logind and NetworkManager use it for some properties.
            reload();
        }
        onUpdate.run();
    }

    private void forget(String why) {
        properties = null;
        owner = null;
        status = why;
    }

    /** Unsubscribes (best effort: the bus may already be gone) and forgets. */
    @Override
    public void close() {
        bus = null;
        forget("closed");
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("unsubscribing from {} {}: {}", busName, path, e.toString());
            }
        }
        subscriptions.clear();
    }
}
