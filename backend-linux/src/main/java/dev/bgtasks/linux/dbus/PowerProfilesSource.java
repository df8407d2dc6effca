package dev.bgtasks.linux.dbus;

import dev.bgtasks.spi.HostSignal;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.exceptions.DBusException;

/**
 * power-profiles-daemon (and the daemons that implement its interface: tuned-ppd, tlp-pd, system76-power) on the
 * system bus: {@code ActiveProfile == "power-saver"} is {@link HostSignal#ENERGY_SAVER}. Watched under both names,
 * {@code org.freedesktop.UPower.PowerProfiles} (current) and {@code net.hadess.PowerProfiles} (legacy, still the only
 * one of older daemons); where both answer the current name wins (they are normally one daemon). Events:
 * {@code PropertiesChanged} and {@code NameOwnerChanged} for each name.
 *
 * <pre>{@code
 * SignalSource ppd = new PowerProfilesSource(DBusConnector.systemBus(System.getenv()));
 * }</pre>
 */
final class PowerProfilesSource extends DBusSource {
    static final String BUS_NAME = "org.freedesktop.UPower.PowerProfiles";
    static final String PATH = "/org/freedesktop/UPower/PowerProfiles";
    static final String INTERFACE = "org.freedesktop.UPower.PowerProfiles";
    static final String LEGACY_BUS_NAME = "net.hadess.PowerProfiles";
    static final String LEGACY_PATH = "/net/hadess/PowerProfiles";
    static final String LEGACY_INTERFACE = "net.hadess.PowerProfiles";

    private final DBusPropertyWatch current = new DBusPropertyWatch(BUS_NAME, PATH, INTERFACE, false, this::post,
            this::recompute);
    private final DBusPropertyWatch legacy = new DBusPropertyWatch(LEGACY_BUS_NAME, LEGACY_PATH, LEGACY_INTERFACE,
            false, this::post, this::recompute);
    private volatile String servedBy = "";

    PowerProfilesSource(DBusConnector systemBus) {
        super("power-profiles-daemon", systemBus);
    }

    /** Energy saver exactly under the {@code power-saver} profile ({@code balanced}, {@code performance}: off). */
    static boolean energySaver(String activeProfile) {
        return "power-saver".equals(activeProfile);
    }

    /** The current name's profile if it has one, else the legacy name's. */
    static Optional<Boolean> energySaver(Optional<Map<String, Object>> currentName,
            Optional<Map<String, Object>> legacyName) {
        Optional<String> profile = currentName.flatMap(p -> DBusValues.string(p.get("ActiveProfile")))
                .or(() -> legacyName.flatMap(p -> DBusValues.string(p.get("ActiveProfile"))));
        return profile.map(PowerProfilesSource::energySaver);
    }

    private void recompute() {
        boolean fromCurrent = current.properties().map(p -> p.get("ActiveProfile") instanceof String).orElse(false);
        servedBy = (fromCurrent ? current : legacy).status();
        publish(energySaver(current.properties(), legacy.properties())
                .map(v -> Map.of(HostSignal.ENERGY_SAVER, v)).orElse(Map.of()));
    }

    @Override
    protected void attach(DBusBus bus) throws DBusException {
        current.attach(bus);
        legacy.attach(bus);
        recompute();
    }

    @Override
    protected void detach() {
        current.close();
        legacy.close();
    }

    @Override
    protected String absence() {
        return current.status() + "; " + legacy.status();
    }

    @Override
    protected String origin(HostSignal signal) {
        return "ActiveProfile of " + servedBy;
    }
}
