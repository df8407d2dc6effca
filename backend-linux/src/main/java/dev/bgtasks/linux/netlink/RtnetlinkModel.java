package dev.bgtasks.linux.netlink;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kernel's links, addresses and default routes as rtnetlink told them, and the internet rule over them.
 * Pure: fed {@link NetlinkMessage}s (a dump's, then events), it never does I/O. Not thread-safe: one reader
 * thread owns it.
 *
 * <p>INTERNET holds when, for IPv4 or for IPv6, a default route of the main table (unicast) leaves through a
 * usable link: not loopback, up ({@code IFF_UP}) and running ({@code IFF_RUNNING}, or operstate UP/UNKNOWN), with
 * a global-scope address of that family that is not tentative (unless optimistic) and not DAD-failed. A nexthop
 * without an interface counts when its gateway lies in a prefix of such an address.
 *
 * <pre>{@code
 * RtnetlinkModel model = new RtnetlinkModel();
 * NetlinkMessage.parseAll(datagram).forEach(model::apply);
 * boolean online = model.internetAvailable();
 * }</pre>
 */
final class RtnetlinkModel {
    private final Map<Integer, Rtnetlink.Link> links = new HashMap<>();
    private final Map<AddressKey, Rtnetlink.Address> addresses = new HashMap<>();
    private final Map<RouteKey, DefaultRoute> defaultRoutes = new HashMap<>();

    // Addresses are identified as the kernel identifies them: interface, family, local address and prefix.
    private record AddressKey(int index, int family, InetAddress local, int prefixLength) {
    }

    // IPv4 identifies a route by table, destination, tos and metric; for default routes the destination is fixed.
    private record RouteKey(int family, int tos, int priority) {
    }

    private record DefaultRoute(int type, InetAddress preferredSource, Set<Rtnetlink.Nexthop> nexthops) {
    }

    /** Applies one message; messages this model does not track (other families, other tables) change nothing. */
    void apply(NetlinkMessage message) {
        switch (message.type()) {
            case Rtnetlink.RTM_NEWLINK -> {
                if (Rtnetlink.linkFamily(message.payload()) == Rtnetlink.AF_UNSPEC) {
                    newLink(Rtnetlink.parseLink(message.payload()));
                }
            }
            case Rtnetlink.RTM_DELLINK -> {
                // AF_BRIDGE DELLINKs announce a port leaving its bridge, not the interface going away.
                if (Rtnetlink.linkFamily(message.payload()) == Rtnetlink.AF_UNSPEC) {
                    deleteLink(Rtnetlink.parseLink(message.payload()).index());
                }
            }
            case Rtnetlink.RTM_NEWADDR -> {
                Rtnetlink.Address address = Rtnetlink.parseAddress(message.payload());
                if (isIp(address.family()) && address.local() != null) {
                    addresses.put(keyOf(address), address);
                }
            }
            case Rtnetlink.RTM_DELADDR -> {
                Rtnetlink.Address address = Rtnetlink.parseAddress(message.payload());
                if (isIp(address.family()) && address.local() != null) {
                    deleteAddress(address);
                }
            }
            case Rtnetlink.RTM_NEWROUTE -> {
                Rtnetlink.Route route = Rtnetlink.parseRoute(message.payload());
                if (tracked(route)) {
                    newRoute(route, message.hasFlag(NetlinkMessage.NLM_F_REPLACE));
                }
            }
            case Rtnetlink.RTM_DELROUTE -> {
                Rtnetlink.Route route = Rtnetlink.parseRoute(message.payload());
                if (tracked(route)) {
                    deleteRoute(route);
                }
            }
            default -> {
                // NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP and other rtnetlink types carry no state we keep.
            }
        }
    }

    private void newLink(Rtnetlink.Link link) {
        Rtnetlink.Link before = links.put(link.index(), link);
        if (before != null && before.hasFlag(Rtnetlink.IFF_UP) && !link.hasFlag(Rtnetlink.IFF_UP)) {
            // Taking a link down flushes its routes; IPv4 does so without RTM_DELROUTE (IPv6 too under
            // net.ipv6.route.skip_notify_on_dev_down), so the model flushes them itself.
            dropNexthopsVia(link.index(), Rtnetlink.AF_INET);
            dropNexthopsVia(link.index(), Rtnetlink.AF_INET6);
        }
    }

    private void deleteLink(int index) {
        links.remove(index);
        addresses.keySet().removeIf(key -> key.index() == index);
        dropNexthopsVia(index, Rtnetlink.AF_INET);
        dropNexthopsVia(index, Rtnetlink.AF_INET6);
    }

    private void deleteAddress(Rtnetlink.Address address) {
        addresses.remove(keyOf(address));
        if (address.family() != Rtnetlink.AF_INET) {
            return;
        }
        // IPv4 silently flushes the routes that used the address as their source, and, when the interface's last
        // IPv4 address goes, every IPv4 route through it (fib_disable_ip): no RTM_DELROUTE tells us.
        defaultRoutes.entrySet().removeIf(e -> e.getKey().family() == Rtnetlink.AF_INET
                && address.local().equals(e.getValue().preferredSource()));
        boolean lastOnLink = addresses.keySet().stream()
                .noneMatch(key -> key.index() == address.index() && key.family() == Rtnetlink.AF_INET);
        if (lastOnLink) {
            dropNexthopsVia(address.index(), Rtnetlink.AF_INET);
        }
    }

    private void newRoute(Rtnetlink.Route route, boolean replace) {
        RouteKey key = keyOf(route);
        DefaultRoute before = defaultRoutes.get(key);
        Set<Rtnetlink.Nexthop> nexthops = new LinkedHashSet<>();
        // Without NLM_F_REPLACE a route with a taken key is an appended path (or a dump repeating one we know).
        if (before != null && !replace) {
            nexthops.addAll(before.nexthops());
        }
        nexthops.addAll(route.nexthops());
        defaultRoutes.put(key, new DefaultRoute(route.type(), route.preferredSource(), nexthops));
    }

    private void deleteRoute(Rtnetlink.Route route) {
        RouteKey key = keyOf(route);
        DefaultRoute before = defaultRoutes.get(key);
        if (before == null) {
            return;
        }
        Set<Rtnetlink.Nexthop> remaining = new LinkedHashSet<>(before.nexthops());
        for (Rtnetlink.Nexthop gone : route.nexthops()) {
            remaining.removeIf(n -> n.index() == gone.index()
                    && (gone.gateway() == null || Objects.equals(gone.gateway(), n.gateway())));
        }
        if (route.nexthops().isEmpty() || remaining.isEmpty()) {
            defaultRoutes.remove(key);
        } else {
            defaultRoutes.put(key, new DefaultRoute(before.type(), before.preferredSource(), remaining));
        }
    }

    private void dropNexthopsVia(int index, int family) {
        Iterator<Map.Entry<RouteKey, DefaultRoute>> it = defaultRoutes.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<RouteKey, DefaultRoute> entry = it.next();
            if (entry.getKey().family() != family) {
                continue;
            }
            DefaultRoute route = entry.getValue();
            Set<Rtnetlink.Nexthop> remaining = route.nexthops().stream().filter(n -> n.index() != index)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            if (remaining.size() == route.nexthops().size()) {
                continue;
            }
            if (remaining.isEmpty()) {
                it.remove();
            } else {
                entry.setValue(new DefaultRoute(route.type(), route.preferredSource(), remaining));
            }
        }
    }

    /** Whether the host can reach the internet by IPv4 or IPv6, by the rule of this class. */
    boolean internetAvailable() {
        return familyAvailable(Rtnetlink.AF_INET) || familyAvailable(Rtnetlink.AF_INET6);
    }

    /** The rule for one family ({@link Rtnetlink#AF_INET} or {@link Rtnetlink#AF_INET6}). */
    boolean familyAvailable(int family) {
        Set<Integer> usable = usableLinks(family);
        if (usable.isEmpty()) {
            return false;
        }
        for (Map.Entry<RouteKey, DefaultRoute> entry : defaultRoutes.entrySet()) {
            DefaultRoute route = entry.getValue();
            if (entry.getKey().family() != family || route.type() != Rtnetlink.RTN_UNICAST) {
                continue;
            }
            // A route through a nexthop object whose paths the kernel does not spell out still is a way out.
            if (route.nexthops().isEmpty()) {
                return true;
            }
            for (Rtnetlink.Nexthop nexthop : route.nexthops()) {
                if (nexthop.index() != 0 ? usable.contains(nexthop.index())
                        : nexthop.gateway() != null && onUsablePrefix(nexthop.gateway(), usable, family)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The names of the links that are up (SPEC H1 {@code interface-up}): administratively up ({@code IFF_UP}) and
     * with a carrier (running, or operstate UP or UNKNOWN, as a dummy or loopback link reports).
     */
    Set<String> linksUp() {
        return links.values().stream()
                .filter(link -> link.name() != null && link.hasFlag(Rtnetlink.IFF_UP)
                        && (link.hasFlag(Rtnetlink.IFF_RUNNING) || link.operState() == Rtnetlink.IF_OPER_UP
                        || link.operState() == Rtnetlink.IF_OPER_UNKNOWN))
                .map(Rtnetlink.Link::name)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** The indexes of usable links for {@code family}; see the class comment. */
    Set<Integer> usableLinks(int family) {
        return addresses.values().stream()
                .filter(a -> a.family() == family && usableAddress(a) && linkUsable(a.index()))
                .map(Rtnetlink.Address::index)
                .collect(Collectors.toSet());
    }

    private boolean linkUsable(int index) {
        Rtnetlink.Link link = links.get(index);
        if (link == null || link.hasFlag(Rtnetlink.IFF_LOOPBACK) || !link.hasFlag(Rtnetlink.IFF_UP)) {
            return false;
        }
        return link.hasFlag(Rtnetlink.IFF_RUNNING) || link.operState() == Rtnetlink.IF_OPER_UP
                || link.operState() == Rtnetlink.IF_OPER_UNKNOWN;
    }

    private static boolean usableAddress(Rtnetlink.Address address) {
        if (address.scope() != Rtnetlink.RT_SCOPE_UNIVERSE) {
            return false;
        }
        if (address.family() != Rtnetlink.AF_INET6) {
            return true;
        }
        int flags = address.flags();
        boolean tentative = (flags & Rtnetlink.IFA_F_TENTATIVE) != 0 && (flags & Rtnetlink.IFA_F_OPTIMISTIC) == 0;
        return !tentative && (flags & Rtnetlink.IFA_F_DADFAILED) == 0;
    }

    private boolean onUsablePrefix(InetAddress gateway, Set<Integer> usable, int family) {
        return addresses.values().stream().anyMatch(a -> a.family() == family && usable.contains(a.index())
                && usableAddress(a) && samePrefix(a.local(), gateway, a.prefixLength()));
    }

    static boolean samePrefix(InetAddress a, InetAddress b, int prefixLength) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length || prefixLength > x.length * 8) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (x[i] != y[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (x[whole] & mask) == (y[whole] & mask);
    }

    private static boolean isIp(int family) {
        return family == Rtnetlink.AF_INET || family == Rtnetlink.AF_INET6;
    }

    private static boolean tracked(Rtnetlink.Route route) {
        return route.isDefault() && route.table() == Rtnetlink.RT_TABLE_MAIN && isIp(route.family());
    }

    private static AddressKey keyOf(Rtnetlink.Address address) {
        return new AddressKey(address.index(), address.family(), address.local(), address.prefixLength());
    }

    private static RouteKey keyOf(Rtnetlink.Route route) {
        return new RouteKey(route.family(), route.tos(), route.priority());
    }

    /** For logs and test failures: how many of each the model holds. */
    @Override
    public String toString() {
        return "RtnetlinkModel[" + links.size() + " links, " + addresses.size() + " addresses, "
                + defaultRoutes.size() + " default routes; v4 usable " + usableLinks(Rtnetlink.AF_INET)
                + ", v6 usable " + usableLinks(Rtnetlink.AF_INET6) + "]";
    }
}
