package dev.bgtasks.linux.dbus;

import dev.bgtasks.spi.HostSignal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.interfaces.DBusSigHandler;
import org.freedesktop.dbus.matchrules.DBusMatchRule;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.messages.constants.MessageTypes;
import org.freedesktop.dbus.types.UInt32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XDG desktop portal on the session bus, preferred inside a desktop session (and the only way out of a
 * Flatpak): {@code org.freedesktop.portal.NetworkMonitor} ({@code GetConnectivity}, {@code GetMetered}, re-asked
 * on its {@code changed} signal) gives {@link HostSignal#INTERNET} and {@link HostSignal#UNMETERED_NETWORK};
 * {@code org.freedesktop.portal.PowerProfileMonitor}'s {@code power-saver-enabled} ({@code PropertiesChanged}) gives
 * {@link HostSignal#ENERGY_SAVER}. Only where {@code DBUS_SESSION_BUS_ADDRESS} is set; the portal is started on
 * demand, as portals are meant to be.
 *
 * <pre>{@code
 * SignalSource portal = DBusConnector.sessionBus(System.getenv()).map(PortalSource::new)
 *         .orElseGet(() -> new PortalSource("DBUS_SESSION_BUS_ADDRESS is not set"));
 * }</pre>
 */
final class PortalSource extends DBusSource {
    private static final Logger LOG = LoggerFactory.getLogger(PortalSource.class);
    static final String BUS_NAME = "org.freedesktop.portal.Desktop";
    static final String PATH = "/org/freedesktop/portal/desktop";
    static final String NETWORK_MONITOR = "org.freedesktop.portal.NetworkMonitor";
    static final String POWER_PROFILE_MONITOR = "org.freedesktop.portal.PowerProfileMonitor";

    /** The NetworkMonitor methods bgtasks calls. Public and nested because dbus-java proxies it. */
    @DBusInterfaceName(NETWORK_MONITOR)
    public interface NetworkMonitor extends DBusInterface {
        /** {@code GNetworkConnectivity}: 1 local, 2 limited, 3 captive portal, 4 full (version 2 of the portal). */
        UInt32 GetConnectivity();

        boolean GetMetered();
    }

    private final DBusPropertyWatch power = new DBusPropertyWatch(BUS_NAME, PATH, POWER_PROFILE_MONITOR, true,
            this::post, this::recompute);
    // Confined to the serial thread.
    private DBusBus bus;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private Long connectivity;
    private Boolean metered;
    private String owner;
    private volatile String networkStatus = "not asked yet";

    PortalSource(DBusConnector sessionBus) {
        super("desktop portal", sessionBus);
    }

    /** A portal source that reports nothing, e.g. without a session bus. */
    PortalSource(String unavailable) {
        super("desktop portal", unavailable);
    }

    /**
     * 4 full → online; 2 limited, 3 captive portal → not online; 1 local → not reported: GLib's NetworkManager
     * backend of the portal answers "local" for NetworkManager's "unknown" (checking disabled) as well as for
     * "none", so it cannot say "offline"; rtnetlink and NetworkManager decide then.
     */
    static Optional<Boolean> internet(long connectivity) {
        if (connectivity == 4) {
            return Optional.of(true);
        }
        if (connectivity == 2 || connectivity == 3) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    static Map<HostSignal, Boolean> signals(Optional<Long> connectivity, Optional<Boolean> metered,
            Optional<Map<String, Object>> powerProfileMonitor) {
        Map<HostSignal, Boolean> out = new EnumMap<>(HostSignal.class);
        connectivity.flatMap(PortalSource::internet).ifPresent(v -> out.put(HostSignal.INTERNET, v));
        metered.ifPresent(m -> out.put(HostSignal.UNMETERED_NETWORK, !m));
        powerProfileMonitor.flatMap(p -> DBusValues.bool(p.get("power-saver-enabled")))
                .ifPresent(v -> out.put(HostSignal.ENERGY_SAVER, v));
        return out;
    }

    static DBusMatchRule changedRule() {
        return DBusMatchRuleBuilder.create().withType(MessageTypes.SIGNAL).withPath(PATH)
                .withInterface(NETWORK_MONITOR).withMember("changed").build();
    }

    @Override
    protected void attach(DBusBus connected) throws DBusException {
        bus = connected;
        DBusSigHandler<DBus.NameOwnerChanged> ownerHandler = s -> {
            String newOwner = s.newOwner;
            post(() -> ownerChanged(connected, newOwner));
        };
        DBusSigHandler<DBusSignal> changedHandler = s -> {
            String sender = s.getSource();
            post(() -> networkChanged(connected, sender));
        };
        subscriptions.add(connected.onSignal(DBusPropertyWatch.nameOwnerRule(BUS_NAME), ownerHandler));
        subscriptions.add(connected.onAnySignal(changedRule(), changedHandler));
        power.attach(connected);
        askNetwork();
        recompute();
    }

    private void ownerChanged(DBusBus from, String newOwner) {
        if (from != bus) {
            return;
        }
        if (newOwner == null || newOwner.isEmpty()) {
            forgetNetwork(BUS_NAME + " left the bus");
        } else {
            askNetwork();
        }
        recompute();
    }

    private void networkChanged(DBusBus from, String sender) {
        if (from != bus || !Objects.equals(sender, owner)) {
            return;
        }
        askNetwork();
        recompute();
    }

    private void askNetwork() {
        try {
            NetworkMonitor monitor = bus.remote(BUS_NAME, PATH, NetworkMonitor.class, true);
            long c = monitor.GetConnectivity().longValue();
            boolean m = monitor.GetMetered();
            owner = bus.nameOwner(BUS_NAME).orElse(null);
            connectivity = c;
            metered = m;
            networkStatus = "NetworkMonitor of " + BUS_NAME + " (owner " + owner + ")";
        } catch (DBusException | DBusExecutionException e) {
            // Also an older portal (NetworkMonitor version 1 has no GetConnectivity) or one without the interface.
            LOG.debug("portal NetworkMonitor: absent", e);
            forgetNetwork("NetworkMonitor of " + BUS_NAME + " does not answer (" + e.getMessage() + ")");
        }
    }

    private void forgetNetwork(String why) {
        connectivity = null;
        metered = null;
        owner = null;
        networkStatus = why;
    }

    private void recompute() {
        if (bus == null) {
            return;
        }
        publish(signals(Optional.ofNullable(connectivity), Optional.ofNullable(metered), power.properties()));
    }

    @Override
    protected void detach() {
        power.close();
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("portal: unsubscribing: {}", e.toString());
            }
        }
        subscriptions.clear();
        forgetNetwork("detached");
        bus = null;
    }

    @Override
    protected String absence() {
        return networkStatus + "; " + power.status();
    }

    @Override
    protected String origin(HostSignal signal) {
        return signal == HostSignal.ENERGY_SAVER
                ? "portal PowerProfileMonitor power-saver-enabled (" + power.status() + ")"
                : "portal " + networkStatus + " (changed signal)";
    }
}
