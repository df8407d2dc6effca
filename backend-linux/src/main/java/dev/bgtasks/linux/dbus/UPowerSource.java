package dev.bgtasks.linux.dbus;

import dev.bgtasks.spi.HostSignal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.exceptions.DBusException;

/**
 * UPower on the system bus: {@code OnBattery} of {@code /org/freedesktop/UPower} gives {@link HostSignal#AC_POWER},
 * {@code WarningLevel} of the composite display device gives {@link HostSignal#BATTERY_LOW}. Events:
 * {@code PropertiesChanged} on both objects, {@code NameOwnerChanged} for {@code org.freedesktop.UPower}. UPower is
 * D-Bus activatable; bgtasks does not start it, it waits for it.
 *
 * <pre>{@code
 * SignalSource upower = new UPowerSource(DBusConnector.systemBus(System.getenv()));
 * }</pre>
 */
final class UPowerSource extends DBusSource {
    static final String BUS_NAME = "org.freedesktop.UPower";
    static final String PATH = "/org/freedesktop/UPower";
    static final String INTERFACE = "org.freedesktop.UPower";
    /** What {@code GetDisplayDevice()} returns on every UPower since 0.99; fixed, so no call is needed. */
    static final String DISPLAY_DEVICE_PATH = "/org/freedesktop/UPower/devices/DisplayDevice";
    static final String DEVICE_INTERFACE = "org.freedesktop.UPower.Device";

    private final DBusPropertyWatch daemon = new DBusPropertyWatch(BUS_NAME, PATH, INTERFACE, false, this::post,
            this::recompute);
    private final DBusPropertyWatch display = new DBusPropertyWatch(BUS_NAME, DISPLAY_DEVICE_PATH, DEVICE_INTERFACE,
            false, this::post, this::recompute);

    UPowerSource(DBusConnector systemBus) {
        super("UPower", systemBus);
    }

    /** On external power exactly when not on battery. */
    static Optional<Boolean> acPower(boolean onBattery) {
        return Optional.of(!onBattery);
    }

    /**
     * {@code UpDeviceLevel}: 3 low, 4 critical, 5 action → low; 1 none, 2 discharging (a UPS on battery, not yet
     * low) → not low; 0 unknown and anything newer → not reported.
     */
    static Optional<Boolean> batteryLow(long warningLevel) {
        if (warningLevel >= 3 && warningLevel <= 5) {
            return Optional.of(true);
        }
        if (warningLevel == 1 || warningLevel == 2) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    static Map<HostSignal, Boolean> signals(Optional<Map<String, Object>> daemonProperties,
            Optional<Map<String, Object>> displayProperties) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        daemonProperties.flatMap(p -> DBusValues.bool(p.get("OnBattery"))).flatMap(UPowerSource::acPower)
                .ifPresent(v -> out.put(HostSignal.AC_POWER, v));
        displayProperties.flatMap(p -> DBusValues.unsigned(p.get("WarningLevel"))).flatMap(UPowerSource::batteryLow)
                .ifPresent(v -> out.put(HostSignal.BATTERY_LOW, v));
        return out;
    }

    private void recompute() {
        publish(signals(daemon.properties(), display.properties()));
    }

    @Override
    protected void attach(DBusBus bus) throws DBusException {
        daemon.attach(bus);
        display.attach(bus);
        recompute();
    }

    @Override
    protected void detach() {
        daemon.close();
        display.close();
    }

    @Override
    protected String absence() {
        return daemon.status();
    }

    @Override
    protected String origin(HostSignal signal) {
        return signal == HostSignal.AC_POWER
                ? "UPower OnBattery (" + daemon.status() + ")"
                : "UPower DisplayDevice WarningLevel (" + display.status() + ")";
    }
}
