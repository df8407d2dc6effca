package dev.bgtasks.ipc;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC S1: only the user who owns the socket's directory may talk to the broker. Where the OS tells who is on the
 * other end of a socket (Linux, macOS: {@code SO_PEERCRED}) the peer's user is compared with that owner, as
 * principals (uids), never as names. Elsewhere (Windows) the directory's owner-only ACL is the guard.
 */
@SuppressForbidden(reason = "jdk.net.ExtendedSocketOptions.SO_PEERCRED is a supported, exported JDK API that "
        + "forbidden-apis' jdk-non-portable list counts with the JDK's internals")
final class PeerCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCheck.class);

    private final UserPrincipal owner;
    private final AtomicBoolean unsupportedLogged = new AtomicBoolean();

    PeerCheck(UserPrincipal owner) {
        this.owner = owner;
    }

    /** Whether this OS tells a socket's peer; if not, only the directory's permissions keep other users out. */
    static boolean supported(SocketChannel channel) {
        return channel.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED);
    }

    /** Whether the peer may stay; a refused peer is logged, and the caller closes the connection. */
    boolean admits(SocketChannel channel) throws IOException {
        if (!supported(channel)) {
            if (unsupportedLogged.compareAndSet(false, true)) {
                LOG.debug("this OS does not report socket peers; the socket directory's ACL keeps other users out");
            }
            return true;
        }
        UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        if (owner.equals(peer.user())) {
            return true;
        }
        LOG.warn("refused a connection from user {}: only {}, who owns the socket directory, may connect",
                peer.user().getName(), owner.getName());
        return false;
    }
}
