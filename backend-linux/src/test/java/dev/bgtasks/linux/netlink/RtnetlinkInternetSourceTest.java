package dev.bgtasks.linux.netlink;

import static dev.bgtasks.linux.netlink.NetlinkFixtures.AF_INET;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.OPER_UP;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.SCOPE_UNIVERSE;
import static dev.bgtasks.linux.netlink.NetlinkFixtures.UP_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The source around the model, on a scripted channel (every OS): dumps at start, change callbacks exactly on
 * flips, re-dumps after overflow, interrupted or malformed dumps, failures and shutdown.
 */
class RtnetlinkInternetSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** What the scripted "kernel" answers to dumps: mutable, so a re-dump can see a changed state. */
    private final List<byte[]> links = new CopyOnWriteArrayList<>();
    private final List<byte[]> addresses = new CopyOnWriteArrayList<>();
    private final List<byte[]> routes = new CopyOnWriteArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();
    private final Semaphore changed = new Semaphore(0);
    private RtnetlinkInternetSource source;

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    private List<Object> answer(byte[] request) {
        ByteBuffer header = ByteBuffer.wrap(request).order(ByteOrder.nativeOrder());
        int type = header.getShort(4);
        int seq = header.getInt(8);
        List<byte[]> payloads = switch (type) {
            case Rtnetlink.RTM_GETLINK -> links;
            case Rtnetlink.RTM_GETADDR -> addresses;
            case Rtnetlink.RTM_GETROUTE -> routes;
            default -> throw new AssertionError("unexpected request type " + type);
        };
        return List.of(NetlinkFixtures.dumpReply(seq, type - 2, payloads));
    }

    private void onChange() {
        changes.incrementAndGet();
        changed.release();
    }

    private NetlinkScriptedChannel channel() {
        return new NetlinkScriptedChannel(this::answer);
    }

    private void connectedHost() {
        links.add(NetlinkFixtures.link(1, 0x49, "lo", 0));
        links.add(NetlinkFixtures.link(2, UP_RUNNING, "eth0", OPER_UP));
        addresses.add(NetlinkFixtures.address(2, "192.168.1.20", 24, SCOPE_UNIVERSE, 0x80));
        routes.add(NetlinkFixtures.defaultRoute(AF_INET, 2, "192.168.1.1"));
    }

    private static byte[] event(int type, byte[] payload) {
        return NetlinkFixtures.message(type, 0, 0, payload);
    }

    private static int typeOf(byte[] request) {
        return ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).getShort(4);
    }

    private RtnetlinkInternetSource started(NetlinkScriptedChannel channel) {
        source = new RtnetlinkInternetSource(() -> channel);
        source.start(this::onChange);
        return source;
    }

    @Test
    void startDumpsLinksAddressesAndRoutesSoCurrentIsRightAtOnce() {
        connectedHost();
        NetlinkScriptedChannel channel = channel();
        source = new RtnetlinkInternetSource(() -> channel);
        assertThat(source.current()).isEmpty();
        source.start(this::onChange);
        assertThat(source.current()).isEqualTo(Map.of(HostSignal.INTERNET, true));
        assertThat(channel.sent()).extracting(RtnetlinkInternetSourceTest::typeOf)
                .containsExactly(Rtnetlink.RTM_GETLINK, Rtnetlink.RTM_GETADDR, Rtnetlink.RTM_GETROUTE);
        assertThat(changes).hasValue(0);
        assertThat(source.describe()).isEqualTo(
                "INTERNET: rtnetlink events (links, addresses, default routes), no polling");
    }

    @Test
    void callsBackExactlyWhenTheValueFlips() throws Exception {
        NetlinkScriptedChannel channel = channel();
        started(channel);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, false);
        channel.push(event(Rtnetlink.RTM_NEWLINK, NetlinkFixtures.link(2, UP_RUNNING, "eth0", OPER_UP)),
                event(Rtnetlink.RTM_NEWADDR, NetlinkFixtures.address(2, "192.168.1.20", 24, 0, 0x80)),
                event(Rtnetlink.RTM_NEWADDR, NetlinkFixtures.address(2, "fe80::1", 64, 253, 0x80)));
        channel.awaitIdle(WAIT);
        assertThat(changes).hasValue(0);
        channel.push(event(Rtnetlink.RTM_NEWROUTE, NetlinkFixtures.defaultRoute(AF_INET, 2, "192.168.1.1")));
        channel.awaitIdle(WAIT);
        assertThat(changes).hasValue(1);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, true);
        // A second default route and a link update that keeps it usable: no flip, no call.
        channel.push(event(Rtnetlink.RTM_NEWROUTE, NetlinkFixtures.defaultRoute(AF_INET, 2, "192.168.1.254", 600)),
                event(Rtnetlink.RTM_NEWLINK, NetlinkFixtures.link(2, UP_RUNNING, "eth0", OPER_UP)),
                event(Rtnetlink.RTM_DELROUTE, NetlinkFixtures.defaultRoute(AF_INET, 2, "192.168.1.1")));
        channel.awaitIdle(WAIT);
        assertThat(changes).hasValue(1);
        channel.push(event(Rtnetlink.RTM_DELROUTE, NetlinkFixtures.defaultRoute(AF_INET, 2, "192.168.1.254", 600)));
        channel.awaitIdle(WAIT);
        assertThat(changes).hasValue(2);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, false);
    }

    @Test
    void anOverflowReadsEverythingAgain() throws Exception {
        connectedHost();
        NetlinkScriptedChannel channel = channel();
        started(channel);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, true);
        // The route vanished while events were being dropped: only a fresh dump can tell.
        routes.clear();
        channel.push(new NetlinkSocket.OverflowException("test: ENOBUFS"));
        channel.awaitIdle(WAIT);
        assertThat(channel.sent()).hasSize(6);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, false);
        assertThat(changes).hasValue(1);
    }

    @Test
    void anInterruptedDumpIsRepeated() {
        connectedHost();
        AtomicInteger addressDumps = new AtomicInteger();
        NetlinkScriptedChannel channel = new NetlinkScriptedChannel(request -> {
            List<Object> answer = answer(request);
            if (typeOf(request) == Rtnetlink.RTM_GETADDR && addressDumps.getAndIncrement() == 0) {
                // The first address dump: its DONE says the table changed meanwhile.
                int seq = ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).getInt(8);
                return List.of(NetlinkFixtures.concat(NetlinkFixtures.message(Rtnetlink.RTM_NEWADDR, 0x12, seq,
                        addresses.get(0)), NetlinkFixtures.message(3, 0x12, seq, NetlinkFixtures.u32(0))));
            }
            return answer;
        });
        source = new RtnetlinkInternetSource(() -> channel);
        source.start(() -> { });
        assertThat(channel.sent()).extracting(RtnetlinkInternetSourceTest::typeOf).containsExactly(
                Rtnetlink.RTM_GETLINK, Rtnetlink.RTM_GETADDR, Rtnetlink.RTM_GETROUTE,
                Rtnetlink.RTM_GETLINK, Rtnetlink.RTM_GETADDR, Rtnetlink.RTM_GETROUTE);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, true);
    }

    @Test
    void eventsArrivingDuringTheDumpAreApplied() {
        connectedHost();
        routes.clear();
        // An event queued before the route dump's answer: the route was added after the dump began.
        NetlinkScriptedChannel channel = new NetlinkScriptedChannel(request -> {
            List<Object> answer = new ArrayList<>(answer(request));
            if (typeOf(request) == Rtnetlink.RTM_GETROUTE) {
                answer.add(0, event(Rtnetlink.RTM_NEWROUTE, NetlinkFixtures.defaultRoute(AF_INET, 2, "192.168.1.1")));
            }
            return answer;
        });
        started(channel);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, true);
    }

    @Test
    void aDumpErrorFailsStartWithTheErrnoName() {
        NetlinkScriptedChannel channel = new NetlinkScriptedChannel(request -> List.of(
                NetlinkFixtures.error(ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).getInt(8), -16)));
        source = new RtnetlinkInternetSource(() -> channel);
        assertThatThrownBy(() -> source.start(() -> { })).isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("rtnetlink: the RTM_GETLINK dump failed with EBUSY");
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).isEqualTo(
                "INTERNET: unknown: rtnetlink failed (rtnetlink: the RTM_GETLINK dump failed with EBUSY)");
        assertThat(channel.isClosed()).isTrue();
    }

    @Test
    void aSocketThatCannotOpenFailsStartAndSaysWhy() {
        source = new RtnetlinkInternetSource(() -> {
            throw new IOException("rtnetlink: socket failed with EAFNOSUPPORT");
        });
        assertThatThrownBy(() -> source.start(() -> { })).isInstanceOf(UncheckedIOException.class);
        assertThat(source.describe()).contains("unknown").contains("EAFNOSUPPORT");
        assertThatThrownBy(() -> source.start(() -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMalformedDatagramReadsEverythingAgain() throws Exception {
        connectedHost();
        NetlinkScriptedChannel channel = channel();
        started(channel);
        channel.push(new byte[] {40, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2});
        channel.awaitIdle(WAIT);
        assertThat(channel.sent()).hasSize(6);
        assertThat(source.current()).containsEntry(HostSignal.INTERNET, true);
        assertThat(changes).hasValue(0);
    }

    @Test
    void aReaderFailureMakesInternetUnknownAndCallsBack() throws Exception {
        connectedHost();
        NetlinkScriptedChannel channel = channel();
        started(channel);
        channel.push(new IOException("rtnetlink: recv failed with EBADF"));
        assertThat(changed.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(changes).hasValue(1);
        assertThat(source.current()).isEmpty();
        assertThat(source.describe()).isEqualTo("INTERNET: unknown: rtnetlink failed (rtnetlink: recv failed with EBADF)");
    }

    @Test
    void closeStopsTheReaderAndClosesTheChannelOnce() {
        NetlinkScriptedChannel channel = channel();
        started(channel);
        Thread reader = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("bgtasks-rtnetlink") && t.isAlive()).findFirst().orElseThrow();
        source.close();
        assertThat(reader.isAlive()).isFalse();
        assertThat(channel.isClosed()).isTrue();
        source.close();
        assertThatThrownBy(() -> source.start(() -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithoutStartIsFine() {
        new RtnetlinkInternetSource(() -> {
            throw new AssertionError("never opened");
        }).close();
    }
}
