package dev.bgtasks.linux.netlink;

import static dev.bgtasks.linux.netlink.NetlinkFixtures.AF_INET;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.AF_INET6;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.attr;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.concat;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.ip;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.u32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ifinfomsg, ifaddrmsg, rtmsg and rtattr parsing on hand-built bytes and on a dump recorded from a kernel. */
class RtnetlinkTest {
    private static InetAddress inet(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void parsesALink() {
        Rtnetlink.Link link = Rtnetlink.parseLink(NetlinkFixtures.link(3, 0x11043, "eth0", 6));
        assertThat(link).isEqualTo(new Rtnetlink.Link(3, 0x11043, "eth0", Rtnetlink.IF_OPER_UP));
        assertThat(link.hasFlag(Rtnetlink.IFF_UP)).isTrue();
        assertThat(link.hasFlag(Rtnetlink.IFF_LOOPBACK)).isFalse();
        assertThat(Rtnetlink.linkFamily(NetlinkFixtures.link(7, 3, 1, "br0p1", 6))).isEqualTo(7);
        assertThat(Rtnetlink.parseLink(NetlinkFixtures.link(4, 1, "tun0", -1)).operState())
                .isEqualTo(Rtnetlink.OPERSTATE_ABSENT);
    }

    @Test
    void parsesAnIpv4AddressPreferringTheLocalOne() throws Exception {
        // A point-to-point address: IFA_ADDRESS is the peer, IFA_LOCAL ours.
        byte[] header = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                .put((byte) AF_INET).put((byte) 32).put((byte) 0x80).put((byte) 0).putInt(9).array();
        byte[] payload = concat(header, attr(1, ip("10.8.0.1")), attr(2, ip("10.8.0.2")));
        Rtnetlink.Address address = Rtnetlink.parseAddress(payload);
        assertThat(address).isEqualTo(new Rtnetlink.Address(AF_INET, 32, 0x80, 0, 9, inet("10.8.0.2")));
    }

    @Test
    void ipv6AddressFlagsComeFromIfaFlagsWhenPresent() throws Exception {
        // ifa_flags holds only the low byte; IFA_FLAGS 0x140 (tentative | noprefixroute) is the truth.
        Rtnetlink.Address address = Rtnetlink.parseAddress(
                NetlinkFixtures.address(2, "2001:db8::5", 64, 0, 0x140));
        assertThat(address.family()).isEqualTo(AF_INET6);
        assertThat(address.flags()).isEqualTo(0x140);
        assertThat(address.local()).isEqualTo(inet("2001:db8::5"));
        byte[] header = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder())
                .put((byte) AF_INET6).put((byte) 64).put((byte) 0x40).put((byte) 0).putInt(2).array();
        assertThat(Rtnetlink.parseAddress(concat(header, attr(1, ip("2001:db8::6")))).flags()).isEqualTo(0x40);
    }

    @Test
    void parsesADefaultRoute() throws Exception {
        byte[] payload = NetlinkFixtures.rtmsg(AF_INET, 0, 254, 1, concat(attr(4, u32(3)),
                attr(5, ip("10.0.0.1")), attr(6, u32(100)), attr(7, ip("10.0.0.2"))));
        Rtnetlink.Route route = Rtnetlink.parseRoute(payload);
        assertThat(route.isDefault()).isTrue();
        assertThat(route.table()).isEqualTo(254);
        assertThat(route.type()).isEqualTo(Rtnetlink.RTN_UNICAST);
        assertThat(route.priority()).isEqualTo(100);
        assertThat(route.preferredSource()).isEqualTo(inet("10.0.0.2"));
        assertThat(route.nexthops()).containsExactly(new Rtnetlink.Nexthop(3, inet("10.0.0.1")));
    }

    @Test
    void tablesAboveTwoFiftyFiveComeFromRtaTable() {
        Rtnetlink.Route route = Rtnetlink.parseRoute(NetlinkFixtures.rtmsg(AF_INET, 0, 1000, 1, attr(4, u32(2))));
        assertThat(route.table()).isEqualTo(1000);
        // Without RTA_TABLE, rtm_table stands.
        byte[] bare = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).put((byte) AF_INET).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 254).put((byte) 3).put((byte) 0).put((byte) 1).putInt(0)
                .array();
        assertThat(Rtnetlink.parseRoute(bare).table()).isEqualTo(254);
        assertThat(Rtnetlink.parseRoute(bare).nexthops()).isEmpty();
    }

    @Test
    void parsesMultipathNexthops() throws Exception {
        byte[] hop1 = rtnexthop(2, attr(5, ip("10.0.0.1")));
        byte[] hop2 = rtnexthop(5, attr(5, ip("10.1.0.1")));
        Rtnetlink.Route route = Rtnetlink.parseRoute(
                NetlinkFixtures.rtmsg(AF_INET, 0, 254, 1, attr(9, concat(hop1, hop2))));
        assertThat(route.nexthops()).containsExactly(new Rtnetlink.Nexthop(2, inet("10.0.0.1")),
                new Rtnetlink.Nexthop(5, inet("10.1.0.1")));
    }

    @Test
    void aViaGatewayMayBeOfTheOtherFamily() throws Exception {
        byte[] via = concat(ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) AF_INET6)
                .array(), ip("fe80::1"));
        Rtnetlink.Route route = Rtnetlink.parseRoute(
                NetlinkFixtures.rtmsg(AF_INET, 0, 254, 1, concat(attr(4, u32(2)), attr(18, via))));
        assertThat(route.nexthops()).containsExactly(new Rtnetlink.Nexthop(2, inet("fe80::1")));
    }

    private static byte[] rtnexthop(int index, byte[] attributes) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        b.putShort((short) (8 + attributes.length)).put((byte) 0).put((byte) 0).putInt(index);
        return concat(b.array(), attributes);
    }

    @Test
    void attributesAreAlignedMaskedAndBounded() {
        byte[] nested = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putShort((short) 5)
                .putShort((short) (0x8000 | 3)).put((byte) 'x').array();
        byte[] bytes = concat(nested, attr(16, new byte[] {6}), new byte[] {1, 0});
        Map<Integer, byte[]> attributes = Rtnetlink.attributes(bytes, 0, bytes.length);
        assertThat(attributes).containsOnlyKeys(3, 16);
        assertThat(attributes.get(3)).containsExactly('x');
        byte[] cut = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putShort((short) 12).putShort((short) 1)
                .array();
        assertThatThrownBy(() -> Rtnetlink.attributes(cut, 0, cut.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("claims 12 bytes");
        assertThatThrownBy(() -> Rtnetlink.parseRoute(new byte[8])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rtmsg");
        assertThatThrownBy(() -> Rtnetlink.parseRoute(NetlinkFixtures.rtmsg(AF_INET, 0, 254, 1,
                attr(5, new byte[3])))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither IPv4 nor IPv6");
    }

    @Test
    void parsesTheDumpRecordedFromAKernel() throws Exception {
        List<NetlinkMessage> messages = new ArrayList<>();
        for (NetlinkFixtures.Recorded recorded : NetlinkFixtures.recorded("dump-veth.hex")) {
            messages.addAll(NetlinkMessage.parseAll(recorded.datagram()));
        }
        List<Rtnetlink.Link> links = messages.stream().filter(m -> m.type() == Rtnetlink.RTM_NEWLINK)
                .map(m -> Rtnetlink.parseLink(m.payload())).toList();
        assertThat(links).extracting(Rtnetlink.Link::name).containsExactly("lo", "v1", "v0");
        assertThat(links.get(0).hasFlag(Rtnetlink.IFF_LOOPBACK)).isTrue();
        assertThat(links.get(2).index()).isEqualTo(3);
        assertThat(links.get(2).operState()).isEqualTo(Rtnetlink.IF_OPER_UP);
        assertThat(links.get(2).hasFlag(Rtnetlink.IFF_UP | Rtnetlink.IFF_RUNNING)).isTrue();

        List<Rtnetlink.Address> addresses = messages.stream().filter(m -> m.type() == Rtnetlink.RTM_NEWADDR)
                .map(m -> Rtnetlink.parseAddress(m.payload())).toList();
        assertThat(addresses).contains(new Rtnetlink.Address(AF_INET, 24, 0x80, 0, 3, inet("10.200.0.2")),
                new Rtnetlink.Address(AF_INET6, 64, 0x82, 0, 3, inet("2001:db8::2")),
                new Rtnetlink.Address(AF_INET6, 64, 0x80, 253, 3, inet("fe80::ff:fe00:1")));

        List<Rtnetlink.Route> defaults = messages.stream().filter(m -> m.type() == Rtnetlink.RTM_NEWROUTE)
                .map(m -> Rtnetlink.parseRoute(m.payload())).filter(Rtnetlink.Route::isDefault).toList();
        assertThat(defaults).containsExactly(
                new Rtnetlink.Route(AF_INET, 0, 0, 254, 1, 0, null,
                        List.of(new Rtnetlink.Nexthop(3, inet("10.200.0.1")))),
                new Rtnetlink.Route(AF_INET6, 0, 0, 254, 1, 1024, null,
                        List.of(new Rtnetlink.Nexthop(3, inet("2001:db8::1")))));
        assertThat(messages.stream().filter(m -> m.type() == NetlinkMessage.NLMSG_DONE)).hasSize(3);
        assertThat(messages).allMatch(m -> m.hasFlag(NetlinkMessage.NLM_F_MULTI));
    }
}
