package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The rtnetlink INTERNET source against a real kernel, in a fresh network namespace per test: it starts false
 * without a route, turns true when a default route is added, and false again when the route, the address or the
 * link goes, each change reported once and in order. How fast is printed ({@code NETLINK-LATENCY}), not asserted:
 * a latency bound on a shared, loaded CI host would only make the test flaky; the wait itself has a deadline. Root and iproute2 needed; skipped without them unless
 * BGTASKS_REQUIRE_NATIVE=1, which makes it fail instead.
 */
@EnabledOnOs(OS.LINUX)
class NetlinkNamespaceTest {
    /** How long a change may take to be reported before the test calls it lost. */
    private static final long FLIP_DEADLINE_MILLIS = 5_000;
    private static final long PROBE_START_MILLIS = 30_000;

    private NetlinkNamespace ns;

    @AfterEach
    void deleteNamespace() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    /**
     * Runs {@code ip -n <ns> args}, then waits (with a deadline) for the probe's next line and checks it says
     * {@code expected}. Prints how long after the command the line came.
     */
    private void expectFlip(String what, String expected, String... args) throws Exception {
        NetlinkNamespace.Run run = ns.ip(args);
        NetlinkNamespace.Line line = ns.nextLine(FLIP_DEADLINE_MILLIS);
        double afterReturn = (line.readNanos() - run.returnNanos()) / 1e6;
        double afterStart = (line.readNanos() - run.startNanos()) / 1e6;
        System.out.printf("NETLINK-LATENCY %-34s -> %-15s %7.2f ms after `ip` returned, %7.2f ms after it"
                + " started%n", what, line.text(), afterReturn, afterStart);
        assertThat(line.text()).as("the probe's next line after %s", what).isEqualTo(expected);
    }

    @Test
    void internetFollowsDefaultRouteAndAddress() throws Exception {
        ns = NetlinkNamespace.create();
        ns.startProbe();
        // No link up, no address, no route at all.
        assertThat(ns.nextLine(PROBE_START_MILLIS).text()).isEqualTo("INTERNET false");
        ns.vethWithAddress();

        expectFlip("ip route add default", "INTERNET true", "route", "add", "default", "via", "10.200.0.1", "dev",
                "v0");
        expectFlip("ip route del default", "INTERNET false", "route", "del", "default");
        expectFlip("ip route add default (again)", "INTERNET true", "route", "add", "default", "via", "10.200.0.1",
                "dev", "v0");
        expectFlip("ip addr del 10.200.0.2/24", "INTERNET false", "addr", "del", "10.200.0.2/24", "dev", "v0");

        // The kernel dropped the default route with the address and said nothing: the address alone must not
        // bring INTERNET back, only the route added after it.
        NetlinkNamespace.Run readd = ns.ip("addr", "add", "10.200.0.2/24", "dev", "v0");
        assertThat(ns.ip("route", "show", "default").output()).isBlank();
        NetlinkNamespace.Run route = ns.ip("route", "add", "default", "via", "10.200.0.1", "dev", "v0");
        NetlinkNamespace.Line line = ns.nextLine(5_000);
        assertThat(line.text()).isEqualTo("INTERNET true");
        assertThat(line.readNanos()).as("INTERNET true came before the route (address re-added at %d)",
                readd.returnNanos()).isGreaterThan(route.startNanos());
        assertThat(ns.pendingLines()).isEmpty();
    }

    @Test
    void withALinkAndAnAddressButNoRouteItStartsFalse() throws Exception {
        ns = NetlinkNamespace.create();
        ns.vethWithAddress();
        ns.startProbe();
        assertThat(ns.nextLine(PROBE_START_MILLIS).text()).isEqualTo("INTERNET false");
        expectFlip("ip route add default (probe started after the link)", "INTERNET true", "route", "add",
                "default", "via", "10.200.0.1", "dev", "v0");
    }

    @Test
    void alreadyConnectedItStartsTrueAndLinkDownEndsIt() throws Exception {
        ns = NetlinkNamespace.create();
        ns.vethWithAddress();
        ns.ip("route", "add", "default", "via", "10.200.0.1", "dev", "v0");
        ns.startProbe();
        assertThat(ns.nextLine(PROBE_START_MILLIS).text()).isEqualTo("INTERNET true");
        expectFlip("ip link set v0 down", "INTERNET false", "link", "set", "v0", "down");
        // The kernel flushed the IPv4 routes of v0 silently: up again is not enough.
        ns.ip("link", "set", "v0", "up");
        expectFlip("ip route add default (after link up)", "INTERNET true", "route", "add", "default", "via",
                "10.200.0.1", "dev", "v0");
        assertThat(ns.pendingLines()).isEmpty();
    }

    @Test
    void anIpv6DefaultRouteCountsToo() throws Exception {
        ns = NetlinkNamespace.create();
        ns.veth();
        ns.startProbe();
        assertThat(ns.nextLine(PROBE_START_MILLIS).text()).isEqualTo("INTERNET false");
        // nodad: usable at once, no tentative phase.
        ns.ip("-6", "addr", "add", "2001:db8::2/64", "dev", "v0", "nodad");
        expectFlip("ip -6 route add default", "INTERNET true", "-6", "route", "add", "default", "via",
                "2001:db8::1", "dev", "v0");
        expectFlip("ip -6 route del default", "INTERNET false", "-6", "route", "del", "default", "via",
                "2001:db8::1", "dev", "v0");
    }
}
