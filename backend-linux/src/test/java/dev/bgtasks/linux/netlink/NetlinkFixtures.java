package dev.bgtasks.linux.netlink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Hand-built netlink bytes for tests, written field by field after the kernel headers (not with the production
 * builders, so a layout mistake there cannot hide in both), and the recorded datagrams under
 * {@code src/test/resources/netlink/}.
 */
final class NetlinkFixtures {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int IFF_UP = 0x1;
    static final int IFF_LOOPBACK = 0x8;
    static final int IFF_RUNNING = 0x40;
    static final int IFF_LOWER_UP = 0x10000;
    static final int UP_RUNNING = IFF_UP | IFF_RUNNING | IFF_LOWER_UP | 0x1002;
    static final int OPER_UNKNOWN = 0;
    static final int OPER_DOWN = 2;
    static final int OPER_UP = 6;
    static final int SCOPE_UNIVERSE = 0;
    static final int SCOPE_LINK = 253;
    static final int SCOPE_HOST = 254;
    static final int MAIN = 254;
    static final int UNICAST = 1;
    static final int UNREACHABLE = 7;

    private NetlinkFixtures() {
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    private static int align(int n) {
        return (n + 3) / 4 * 4;
    }

    /** nlmsghdr + payload, padded to 4 bytes. */
    static byte[] message(int type, int flags, int seq, byte[] payload) {
        ByteBuffer b = buffer(align(16 + payload.length));
        b.putInt(16 + payload.length).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0x4242);
        b.put(payload);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** rtattr, padded to 4 bytes. */
    static byte[] attr(int type, byte[] value) {
        ByteBuffer b = buffer(align(4 + value.length));
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        return b.array();
    }

    static byte[] u32(int value) {
        return buffer(4).putInt(value).array();
    }

    static byte[] ip(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** ifinfomsg {family, pad, type, index, flags, change} + IFLA_IFNAME + IFLA_OPERSTATE (when >= 0). */
    static byte[] link(int family, int index, int flags, String name, int operState) {
        ByteBuffer b = buffer(16);
        b.put((byte) family).put((byte) 0).putShort((short) 1).putInt(index).putInt(flags).putInt(0xffffffff);
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] attrs = attr(3, nameBytes);
        if (operState >= 0) {
            attrs = concat(attrs, attr(16, new byte[] {(byte) operState}));
        }
        return concat(b.array(), attrs);
    }

    static byte[] link(int index, int flags, String name, int operState) {
        return link(0, index, flags, name, operState);
    }

    /** ifaddrmsg {family, prefixlen, flags, scope, index} + IFA_ADDRESS + IFA_LOCAL (v4) + IFA_FLAGS. */
    static byte[] address(int index, String literal, int prefixLength, int scope, int flags) {
        byte[] addr = ip(literal);
        int family = addr.length == 4 ? AF_INET : AF_INET6;
        ByteBuffer b = buffer(8);
        b.put((byte) family).put((byte) prefixLength).put((byte) (flags & 0xff)).put((byte) scope).putInt(index);
        byte[] attrs = attr(1, addr);
        if (family == AF_INET) {
            attrs = concat(attrs, attr(2, addr));
        }
        return concat(b.array(), attrs, attr(8, u32(flags)));
    }

    /**
     * rtmsg {family, dst_len, src_len, tos, table, protocol, scope, type, flags} + RTA_TABLE + attributes; like
     * the kernel, rtm_table holds RT_TABLE_COMPAT (252) for tables above 255.
     */
    static byte[] rtmsg(int family, int dstLength, int table, int type, byte[] attributes) {
        ByteBuffer b = buffer(12);
        b.put((byte) family).put((byte) dstLength).put((byte) 0).put((byte) 0)
                .put((byte) (table <= 255 ? table : 252)).put((byte) 3)
                .put((byte) 0).put((byte) type).putInt(0);
        return concat(b.array(), attr(15, u32(table)), attributes);
    }

    /** A default route of the main table through {@code oif}, with a gateway when not null. */
    static byte[] defaultRoute(int family, int oif, String gateway) {
        return defaultRoute(family, oif, gateway, 0);
    }

    static byte[] defaultRoute(int family, int oif, String gateway, int priority) {
        byte[] attrs = attr(4, u32(oif));
        if (gateway != null) {
            attrs = concat(attrs, attr(5, ip(gateway)));
        }
        if (priority != 0) {
            attrs = concat(attrs, attr(6, u32(priority)));
        }
        return rtmsg(family, 0, MAIN, UNICAST, attrs);
    }

    /** NLMSG_DONE with its int error field. */
    static byte[] done(int seq) {
        return message(3, 2, seq, u32(0));
    }

    /** NLMSG_ERROR {int error; nlmsghdr of the request}. */
    static byte[] error(int seq, int negativeErrno) {
        ByteBuffer b = buffer(20);
        b.putInt(negativeErrno).putInt(16).putShort((short) 18).putShort((short) 0x301).putInt(seq).putInt(0);
        return message(2, 0, seq, b.array());
    }

    /** A dump answer: every payload as a NLM_F_MULTI message of {@code type}, then NLMSG_DONE, in one datagram. */
    static byte[] dumpReply(int seq, int type, List<byte[]> payloads) {
        List<byte[]> parts = new ArrayList<>();
        for (byte[] payload : payloads) {
            parts.add(message(type, 2, seq, payload));
        }
        parts.add(done(seq));
        return concat(parts.toArray(new byte[0][]));
    }

    /** The datagrams of a recorded file (one hex line each, '#' lines are comments), with each comment above. */
    static List<Recorded> recorded(String name) {
        try (InputStream in = NetlinkFixtures.class.getResourceAsStream("/netlink/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            List<Recorded> datagrams = new ArrayList<>();
            String comment = "";
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("#")) {
                    comment = line.substring(1).strip();
                } else if (!line.isBlank()) {
                    datagrams.add(new Recorded(comment, HexFormat.of().parseHex(line.strip())));
                }
            }
            return datagrams;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One recorded datagram and the comment line above it. */
    record Recorded(String comment, byte[] datagram) {
    }
}
