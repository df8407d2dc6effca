package dev.bgtasks.bench.chaos;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Peers that stop in the middle of a frame and hold their connection open (issue 20): every even one says hello
 * and then sends 20 bytes of a 200-byte request, every odd one sends half of its hello. The broker must close each
 * of them, by its frame timeout; {@link #awaitClosed} waits for that and tells how long each was held.
 *
 * <pre>{@code
 * try (StalledPeers stalled = StalledPeers.open(socket, 100)) {
 *     int closed = stalled.awaitClosed(Duration.ofSeconds(30));
 *     Duration longest = stalled.longestHeld();
 * }
 * }</pre>
 */
final class StalledPeers implements AutoCloseable {
    private static final byte[] HELLO = frame("{\"type\":\"hello\",\"version\":1,\"role\":\"app\"}");

    private final List<SocketChannel> peers = new ArrayList<>();
    private final List<Long> stalledAt = new ArrayList<>();
    private long[] closedAt = new long[0];

    private StalledPeers() {
    }

    static StalledPeers open(Path socket, int count) throws IOException {
        StalledPeers stalled = new StalledPeers();
        try {
            for (int i = 0; i < count; i++) {
                SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX);
                stalled.peers.add(peer);
                peer.connect(UnixDomainSocketAddress.of(socket));
                if (i % 2 == 0) {
                    write(peer, HELLO);
                    write(peer, ByteBuffer.allocate(24).putInt(200).put(new byte[20]).array());
                } else {
                    write(peer, Arrays.copyOf(HELLO, HELLO.length / 2));
                }
                stalled.stalledAt.add(System.nanoTime());
            }
        } catch (IOException | RuntimeException e) {
            stalled.close();
            throw e;
        }
        stalled.closedAt = new long[count];
        return stalled;
    }

    private static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    private static void write(SocketChannel peer, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            peer.write(buffer);
        }
    }

    /**
     * Reads (and drops) what the broker sends each peer until it closes them all or {@code deadline} passes.
     *
     * @return how many the broker closed
     */
    int awaitClosed(Duration deadline) throws IOException {
        long giveUp = System.nanoTime() + deadline.toNanos();
        int closed = 0;
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < peers.size(); i++) {
                peers.get(i).configureBlocking(false);
                peers.get(i).register(selector, SelectionKey.OP_READ, i);
            }
            ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
            while (closed < peers.size() && System.nanoTime() - giveUp < 0) {
                selector.select(Math.max(1, (giveUp - System.nanoTime()) / 1_000_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    int i = (Integer) key.attachment();
                    int n;
                    try {
                        n = peers.get(i).read(sink.clear());
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n < 0) {
                        closedAt[i] = System.nanoTime();
                        closed++;
                        key.cancel();
                    }
                }
                selector.selectedKeys().clear();
            }
        }
        return closed;
    }

    /** The longest a closed peer held its connection after it stalled. */
    Duration longestHeld() {
        long longest = 0;
        for (int i = 0; i < closedAt.length; i++) {
            if (closedAt[i] != 0) {
                longest = Math.max(longest, closedAt[i] - stalledAt.get(i));
            }
        }
        return Duration.ofNanos(longest);
    }

    /** The shortest a closed peer held its connection after it stalled. */
    Duration shortestHeld() {
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < closedAt.length; i++) {
            if (closedAt[i] != 0) {
                shortest = Math.min(shortest, closedAt[i] - stalledAt.get(i));
            }
        }
        return shortest == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(shortest);
    }

    int count() {
        return peers.size();
    }

    @Override
    public void close() {
        for (SocketChannel peer : peers) {
            try {
                peer.close();
            } catch (IOException ignored) {
                // Closing what the broker may have closed already.
            }
        }
    }
}
