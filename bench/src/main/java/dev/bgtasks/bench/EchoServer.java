package dev.bgtasks.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The baseline of the request round-trip figure: a bare Unix-domain-socket echo server in a process of its own,
 * as the broker is. It reads length-prefixed frames (a 4-byte big-endian length, then the body, as the broker's
 * protocol does) from one client and writes each back unchanged, until the client closes. It prints
 * {@code ready} once it listens.
 *
 * <pre>{@code
 * java -cp <bench classes> dev.bgtasks.bench.EchoServer /tmp/bgtb123/echo.sock
 * }</pre>
 */
public final class EchoServer {
    private EchoServer() {
    }

    /**
     * Serves one client on the socket path given as the only argument.
     *
     * @param args the socket path
     * @throws IOException when the socket fails
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: EchoServer <socket path>");
        }
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(Path.of(args[0])));
            System.out.println("ready");
            System.out.flush();
            try (SocketChannel client = server.accept()) {
                ByteBuffer header = ByteBuffer.allocate(Integer.BYTES);
                while (readFully(client, header.clear())) {
                    ByteBuffer body = ByteBuffer.allocate(header.flip().getInt(0));
                    if (!readFully(client, body)) {
                        return;
                    }
                    body.flip();
                    ByteBuffer[] reply = {header, body};
                    while (body.hasRemaining()) {
                        client.write(reply);
                    }
                }
            }
        }
    }

    /** Fills the buffer; false when the stream ended first. */
    static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }
}
