package dev.bgtasks.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.broker.HostAttachment;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in broker for the task host's training run of a class-data archive: it answers one host's hello with the
 * attachment it was given and every request after it with an empty result, so the training walks a cold start's
 * real path (the connection's threads, the hello, the reports) and the archive holds what a real start loads. It
 * is no broker: it stores nothing, checks no token and answers nothing else.
 *
 * <pre>{@code
 * try (WarmUpBroker broker = WarmUpBroker.start(dir.resolve("broker.sock"), attachment)) {
 *     TaskHost.run(..., Map.of("BGTASKS_SOCKET", broker.socket().toString(), ...));
 * }
 * }</pre>
 */
public final class WarmUpBroker implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread thread;

    private WarmUpBroker(Path socket, ServerSocketChannel server, Thread thread) {
        this.socket = socket;
        this.server = server;
        this.thread = thread;
    }

    /**
     * Listens on {@code socket} and answers the first host that connects, on a daemon thread.
     *
     * @param socket a path for the socket, which must not exist; {@link #close()} deletes it
     * @param attachment what the host is told in {@code hello-ok}
     * @return the running stand-in
     * @throws IOException when the socket cannot be made
     */
    public static WarmUpBroker start(Path socket, HostAttachment attachment) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        Thread thread = new Thread(new Answers(server, attachment), "bgtasks-warm-up-broker");
        thread.setDaemon(true);
        thread.start();
        return new WarmUpBroker(socket, server, thread);
    }

    /** {@return the socket a host connects to} */
    public Path socket() {
        return socket;
    }

    /** Stops listening, ends the answering thread's connection and deletes the socket. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
            thread.interrupt();
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    /** The one connection: hello, then a response to each request, until the host closes it. */
    private static final class Answers implements Runnable {
        private final ServerSocketChannel server;
        private final HostAttachment attachment;

        Answers(ServerSocketChannel server, HostAttachment attachment) {
            this.server = server;
            this.attachment = attachment;
        }

        @Override
        public void run() {
            try (SocketChannel host = server.accept()) {
                for (ObjectNode frame = Frames.read(host); frame != null; frame = Frames.read(host)) {
                    ObjectNode answer = JsonTrees.object();
                    if (Messages.HELLO.equals(frame.path(Messages.TYPE).asText())) {
                        answer.put(Messages.TYPE, Messages.HELLO_OK).put(Messages.VERSION, Frames.PROTOCOL_VERSION);
                        answer.set(Messages.ATTACHMENT, HostAttachments.tree(attachment));
                    } else {
                        answer.put(Messages.TYPE, Messages.RESPONSE).put(Messages.ID, frame.path(Messages.ID).asInt())
                                .putNull(Messages.RESULT);
                    }
                    ByteBuffer bytes = ByteBuffer.wrap(Frames.encode(answer));
                    while (bytes.hasRemaining()) {
                        host.write(bytes);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The host's side fails the training if it mattered; closing the stand-in ends this thread here.
            }
        }
    }
}
