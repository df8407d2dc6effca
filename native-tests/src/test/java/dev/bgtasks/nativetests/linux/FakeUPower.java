package dev.bgtasks.nativetests.linux;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.types.UInt32;

/** UPower's daemon object ({@code OnBattery}) and its composite display device ({@code WarningLevel}). */
final class FakeUPower implements AutoCloseable {
    static final String NAME = "org.freedesktop.UPower";
    static final String PATH = "/org/freedesktop/UPower";
    static final String IFACE = "org.freedesktop.UPower";
    static final String DISPLAY_PATH = "/org/freedesktop/UPower/devices/DisplayDevice";
    static final String DEVICE_IFACE = "org.freedesktop.UPower.Device";

    @DBusInterfaceName(IFACE)
    public interface UPower extends DBusInterface {
    }

    @DBusInterfaceName(DEVICE_IFACE)
    public interface Device extends DBusInterface {
    }

    static final class Daemon extends FakeObject implements UPower {
        Daemon() {
            super(PATH);
        }
    }

    static final class DisplayDevice extends FakeObject implements Device {
        DisplayDevice() {
            super(DISPLAY_PATH);
        }
    }

    private final FakeService service;
    private final Daemon daemon;
    private final DisplayDevice display;

    private FakeUPower(FakeService service, Daemon daemon, DisplayDevice display) {
        this.service = service;
        this.daemon = daemon;
        this.display = display;
    }

    static FakeUPower start(DBusTestBus bus, boolean onBattery, long warningLevel) throws DBusException {
        FakeService s = new FakeService(bus);
        Daemon d = new Daemon();
        d.with(IFACE, "OnBattery", onBattery).with(IFACE, "DaemonVersion", "1.90.2").with(IFACE, "LidIsClosed", false);
        DisplayDevice dd = new DisplayDevice();
        dd.with(DEVICE_IFACE, "WarningLevel", new UInt32(warningLevel))
                .with(DEVICE_IFACE, "IsPresent", true)
                .with(DEVICE_IFACE, "Percentage", 80.0)
                .with(DEVICE_IFACE, "Type", new UInt32(2));
        s.export(d);
        s.export(dd);
        s.claim(NAME);
        return new FakeUPower(s, d, dd);
    }

    void onBattery(boolean value) throws DBusException {
        daemon.set(IFACE, "OnBattery", value);
    }

    void warningLevel(long value) throws DBusException {
        display.set(DEVICE_IFACE, "WarningLevel", new UInt32(value));
    }

    @Override
    public void close() {
        service.close();
    }
}
