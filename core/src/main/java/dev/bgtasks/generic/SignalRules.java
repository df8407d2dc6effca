package dev.bgtasks.generic;

import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the generic platform decides each signal from plain readings. Pure functions only: no OSHI, no I/O, so every
 * rule is tested with fixtures on every OS. {@code null} means unknown.
 *
 * <pre>{@code
 * SignalSnapshot snapshot = SignalRules.decide(readings);
 * boolean online = SignalRules.internetAvailable(network);
 * }</pre>
 */
final class SignalRules {
    /** Below this share of the battery, on battery, it is low. */
    static final double BATTERY_LOW_FRACTION = 0.20;
    /** Below this share of the file store free, storage is low. */
    static final double STORAGE_LOW_FRACTION = 0.05;
    /** Below this many free bytes, storage is low whatever the store's size. */
    static final long STORAGE_LOW_BYTES = 512L << 20;

    private SignalRules() {
    }

    /** The snapshot of one poll: only the signals the readings can tell. */
    static SignalSnapshot decide(Readings readings) {
        SignalSnapshot snapshot = SignalSnapshot.empty();
        if (readings.network() != null) {
            snapshot = snapshot.with(HostSignal.INTERNET, internetAvailable(readings.network()));
        }
        if (readings.power() != null) {
            snapshot = snapshot.with(HostSignal.AC_POWER, onAcPower(readings.power()))
                    .with(HostSignal.BATTERY_LOW, batteryLow(readings.power()));
        }
        if (readings.storage() != null) {
            snapshot = snapshot.with(HostSignal.STORAGE_LOW,
                    storageLow(readings.storage().usableBytes(), readings.storage().totalBytes()));
        }
        return snapshot;
    }

    // ---- INTERNET ----

    /**
     * A non-loopback interface that is up with a global address, and a default gateway. When the routing table is
     * known, the default route must leave by one of those interfaces (a route left over on an interface that went
     * down does not count); a default route without a gateway counts on such an interface (point-to-point links:
     * PPP, tun, WireGuard); a route naming an interface that is not listed counts when it has a gateway. When the
     * table is not known, the gateway strings decide.
     */
    static boolean internetAvailable(Readings.Network network) {
        Set<String> usable = network.interfaces().stream().filter(SignalRules::usableInterface)
                .map(Readings.Interface::name).collect(Collectors.toSet());
        if (usable.isEmpty()) {
            return false;
        }
        if (!network.routes().isEmpty()) {
            Set<String> known = network.interfaces().stream().map(Readings.Interface::name)
                    .collect(Collectors.toSet());
            return network.routes().stream().anyMatch(route -> isDefaultRouteVia(route, usable, known));
        }
        return isGateway(network.ipv4Gateway()) || isGateway(network.ipv6Gateway());
    }

    /** Up, not loopback, and holding at least one global address. */
    static boolean usableInterface(Readings.Interface iface) {
        return iface.up() && !iface.loopback() && iface.addresses().stream().anyMatch(SignalRules::isGlobalAddress);
    }

    // A route naming an interface we did not list (another naming scheme) is judged by its gateway alone.
    private static boolean isDefaultRouteVia(Readings.Route route, Set<String> usable, Set<String> known) {
        if (route.prefixLength() != 0) {
            return false;
        }
        if (!known.contains(route.interfaceName())) {
            return isGateway(route.gateway());
        }
        return usable.contains(route.interfaceName());
    }

    /** A gateway literal that names a next hop: not empty, not {@code 0.0.0.0} or {@code ::}. */
    static boolean isGateway(String literal) {
        return parseLiteral(literal).map(a -> !a.isAnyLocalAddress() && !a.isLoopbackAddress()).orElse(false);
    }

    /**
     * A unicast address of global scope: not loopback, not link-local ({@code 169.254/16}, {@code fe80::/10}), not
     * unspecified, not multicast. Private and unique-local ranges count (most machines reach the internet through
     * NAT). Accepts a {@code %zone} or {@code /prefix} suffix; anything that is not an address literal is false.
     */
    static boolean isGlobalAddress(String literal) {
        return parseLiteral(literal).map(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()
                && !a.isAnyLocalAddress() && !a.isMulticastAddress()).orElse(false);
    }

    // Only literals reach InetAddress, so no name is ever looked up.
    private static Optional<InetAddress> parseLiteral(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String literal = text.strip();
        int cut = indexOfAny(literal, '%', '/');
        if (cut >= 0) {
            literal = literal.substring(0, cut);
        }
        if (literal.isEmpty() || (literal.indexOf(':') < 0 && literal.indexOf('.') < 0)) {
            return Optional.empty();
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
                    || c == '.';
            if (!ok) {
                return Optional.empty();
            }
        }
        if (literal.indexOf(':') < 0 && !isDottedQuad(literal)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        if (i < 0) {
            return j;
        }
        return j < 0 ? i : Math.min(i, j);
    }

    private static boolean isDottedQuad(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (!Character.isDigit(part.charAt(i))) {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    // ---- AC_POWER, BATTERY_LOW ----

    /**
     * Whether the machine runs on external power: unknown without power sources (a desktop, or an OS OSHI cannot
     * read); true when any source is on line or charging; false when one discharges; true when batteries neither
     * charge nor discharge (full or held on AC: Linux reports that as "Full" / "Not charging", and OSHI never sets
     * {@code isPowerOnLine} there).
     */
    static Boolean onAcPower(List<Readings.Power> sources) {
        if (sources.isEmpty()) {
            return null;
        }
        if (sources.stream().anyMatch(s -> s.powerOnLine() || s.charging())) {
            return true;
        }
        return sources.stream().noneMatch(Readings.Power::discharging);
    }

    /**
     * Whether the battery is low: remaining capacity (the mean over the sources that report one) below 20 % while on
     * battery. False on external power; unknown without a battery or without a capacity reading.
     */
    static Boolean batteryLow(List<Readings.Power> sources) {
        double[] capacities = sources.stream().mapToDouble(Readings.Power::remainingCapacity)
                .filter(c -> c >= 0.0 && c <= 1.0).toArray();
        if (capacities.length == 0) {
            return null;
        }
        if (Boolean.TRUE.equals(onAcPower(sources))) {
            return false;
        }
        double mean = Arrays.stream(capacities).average().orElse(1.0);
        return mean < BATTERY_LOW_FRACTION;
    }

    // ---- STORAGE_LOW ----

    /** Low when less than 512 MiB or less than 5 % of the store is usable. */
    static boolean storageLow(long usableBytes, long totalBytes) {
        if (usableBytes < STORAGE_LOW_BYTES) {
            return true;
        }
        return totalBytes > 0 && (double) usableBytes < STORAGE_LOW_FRACTION * (double) totalBytes;
    }
}
