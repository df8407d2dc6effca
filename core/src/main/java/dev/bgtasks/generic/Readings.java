package dev.bgtasks.generic;

import java.util.List;
import java.util.Objects;

/**
 * What one poll of the host read, as plain values: the input of {@link SignalRules}. A part that could not be read
 * is {@code null}, and the signals made of it are unknown.
 *
 * <pre>{@code
 * Readings r = new Readings(network, List.of(), new Readings.Storage(usable, total));
 * SignalSnapshot s = SignalRules.decide(r);
 * }</pre>
 *
 * @param network interfaces, routes and gateways, or null when unreadable
 * @param power the power sources (empty: none, as on most desktops), or null when unreadable
 * @param storage space on the data directory's file store, or null when unreadable
 */
record Readings(Network network, List<Power> power, Storage storage) {
    static final Readings NOTHING = new Readings(null, null, null);

    Readings {
        power = power == null ? null : List.copyOf(power);
    }

    /**
     * One network interface.
     *
     * @param name e.g. {@code eth0}
     * @param up whether it is up (or in an unknown state, as tun and WireGuard devices report)
     * @param loopback whether it is a loopback interface
     * @param addresses its IPv4 and IPv6 address literals
     */
    record Interface(String name, boolean up, boolean loopback, List<String> addresses) {
        Interface {
            Objects.requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * One route of the routing table.
     *
     * @param prefixLength the destination's prefix length: 0 for a default route
     * @param gateway the next hop's address literal, empty for a directly connected route
     * @param interfaceName the interface it leaves by, empty when not known
     */
    record Route(int prefixLength, String gateway, String interfaceName) {
        Route {
            Objects.requireNonNull(gateway, "gateway");
            Objects.requireNonNull(interfaceName, "interfaceName");
        }
    }

    /**
     * The network part.
     *
     * @param interfaces every interface, loopback included
     * @param routes the routing table; empty when the platform cannot list it
     * @param ipv4Gateway the IPv4 default gateway, read only when {@code routes} is empty ({@code ""}: none)
     * @param ipv6Gateway the IPv6 default gateway, read only when {@code routes} is empty ({@code ""}: none)
     */
    record Network(List<Interface> interfaces, List<Route> routes, String ipv4Gateway, String ipv6Gateway) {
        Network {
            interfaces = List.copyOf(interfaces);
            routes = List.copyOf(routes);
            Objects.requireNonNull(ipv4Gateway, "ipv4Gateway");
            Objects.requireNonNull(ipv6Gateway, "ipv6Gateway");
        }
    }

    /**
     * One power source (battery) as OSHI reports it.
     *
     * @param name its name
     * @param remainingCapacity 0.0 to 1.0; outside that range when unknown
     * @param powerOnLine whether the OS says external power is connected (always false on Linux in OSHI)
     * @param charging whether it charges
     * @param discharging whether it discharges
     */
    record Power(String name, double remainingCapacity, boolean powerOnLine, boolean charging,
                 boolean discharging) {
        Power {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Space on a file store.
     *
     * @param usableBytes what this user can still write
     * @param totalBytes the store's size
     */
    record Storage(long usableBytes, long totalBytes) {
    }
}
