package dev.bgtasks.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.linux.jna.ErrnoException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The socket wrapper against this kernel: a real dump, timeouts, errno names, close, and a real uevent. */
@EnabledOnOs(OS.LINUX)
class NetlinkSocketLinuxTest {
    @Test
    void dumpsTheLinksOfThisHost() throws IOException {
        List<String> names = new ArrayList<>();
        try (NetlinkSocket socket = NetlinkSocket.open("test", NetlinkSocket.ROUTE, 0)) {
            socket.send(Rtnetlink.dumpRequest(Rtnetlink.RTM_GETLINK, 77));
            boolean done = false;
            while (!done) {
                byte[] datagram = socket.receive(5000).orElseThrow(() -> new AssertionError("no dump answer"));
                for (NetlinkMessage message : NetlinkMessage.parseAll(datagram)) {
                    assertThat(message.sequence()).isEqualTo(77);
                    if (message.type() == NetlinkMessage.NLMSG_DONE) {
                        done = true;
                    } else {
                        names.add(Rtnetlink.parseLink(message.payload()).name());
                    }
                }
            }
        }
        assertThat(names).contains("lo");
    }

    @Test
    void receiveTimesOutEmptyAndCloseIsIdempotent() throws IOException {
        NetlinkSocket socket = NetlinkSocket.open("test", NetlinkSocket.ROUTE, 0);
        assertThat(socket.receive(20)).isEmpty();
        socket.close();
        socket.close();
        assertThat(socket.isClosed()).isTrue();
        assertThatThrownBy(() -> socket.receive(20)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> socket.send(new byte[16])).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void wakeUpEndsAWaitWithoutTimeoutAndEveryLaterOne() throws Exception {
        try (NetlinkSocket socket = NetlinkSocket.open("test", NetlinkSocket.ROUTE, 0)) {
            java.util.concurrent.CompletableFuture<java.util.Optional<byte[]>> waiting =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return socket.receive(NetlinkChannel.FOREVER);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            // Not a timing assertion: without the wake-up this wait would never end.
            socket.wakeUp();
            assertThat(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
            assertThat(socket.receive(NetlinkChannel.FOREVER)).isEmpty();
        }
    }

    @Test
    void errorsNameTheirErrno() {
        // Netlink protocols stop at 31.
        assertThatThrownBy(() -> NetlinkSocket.open("test", 32, 0)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("test: socket failed with EPROTONOSUPPORT");
    }

    @Test
    void aRequestTheKernelRejectsComesBackAsNlmsgError() throws IOException {
        try (NetlinkSocket socket = NetlinkSocket.open("test", NetlinkSocket.ROUTE, 0)) {
            // RTM_GETROUTE without NLM_F_DUMP and without a destination: the kernel answers with an error.
            socket.send(NetlinkMessage.request(Rtnetlink.RTM_GETROUTE, NetlinkMessage.NLM_F_REQUEST, 5,
                    new byte[] {(byte) 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
            NetlinkMessage answer = NetlinkMessage.parseAll(socket.receive(5000).orElseThrow()).get(0);
            assertThat(answer.type()).isEqualTo(NetlinkMessage.NLMSG_ERROR);
            assertThat(answer.error()).isNegative();
            assertThat(ErrnoException.name(-answer.error())).startsWith("E");
        }
    }

    @Test
    void receivesAKernelUevent() throws IOException {
        Path trigger = Path.of("/sys/class/net/lo/uevent");
        boolean required = "1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"));
        if (!required) {
            Assumptions.assumeTrue(Files.isWritable(trigger), "writing " + trigger + " needs root");
        }
        try (NetlinkSocket socket = NetlinkSocket.open("uevent", NetlinkSocket.KOBJECT_UEVENT,
                Uevent.KERNEL_GROUP)) {
            // Asks the kernel to send a synthetic "change" uevent for lo.
            Files.writeString(trigger, "change", StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + 5_000_000_000L;
            Optional<Uevent> lo = Optional.empty();
            while (lo.isEmpty() && System.nanoTime() < deadline) {
                lo = socket.receive(500).flatMap(Uevent::parse)
                        .filter(e -> e.devpath().equals("/devices/virtual/net/lo"));
            }
            assertThat(lo).hasValueSatisfying(e -> {
                assertThat(e.action()).isEqualTo("change");
                assertThat(e.subsystem()).isEqualTo("net");
            });
        }
    }
}
