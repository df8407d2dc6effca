package dev.bgtasks.linux.netlink;

import static dev.bgtasks.linux.netlink.NetlinkFixtures.concat;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.linux.jna.ErrnoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nlmsghdr framing on hand-built bytes: multi-part dumps, DONE, ERROR, alignment and malformed lengths. */
class NetlinkMessageTest {
    @Test
    void splitsAMultiPartDatagramOnFourByteBoundaries() {
        // Payloads of 5 and 1 bytes: each message is padded, and the padding is not part of the payload.
        byte[] datagram = concat(message(16, 0x2, 7, new byte[] {1, 2, 3, 4, 5}),
                message(20, 0x2, 7, new byte[] {9}), NetlinkFixtures.done(7));
        List<NetlinkMessage> messages = NetlinkMessage.parseAll(datagram);
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0)).isEqualTo(new NetlinkMessage(16, 0x2, 7, 0x4242, new byte[] {1, 2, 3, 4, 5}));
        assertThat(messages.get(0).hasFlag(NetlinkMessage.NLM_F_MULTI)).isTrue();
        assertThat(messages.get(1).payload()).containsExactly(9);
        assertThat(messages.get(2).type()).isEqualTo(NetlinkMessage.NLMSG_DONE);
        assertThat(messages.get(2).error()).isZero();
    }

    @Test
    void readsTheErrnoOfAnErrorMessage() {
        NetlinkMessage error = NetlinkMessage.parseAll(NetlinkFixtures.error(3, -16)).get(0);
        assertThat(error.type()).isEqualTo(NetlinkMessage.NLMSG_ERROR);
        assertThat(error.sequence()).isEqualTo(3);
        assertThat(error.error()).isEqualTo(-16);
        assertThat(ErrnoException.name(-error.error())).isEqualTo("EBUSY");
        assertThat(ErrnoException.name(105)).isEqualTo("ENOBUFS");
        assertThat(ErrnoException.name(4242)).isEqualTo("errno 4242");
    }

    @Test
    void aDoneWithoutErrorFieldEndsWell() {
        NetlinkMessage done = NetlinkMessage.parseAll(message(3, 2, 1, new byte[0])).get(0);
        assertThat(done.error()).isZero();
        NetlinkMessage failed = NetlinkMessage.parseAll(message(3, 2, 1, NetlinkFixtures.u32(-90))).get(0);
        assertThat(failed.error()).isEqualTo(-90);
    }

    @Test
    void errorOfAnotherTypeIsAMistake() {
        NetlinkMessage link = NetlinkMessage.parseAll(message(16, 0, 1, new byte[16])).get(0);
        assertThatThrownBy(link::error).isInstanceOf(IllegalStateException.class);
        NetlinkMessage cut = NetlinkMessage.parseAll(message(2, 0, 1, new byte[2])).get(0);
        assertThatThrownBy(cut::error).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsLengthsThatDoNotFit() {
        byte[] tooLong = message(16, 0, 1, new byte[4]);
        ByteBuffer.wrap(tooLong).order(ByteOrder.nativeOrder()).putInt(0, 64);
        assertThatThrownBy(() -> NetlinkMessage.parseAll(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("claims 64 bytes");
        byte[] tooShort = message(16, 0, 1, new byte[4]);
        ByteBuffer.wrap(tooShort).order(ByteOrder.nativeOrder()).putInt(0, 8);
        assertThatThrownBy(() -> NetlinkMessage.parseAll(tooShort)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetlinkMessage.parseAll(new byte[5])).isInstanceOf(IllegalArgumentException.class);
        assertThat(NetlinkMessage.parseAll(new byte[0])).isEmpty();
    }

    @Test
    void buildsARequestHeader() {
        byte[] request = NetlinkMessage.request(18, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP, 9,
                new byte[] {1, 2, 3});
        ByteBuffer b = ByteBuffer.wrap(request).order(ByteOrder.nativeOrder());
        assertThat(request).hasSize(20);
        assertThat(b.getInt(0)).isEqualTo(19);
        assertThat(b.getShort(4)).isEqualTo((short) 18);
        assertThat(b.getShort(6)).isEqualTo((short) 0x301);
        assertThat(b.getInt(8)).isEqualTo(9);
        assertThat(b.getInt(12)).isZero();
        assertThat(request[16]).isEqualTo((byte) 1);
        assertThat(request[19]).isZero();
        assertThat(NetlinkMessage.parseAll(request).get(0).payload()).containsExactly(1, 2, 3);
    }

    @Test
    void dumpRequestsCarryTheFullHeaderOfTheirType() {
        assertThat(Rtnetlink.dumpRequest(Rtnetlink.RTM_GETLINK, 1)).hasSize(16 + 16);
        assertThat(Rtnetlink.dumpRequest(Rtnetlink.RTM_GETADDR, 1)).hasSize(16 + 8);
        assertThat(Rtnetlink.dumpRequest(Rtnetlink.RTM_GETROUTE, 1)).hasSize(16 + 12);
        NetlinkMessage route = NetlinkMessage.parseAll(Rtnetlink.dumpRequest(Rtnetlink.RTM_GETROUTE, 5)).get(0);
        assertThat(route.type()).isEqualTo(Rtnetlink.RTM_GETROUTE);
        assertThat(route.flags()).isEqualTo(0x301);
        assertThat(route.sequence()).isEqualTo(5);
        assertThatThrownBy(() -> Rtnetlink.dumpRequest(Rtnetlink.RTM_NEWROUTE, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
