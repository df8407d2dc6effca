package dev.bgtasks.nativetests.linux;

import java.util.ArrayList;
import java.util.List;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;

/**
 * power-profiles-daemon under its current name ({@code org.freedesktop.UPower.PowerProfiles}), its legacy one
 * ({@code net.hadess.PowerProfiles}) or both, as daemons since 0.20 do: one object per name, same property.
 */
final class FakePowerProfiles implements AutoCloseable {
    static final String NAME = "org.freedesktop.UPower.PowerProfiles";
    static final String PATH = "/org/freedesktop/UPower/PowerProfiles";
    static final String LEGACY_NAME = "net.hadess.PowerProfiles";
    static final String LEGACY_PATH = "/net/hadess/PowerProfiles";

    @DBusInterfaceName(NAME)
    public interface PowerProfiles extends DBusInterface {
    }

    @DBusInterfaceName(LEGACY_NAME)
    public interface LegacyPowerProfiles extends DBusInterface {
    }

    static final class Current extends FakeObject implements PowerProfiles {
        Current() {
            super(PATH);
        }
    }

    static final class Legacy extends FakeObject implements LegacyPowerProfiles {
        Legacy() {
            super(LEGACY_PATH);
        }
    }

    private record Exported(FakeObject object, String iface) {
    }

    private final FakeService service;
    private final List<Exported> objects;

    private FakePowerProfiles(FakeService service, List<Exported> objects) {
        this.service = service;
        this.objects = objects;
    }

    static FakePowerProfiles start(DBusTestBus bus, boolean currentName, boolean legacyName, String profile)
            throws DBusException {
        FakeService s = new FakeService(bus);
        List<Exported> objects = new ArrayList<>();
        if (currentName) {
            objects.add(new Exported(s.export(new Current()), NAME));
        }
        if (legacyName) {
            objects.add(new Exported(s.export(new Legacy()), LEGACY_NAME));
        }
        for (Exported e : objects) {
            e.object().with(e.iface(), "ActiveProfile", profile).with(e.iface(), "PerformanceDegraded", "");
        }
        if (currentName) {
            s.claim(NAME);
        }
        if (legacyName) {
            s.claim(LEGACY_NAME);
        }
        return new FakePowerProfiles(s, objects);
    }

    void profile(String value) throws DBusException {
        for (Exported e : objects) {
            e.object().set(e.iface(), "ActiveProfile", value);
        }
    }

    @Override
    public void close() {
        service.close();
    }
}
