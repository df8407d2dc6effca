package dev.bgtasks.linux.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rtnetlink payloads the internet signal reads: links ({@code ifinfomsg}), addresses ({@code ifaddrmsg}) and
 * routes ({@code rtmsg}), each followed by {@code rtattr}s. Pure functions over bytes; constants from
 * linux/{rtnetlink,if_addr,if_link,if}.h.
 *
 * <pre>{@code
 * Rtnetlink.Route route = Rtnetlink.parseRoute(message.payload());
 * byte[] request = Rtnetlink.dumpRequest(Rtnetlink.RTM_GETROUTE, 3);
 * }</pre>
 */
final class Rtnetlink {
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;

    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV4_ROUTE = 0x40;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    static final int RTMGRP_IPV6_ROUTE = 0x400;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    static final int IFF_UP = 0x1;
    static final int IFF_LOOPBACK = 0x8;
    static final int IFF_RUNNING = 0x40;

    static final int IFLA_IFNAME = 3;
    static final int IFLA_OPERSTATE = 16;
    static final int IF_OPER_UNKNOWN = 0;
    static final int IF_OPER_DOWN = 2;
    static final int IF_OPER_UP = 6;
    /** Our marker for a link message without {@code IFLA_OPERSTATE}. */
    static final int OPERSTATE_ABSENT = -1;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_OPTIMISTIC = 0x04;
    static final int IFA_F_DADFAILED = 0x08;
    static final int IFA_F_TENTATIVE = 0x40;

    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_MULTIPATH = 9;
    static final int RTA_TABLE = 15;
    static final int RTA_VIA = 18;

    static final int RT_TABLE_MAIN = 254;
    static final int RTN_UNICAST = 1;
    static final int RT_SCOPE_UNIVERSE = 0;

    private static final int IFINFOMSG_BYTES = 16;
    private static final int IFADDRMSG_BYTES = 8;
    private static final int RTMSG_BYTES = 12;
    private static final int RTATTR_HEADER_BYTES = 4;
    private static final int RTNEXTHOP_BYTES = 8;
    // rta_type's top two bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER, not part of the type.
    private static final int NLA_TYPE_MASK = 0x3fff;

    private Rtnetlink() {
    }

    /** A network interface as a link message describes it. */
    record Link(int index, int flags, String name, int operState) {
        boolean hasFlag(int flag) {
            return (flags & flag) == flag;
        }
    }

    /**
     * An address on an interface. {@code local} is the interface's own address ({@code IFA_LOCAL}, else
     * {@code IFA_ADDRESS}: on point-to-point links {@code IFA_ADDRESS} is the peer).
     */
    record Address(int family, int prefixLength, int flags, int scope, int index, InetAddress local) {
    }

    /** One way out of a route: the interface (0 when the message names none) and the gateway, or null. */
    record Nexthop(int index, InetAddress gateway) {
    }

    /**
     * A route. {@code table} already prefers {@code RTA_TABLE} (tables above 255 only fit there);
     * {@code priority} is the metric; {@code preferredSource} is null when unset; {@code nexthops} lists the
     * single path, or each path of {@code RTA_MULTIPATH}.
     */
    record Route(int family, int destinationLength, int tos, int table, int type, int priority,
            InetAddress preferredSource, List<Nexthop> nexthops) {
        boolean isDefault() {
            return destinationLength == 0;
        }
    }

    /** Parses an {@code RTM_NEWLINK}/{@code RTM_DELLINK} payload. */
    static Link parseLink(byte[] payload) {
        require(payload, IFINFOMSG_BYTES, "ifinfomsg");
        ByteBuffer buffer = NetlinkMessage.order(ByteBuffer.wrap(payload));
        int index = buffer.getInt(4);
        int flags = buffer.getInt(8);
        Map<Integer, byte[]> attributes = attributes(payload, IFINFOMSG_BYTES, payload.length);
        byte[] name = attributes.get(IFLA_IFNAME);
        byte[] operState = attributes.get(IFLA_OPERSTATE);
        return new Link(index, flags, name == null ? "" : cString(name),
                operState == null || operState.length < 1 ? OPERSTATE_ABSENT : Byte.toUnsignedInt(operState[0]));
    }

    /** The {@code ifi_family} of a link payload: links come as {@code AF_UNSPEC}; bridge port news as 7. */
    static int linkFamily(byte[] payload) {
        require(payload, IFINFOMSG_BYTES, "ifinfomsg");
        return Byte.toUnsignedInt(payload[0]);
    }

    /** Parses an {@code RTM_NEWADDR}/{@code RTM_DELADDR} payload. */
    static Address parseAddress(byte[] payload) {
        require(payload, IFADDRMSG_BYTES, "ifaddrmsg");
        ByteBuffer buffer = NetlinkMessage.order(ByteBuffer.wrap(payload));
        int family = Byte.toUnsignedInt(payload[0]);
        int prefixLength = Byte.toUnsignedInt(payload[1]);
        int flags = Byte.toUnsignedInt(payload[2]);
        int scope = Byte.toUnsignedInt(payload[3]);
        int index = buffer.getInt(4);
        Map<Integer, byte[]> attributes = attributes(payload, IFADDRMSG_BYTES, payload.length);
        byte[] wideFlags = attributes.get(IFA_FLAGS);
        if (wideFlags != null && wideFlags.length >= Integer.BYTES) {
            // IFA_FLAGS carries all 32 bits; ifa_flags only the low 8.
            flags = NetlinkMessage.order(ByteBuffer.wrap(wideFlags)).getInt(0);
        }
        byte[] local = attributes.getOrDefault(IFA_LOCAL, attributes.get(IFA_ADDRESS));
        return new Address(family, prefixLength, flags, scope, index, inetAddress(local, "address"));
    }

    /** Parses an {@code RTM_NEWROUTE}/{@code RTM_DELROUTE} payload. */
    static Route parseRoute(byte[] payload) {
        require(payload, RTMSG_BYTES, "rtmsg");
        int family = Byte.toUnsignedInt(payload[0]);
        int destinationLength = Byte.toUnsignedInt(payload[1]);
        int tos = Byte.toUnsignedInt(payload[3]);
        int table = Byte.toUnsignedInt(payload[4]);
        int type = Byte.toUnsignedInt(payload[7]);
        Map<Integer, byte[]> attributes = attributes(payload, RTMSG_BYTES, payload.length);
        byte[] wideTable = attributes.get(RTA_TABLE);
        if (wideTable != null && wideTable.length >= Integer.BYTES) {
            table = NetlinkMessage.order(ByteBuffer.wrap(wideTable)).getInt(0);
        }
        int priority = intAttribute(attributes.get(RTA_PRIORITY), 0);
        byte[] source = attributes.get(RTA_PREFSRC);
        List<Nexthop> nexthops = new ArrayList<>();
        byte[] multipath = attributes.get(RTA_MULTIPATH);
        if (multipath != null) {
            nexthops.addAll(parseMultipath(multipath));
        } else {
            int index = intAttribute(attributes.get(RTA_OIF), 0);
            InetAddress gateway = gateway(attributes);
            if (index != 0 || gateway != null) {
                nexthops.add(new Nexthop(index, gateway));
            }
        }
        return new Route(family, destinationLength, tos, table, type, priority,
                source == null ? null : inetAddress(source, "preferred source"), List.copyOf(nexthops));
    }

    // struct rtnexthop { u16 rtnh_len; u8 rtnh_flags; u8 rtnh_hops; i32 rtnh_ifindex; } then its own rtattrs.
    private static List<Nexthop> parseMultipath(byte[] value) {
        ByteBuffer buffer = NetlinkMessage.order(ByteBuffer.wrap(value));
        List<Nexthop> nexthops = new ArrayList<>();
        int offset = 0;
        while (value.length - offset >= RTNEXTHOP_BYTES) {
            int length = Short.toUnsignedInt(buffer.getShort(offset));
            if (length < RTNEXTHOP_BYTES || length > value.length - offset) {
                throw new IllegalArgumentException("rtnexthop at offset " + offset + " claims " + length
                        + " bytes, " + (value.length - offset) + " remain");
            }
            int index = buffer.getInt(offset + 4);
            Map<Integer, byte[]> attributes = attributes(value, offset + RTNEXTHOP_BYTES, offset + length);
            nexthops.add(new Nexthop(index, gateway(attributes)));
            offset += NetlinkMessage.align(length);
        }
        return nexthops;
    }

    // RTA_VIA (struct rtvia { u16 family; u8 addr[]; }) carries a gateway of the other family (v4 via v6).
    private static InetAddress gateway(Map<Integer, byte[]> attributes) {
        byte[] gateway = attributes.get(RTA_GATEWAY);
        if (gateway != null) {
            return inetAddress(gateway, "gateway");
        }
        byte[] via = attributes.get(RTA_VIA);
        if (via != null && via.length > 2) {
            byte[] address = new byte[via.length - 2];
            System.arraycopy(via, 2, address, 0, address.length);
            return inetAddress(address, "via gateway");
        }
        return null;
    }

    /**
     * The attributes in {@code bytes[from, to)}, by type (nested/byte-order bits dropped); a later duplicate
     * wins. A trailing fragment shorter than an attribute header is ignored, as the kernel's {@code RTA_OK} does.
     *
     * @throws IllegalArgumentException when an attribute claims a length that does not fit
     */
    static Map<Integer, byte[]> attributes(byte[] bytes, int from, int to) {
        ByteBuffer buffer = NetlinkMessage.order(ByteBuffer.wrap(bytes));
        Map<Integer, byte[]> attributes = new HashMap<>();
        int offset = from;
        while (to - offset >= RTATTR_HEADER_BYTES) {
            int length = Short.toUnsignedInt(buffer.getShort(offset));
            int type = Short.toUnsignedInt(buffer.getShort(offset + 2)) & NLA_TYPE_MASK;
            if (length < RTATTR_HEADER_BYTES || length > to - offset) {
                throw new IllegalArgumentException("rtattr type " + type + " at offset " + offset + " claims "
                        + length + " bytes, " + (to - offset) + " remain");
            }
            byte[] value = new byte[length - RTATTR_HEADER_BYTES];
            System.arraycopy(bytes, offset + RTATTR_HEADER_BYTES, value, 0, value.length);
            attributes.put(type, value);
            offset += NetlinkMessage.align(length);
        }
        return attributes;
    }

    /**
     * A dump request for {@code type} ({@link #RTM_GETLINK}, {@link #RTM_GETADDR}, {@link #RTM_GETROUTE}) of
     * every family. The payload is the type's full header, zeroed: kernels with strict checking reject the short
     * {@code rtgenmsg} form.
     */
    static byte[] dumpRequest(int type, int sequence) {
        int payloadBytes = switch (type) {
            case RTM_GETLINK -> IFINFOMSG_BYTES;
            case RTM_GETADDR -> IFADDRMSG_BYTES;
            case RTM_GETROUTE -> RTMSG_BYTES;
            default -> throw new IllegalArgumentException("not a dump this signal needs: " + type);
        };
        return NetlinkMessage.request(type, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, sequence,
                new byte[payloadBytes]);
    }

    /** A name for logs: {@code RTM_NEWROUTE} for 24. */
    static String typeName(int type) {
        return switch (type) {
            case RTM_NEWLINK -> "RTM_NEWLINK";
            case RTM_DELLINK -> "RTM_DELLINK";
            case RTM_GETLINK -> "RTM_GETLINK";
            case RTM_NEWADDR -> "RTM_NEWADDR";
            case RTM_DELADDR -> "RTM_DELADDR";
            case RTM_GETADDR -> "RTM_GETADDR";
            case RTM_NEWROUTE -> "RTM_NEWROUTE";
            case RTM_DELROUTE -> "RTM_DELROUTE";
            case RTM_GETROUTE -> "RTM_GETROUTE";
            case NetlinkMessage.NLMSG_ERROR -> "NLMSG_ERROR";
            case NetlinkMessage.NLMSG_DONE -> "NLMSG_DONE";
            default -> "type " + type;
        };
    }

    private static int intAttribute(byte[] value, int absent) {
        if (value == null || value.length < Integer.BYTES) {
            return absent;
        }
        return NetlinkMessage.order(ByteBuffer.wrap(value)).getInt(0);
    }

    private static InetAddress inetAddress(byte[] bytes, String what) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException(what + " of " + bytes.length + " bytes is neither IPv4 nor IPv6");
        }
        try {
            // A literal of the right length: never looks anything up.
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static void require(byte[] payload, int bytes, String what) {
        if (payload.length < bytes) {
            throw new IllegalArgumentException(what + " needs " + bytes + " bytes, the payload has "
                    + payload.length);
        }
    }
}
