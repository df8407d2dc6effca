package dev.bgtasks.nativetests.linux;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.UInt32;

/** NetworkManager's root object, as far as bgtasks reads it: {@code Connectivity} and {@code Metered} (both u). */
final class FakeNetworkManager implements AutoCloseable {
    static final String NAME = "org.freedesktop.NetworkManager";
    static final String PATH = "/org/freedesktop/NetworkManager";
    static final String IFACE = "org.freedesktop.NetworkManager";

    @DBusInterfaceName(IFACE)
    public interface NetworkManager extends DBusInterface {
    }

    static final class Root extends FakeObject implements NetworkManager {
        Root() {
            super(PATH);
        }
    }

    private final FakeService service;
    private final Root root;

    private FakeNetworkManager(FakeService service, Root root) {
        this.service = service;
        this.root = root;
    }

    static FakeNetworkManager start(DBusTestBus bus, long connectivity, long metered) throws DBusException {
        FakeService s = new FakeService(bus);
        Root r = new Root();
        r.with(IFACE, "Connectivity", new UInt32(connectivity))
                .with(IFACE, "Metered", new UInt32(metered))
                .with(IFACE, "State", new UInt32(70))
                .with(IFACE, "Version", "1.42.0");
        s.export(r);
        s.claim(NAME);
        return new FakeNetworkManager(s, r);
    }

    void connectivity(long value) throws DBusException {
        root.set(IFACE, "Connectivity", new UInt32(value));
    }

    void metered(long value) throws DBusException {
        root.set(IFACE, "Metered", new UInt32(value));
    }

    /** Changes {@code Metered} announcing it only as invalidated. */
    void meteredInvalidated(long value) throws DBusException {
        root.invalidate(IFACE, "Metered", new UInt32(value));
    }

    @Override
    public void close() {
        service.close();
    }
}
