package dev.bgtasks.nativetests.linux;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.annotations.DBusMemberName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/**
 * xdg-desktop-portal's {@code /org/freedesktop/portal/desktop} with {@code NetworkMonitor} (methods, a
 * {@code changed} signal without arguments) and {@code PowerProfileMonitor} ({@code power-saver-enabled}).
 */
final class FakePortal implements AutoCloseable {
    static final String NAME = "org.freedesktop.portal.Desktop";
    static final String PATH = "/org/freedesktop/portal/desktop";
    static final String NETWORK_IFACE = "org.freedesktop.portal.NetworkMonitor";
    static final String POWER_IFACE = "org.freedesktop.portal.PowerProfileMonitor";

    @DBusInterfaceName(NETWORK_IFACE)
    public interface NetworkMonitor extends DBusInterface {
        UInt32 GetConnectivity();

        boolean GetMetered();

        boolean GetAvailable();

        @DBusMemberName("changed")
        class Changed extends DBusSignal {
            public Changed(String path) throws DBusException {
                super(path);
            }
        }
    }

    @DBusInterfaceName(POWER_IFACE)
    public interface PowerProfileMonitor extends DBusInterface {
    }

    final class Desktop extends FakeObject implements NetworkMonitor, PowerProfileMonitor {
        Desktop() {
            super(PATH);
        }

        @Override
        public UInt32 GetConnectivity() {
            return new UInt32(connectivity);
        }

        @Override
        public boolean GetMetered() {
            return metered;
        }

        @Override
        public boolean GetAvailable() {
            return connectivity > 1;
        }
    }

    private final FakeService service;
    private final Desktop desktop;
    private volatile long connectivity;
    private volatile boolean metered;

    private FakePortal(DBusTestBus bus, long connectivity, boolean metered, boolean powerSaver)
            throws DBusException {
        this.connectivity = connectivity;
        this.metered = metered;
        this.service = new FakeService(bus);
        this.desktop = new Desktop();
        desktop.with(POWER_IFACE, "power-saver-enabled", powerSaver).with(POWER_IFACE, "version", new UInt32(1))
                .with(NETWORK_IFACE, "version", new UInt32(3));
        service.export(desktop);
        service.claim(NAME);
    }

    static FakePortal start(DBusTestBus bus, long connectivity, boolean metered, boolean powerSaver)
            throws DBusException {
        return new FakePortal(bus, connectivity, metered, powerSaver);
    }

    /** Changes the network state and emits {@code changed}, as the portal does on any network change. */
    void network(long newConnectivity, boolean newMetered) throws DBusException {
        this.connectivity = newConnectivity;
        this.metered = newMetered;
        service.emit(new NetworkMonitor.Changed(PATH));
    }

    void powerSaver(boolean enabled) throws DBusException {
        desktop.set(POWER_IFACE, "power-saver-enabled", enabled);
    }

    @Override
    public void close() {
        service.close();
    }
}
