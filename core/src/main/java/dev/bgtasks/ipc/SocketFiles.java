package dev.bgtasks.ipc;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The socket file and its directory: private to the user, never a live broker's socket taken over (SPEC B1, S1). */
final class SocketFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SocketFiles.class);
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-------");

    private SocketFiles() {
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creates the directory owner-only when it is missing; warns when an existing one lets others in. */
    static void prepareDirectory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new IOException("socket directory " + dir + " is a symbolic link; refusing to use it");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
            try {
                if (posix()) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
                    // The umask may have taken bits away from the requested mode, never added: set it exactly.
                    Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException raced) {
                LOG.debug("{} was created concurrently", dir);
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("socket directory " + dir + " is not a directory");
        }
        if (posix()) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            if (!DIRECTORY_MODE.containsAll(mode)) {
                LOG.warn("socket directory {} is {}, not rwx------: other users can reach the socket file "
                        + "while it is being bound", dir, PosixFilePermissions.toString(mode));
            }
        }
    }

    /**
     * Makes room for a new socket: refuses when a broker answers there, removes a socket file nothing listens on.
     *
     * @throws IOException when a live broker answers, or the path is something other than a stale socket
     */
    static void clearStale(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes attributes = Files.readAttributes(socket, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isDirectory()) {
            throw new IOException(socket + " is a directory, not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new IOException("a broker already answers on " + socket + "; refusing to start a second one");
        } catch (ConnectException refused) {
            LOG.info("removing the stale socket {} (nothing listens on it)", socket);
            Files.deleteIfExists(socket);
        }
    }

    /** Owner read and write only: on Linux and macOS, connecting needs write permission on the socket file. */
    static void restrictToOwner(Path socket) throws IOException {
        if (posix()) {
            Files.setPosixFilePermissions(socket, SOCKET_MODE);
        }
    }

    static void deleteQuietly(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("could not remove the socket {}: {}", socket, e.toString());
        }
    }
}
