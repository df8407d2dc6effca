package dev.bgtasks.linux.dbus;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The D-Bus half of the Linux host signals: the desktop portal (session bus), NetworkManager, UPower,
 * power-profiles-daemon and logind (system bus), merged. Where two report the same signal the earlier in that order
 * wins: the portal speaks for the desktop session the user sees (issue 4: "prefer the XDG desktop portal where it
 * answers"). Each service may be absent, or come and go; a signal nobody reports is absent.
 *
 * <p><b>Not API.</b> Public only so that {@code native-tests} can point it at a private bus; the Linux platform
 * combines it with rtnetlink and sysfs in this package.
 *
 * <p>Threads: one connector thread per bus ({@code bgtasks-dbus-system-bus}, {@code bgtasks-dbus-session-bus}),
 * one serial thread per service ({@code bgtasks-dbus-<service>}), plus dbus-java's own per connection. The
 * {@code onChange} callback runs on the service threads, possibly on two at once.
 *
 * <pre>{@code
 * try (DBusSignals dbus = DBusSignals.fromEnvironment()) {
 *     dbus.start(() -> recompute());
 *     Boolean saver = dbus.current().get(HostSignal.ENERGY_SAVER);   // null: no service says
 * }
 * }</pre>
 */
public final class DBusSignals implements SignalSource {
    private final List<SignalSource> sources;
    private final List<DBusConnector> buses;

    /** {@code sources} in order of precedence; {@code buses} are closed after them. */
    DBusSignals(List<SignalSource> sources, List<DBusConnector> buses) {
        this.sources = List.copyOf(sources);
        this.buses = List.copyOf(buses);
    }

    private static DBusSignals of(DBusConnector system, Optional<DBusConnector> session) {
        List<SignalSource> sources = new ArrayList<>();
        sources.add(session.map(PortalSource::new)
                .orElseGet(() -> new PortalSource("DBUS_SESSION_BUS_ADDRESS is not set")));
        sources.add(new NetworkManagerSource(system));
        sources.add(new UPowerSource(system));
        sources.add(new PowerProfilesSource(system));
        sources.add(LogindSource.forThisProcess(system));
        List<DBusConnector> buses = new ArrayList<>();
        buses.add(system);
        session.ifPresent(buses::add);
        return new DBusSignals(sources, buses);
    }

    /**
     * {@return the services on the buses of this process's environment: {@code DBUS_SYSTEM_BUS_ADDRESS} and
     * {@code DBUS_SESSION_BUS_ADDRESS}}
     */
    public static DBusSignals fromEnvironment() {
        return open(System.getenv());
    }

    /**
     * The services on the buses an environment names.
     *
     * @param env the variables that name the buses: {@code DBUS_SYSTEM_BUS_ADDRESS},
     *            {@code DBUS_SESSION_BUS_ADDRESS}
     * @return the signals of the services on those buses
     */
    public static DBusSignals open(Map<String, String> env) {
        return of(DBusConnector.systemBus(env), DBusConnector.sessionBus(env));
    }

    /**
     * Services on the given buses; logind is asked about this process's user and process.
     *
     * @param systemBusAddress  a D-Bus address such as {@code unix:path=/run/dbus/system_bus_socket}
     * @param sessionBusAddress the session bus for the portal; empty: no portal
     * @return the signals of the services on those buses
     */
    public static DBusSignals open(String systemBusAddress, Optional<String> sessionBusAddress) {
        Objects.requireNonNull(systemBusAddress, "systemBusAddress");
        return of(new DBusConnector("system bus", systemBusAddress),
                sessionBusAddress.map(a -> new DBusConnector("session bus", a)));
    }

    /** Each signal from the first service (in the order of the class comment) that reports it. */
    @Override
    public Map<HostSignal, Boolean> current() {
        Map<HostSignal, Boolean> merged = new EnumMap<>(HostSignal.class);
        for (SignalSource s : sources) {
            s.current().forEach(merged::putIfAbsent);
        }
        return Map.copyOf(merged);
    }

    /** Connects and subscribes in the background; returns at once. {@code onChange} must not block. */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        for (SignalSource s : sources) {
            s.start(onChange);
        }
    }

    @Override
    public String describe() {
        return sources.stream().map(SignalSource::describe).collect(Collectors.joining("\n"));
    }

    /** Closes every service's subscriptions, then the buses. */
    @Override
    public void close() {
        for (SignalSource s : sources) {
            s.close();
        }
        for (DBusConnector b : buses) {
            b.close();
        }
    }
}
