package dev.bgtasks.linux.dbus;

import dev.bgtasks.spi.HostSignal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.exceptions.DBusException;

/**
 * NetworkManager on the system bus: {@code Connectivity} refines {@link HostSignal#INTERNET} where NetworkManager
 * knows it, and {@code Metered} gives {@link HostSignal#UNMETERED_NETWORK}. Events: {@code PropertiesChanged} on
 * {@code /org/freedesktop/NetworkManager}, {@code NameOwnerChanged} for its name. Without NetworkManager it reports
 * nothing; rtnetlink stays the source of {@code INTERNET}, and no source of metering means "not metered".
 *
 * <pre>{@code
 * SignalSource nm = new NetworkManagerSource(DBusConnector.systemBus(System.getenv()));
 * }</pre>
 */
final class NetworkManagerSource extends DBusSource {
    static final String BUS_NAME = "org.freedesktop.NetworkManager";
    static final String PATH = "/org/freedesktop/NetworkManager";
    static final String INTERFACE = "org.freedesktop.NetworkManager";

    private final DBusPropertyWatch watch = new DBusPropertyWatch(BUS_NAME, PATH, INTERFACE, false, this::post,
            this::recompute);

    NetworkManagerSource(DBusConnector systemBus) {
        super("NetworkManager", systemBus);
    }

    /**
     * {@code NMConnectivityState}: 4 full → online; 1 none, 2 portal, 3 limited → not online (the portal and
     * limited states are what "validated" rules out); 0 unknown (checking disabled or not done yet) → empty, so
     * rtnetlink's route-and-address answer stands.
     */
    static Optional<Boolean> internet(long connectivity) {
        if (connectivity == 4) {
            return Optional.of(true);
        }
        if (connectivity >= 1 && connectivity <= 3) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    /**
     * {@code NMMetered}: 1 yes, 3 guess-yes → metered; 2 no, 4 guess-no → unmetered; 0 unknown → unmetered as well.
     * No NetworkManager at all means "not metered" (the rule, and what GLib's network monitor answers), so an
     * NetworkManager that cannot tell must not be stricter than none; GLib maps 0 the same way. Values beyond 4
     * (a future NetworkManager) are not guessed.
     */
    static Optional<Boolean> unmetered(long metered) {
        if (metered == 1 || metered == 3) {
            return Optional.of(false);
        }
        if (metered == 0 || metered == 2 || metered == 4) {
            return Optional.of(true);
        }
        return Optional.empty();
    }

    /** The signals of a NetworkManager's properties; a missing or ill-typed property gives no signal. */
    static Map<HostSignal, Boolean> signals(Map<String, Object> properties) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        DBusValues.unsigned(properties.get("Connectivity")).flatMap(NetworkManagerSource::internet)
                .ifPresent(v -> out.put(HostSignal.INTERNET, v));
        DBusValues.unsigned(properties.get("Metered")).flatMap(NetworkManagerSource::unmetered)
                .ifPresent(v -> out.put(HostSignal.UNMETERED_NETWORK, v));
        return out;
    }

    private void recompute() {
        publish(watch.properties().map(NetworkManagerSource::signals).orElse(Map.of()));
    }

    @Override
    protected void attach(DBusBus bus) throws DBusException {
        watch.attach(bus);
        recompute();
    }

    @Override
    protected void detach() {
        watch.close();
    }

    @Override
    protected String absence() {
        return watch.status();
    }

    @Override
    protected String origin(HostSignal signal) {
        String property = signal == HostSignal.INTERNET ? "Connectivity" : "Metered";
        return "NetworkManager " + property + " (" + watch.status() + ")";
    }
}
