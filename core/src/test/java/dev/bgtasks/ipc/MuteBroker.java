package dev.bgtasks.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A "broker" that answers hello and then swallows every request: for deadlines and dropped connections. */
final class MuteBroker implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Path socket;
    private final CountDownLatch requestSeen = new CountDownLatch(1);
    private volatile SocketChannel peer;

    private MuteBroker(ServerSocketChannel listener, Path socket) {
        this.listener = listener;
        this.socket = socket;
    }

    static MuteBroker start(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        MuteBroker broker = new MuteBroker(listener, socket);
        Thread thread = new Thread(broker::serve, "mute-broker");
        thread.setDaemon(true);
        thread.start();
        return broker;
    }

    private void serve() {
        try (SocketChannel accepted = listener.accept()) {
            peer = accepted;
            Frames.read(accepted);
            accepted.write(ByteBuffer.wrap(IpcFixtures.frame("{\"type\":\"hello-ok\",\"version\":1}")));
            while (Frames.read(accepted) != null) {
                requestSeen.countDown();
            }
        } catch (IOException e) {
            // Dropped by the test.
        }
    }

    boolean awaitRequest() throws InterruptedException {
        return requestSeen.await(IpcFixtures.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The broker "dies": its end of the connection closes. */
    void drop() throws IOException {
        peer.close();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        SocketChannel current = peer;
        if (current != null) {
            current.close();
        }
        Files.deleteIfExists(socket);
    }
}
