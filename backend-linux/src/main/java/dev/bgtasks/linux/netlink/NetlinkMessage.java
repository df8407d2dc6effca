package dev.bgtasks.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One netlink message: the {@code struct nlmsghdr} fields and the payload after the header. Pure parsing and
 * building, no I/O, so every layout rule is tested with byte fixtures on any OS.
 *
 * <pre>{@code
 * for (NetlinkMessage message : NetlinkMessage.parseAll(datagram)) {
 *     if (message.type() == NetlinkMessage.NLMSG_DONE) { ... }
 * }
 * }</pre>
 *
 * <p>Netlink headers are in host byte order; bgtasks runs on little-endian 64-bit Linux only, but the code uses
 * {@link ByteOrder#nativeOrder()} rather than assume it.
 */
record NetlinkMessage(int type, int flags, int sequence, int portId, byte[] payload) {
    static final int HEADER_BYTES = 16;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    /** Set on a dump's messages when the kernel's tables changed while it was being written: dump again. */
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    /** On a NEW message: it replaced an existing object rather than adding one. */
    static final int NLM_F_REPLACE = 0x100;
    /** On a NEW message: it was added after existing objects with the same key. */
    static final int NLM_F_APPEND = 0x800;

    /** The 4-byte alignment of netlink headers, messages and attributes ({@code NLMSG_ALIGN}, {@code RTA_ALIGN}). */
    static int align(int length) {
        return (length + 3) & ~3;
    }

    static ByteBuffer order(ByteBuffer buffer) {
        return buffer.order(ByteOrder.nativeOrder());
    }

    /**
     * Splits a datagram into its messages. A datagram holds one or more messages, each starting on a 4-byte
     * boundary.
     *
     * @throws IllegalArgumentException when a header is cut or claims a length that does not fit
     */
    static List<NetlinkMessage> parseAll(byte[] datagram) {
        ByteBuffer buffer = order(ByteBuffer.wrap(datagram));
        List<NetlinkMessage> messages = new ArrayList<>();
        int offset = 0;
        while (datagram.length - offset >= HEADER_BYTES) {
            int length = buffer.getInt(offset);
            if (length < HEADER_BYTES || length > datagram.length - offset) {
                throw new IllegalArgumentException("netlink message at offset " + offset + " claims " + length
                        + " bytes, " + (datagram.length - offset) + " remain");
            }
            int type = Short.toUnsignedInt(buffer.getShort(offset + 4));
            int flags = Short.toUnsignedInt(buffer.getShort(offset + 6));
            int sequence = buffer.getInt(offset + 8);
            int portId = buffer.getInt(offset + 12);
            byte[] payload = Arrays.copyOfRange(datagram, offset + HEADER_BYTES, offset + length);
            messages.add(new NetlinkMessage(type, flags, sequence, portId, payload));
            offset += align(length);
        }
        if (offset < datagram.length && datagram.length - offset < HEADER_BYTES && messages.isEmpty()) {
            throw new IllegalArgumentException("datagram of " + datagram.length + " bytes holds no netlink header");
        }
        return messages;
    }

    /** A request: header plus {@code payload}, the length filled in. */
    static byte[] request(int type, int flags, int sequence, byte[] payload) {
        byte[] message = new byte[HEADER_BYTES + align(payload.length)];
        ByteBuffer buffer = order(ByteBuffer.wrap(message));
        buffer.putInt(0, HEADER_BYTES + payload.length);
        buffer.putShort(4, (short) type);
        buffer.putShort(6, (short) flags);
        buffer.putInt(8, sequence);
        buffer.putInt(12, 0);
        System.arraycopy(payload, 0, message, HEADER_BYTES, payload.length);
        return message;
    }

    /**
     * For {@link #NLMSG_ERROR} and {@link #NLMSG_DONE}: the error the kernel reports, as a negative errno, or 0
     * (an acknowledgement; a dump that ended well, also when its DONE carries no error field).
     *
     * @throws IllegalStateException for any other type, or an {@code NLMSG_ERROR} too short to hold the error
     */
    int error() {
        boolean done = type == NLMSG_DONE;
        if (!done && type != NLMSG_ERROR || !done && payload.length < Integer.BYTES) {
            throw new IllegalStateException("not an NLMSG_ERROR with an error code: type " + type + ", "
                    + payload.length + " payload bytes");
        }
        return payload.length < Integer.BYTES ? 0 : order(ByteBuffer.wrap(payload)).getInt(0);
    }

    boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NetlinkMessage m && m.type == type && m.flags == flags && m.sequence == sequence
                && m.portId == portId && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((type * 31 + flags) * 31 + sequence) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "NetlinkMessage[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", seq=" + sequence
                + ", pid=" + portId + ", " + payload.length + " payload bytes]";
    }
}
