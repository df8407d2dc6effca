package dev.bgtasks.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The file-system side of opening a store: its directory, its files' permissions, links, and the SQLite header. */
final class StoreFiles {
    /** SQLite's side files; SQLite opens them itself, so a link planted there must be refused up front. */
    private static final List<String> SIDE_FILE_SUFFIXES = List.of("-wal", "-shm", "-journal");
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int SQLITE_HEADER_SIZE = 100;

    private StoreFiles() {
    }

    /** Creates the directory (owner-only on POSIX) when it does not exist yet. */
    static void ensureDirectory(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, ownerOnly("rwx------"));
        } catch (IOException e) {
            throw new StoreException("cannot create the store directory " + dir + ": " + e, e);
        }
    }

    static void refuseSymlinks(Path dbFile) {
        if (Files.isSymbolicLink(dbFile)) {
            throw SqlErrors.symlink(dbFile);
        }
        for (String suffix : SIDE_FILE_SUFFIXES) {
            Path side = sibling(dbFile, suffix);
            if (Files.isSymbolicLink(side)) {
                throw SqlErrors.symlink(side);
            }
        }
    }

    /** Creates an empty database file readable by its owner only, so SQLite's side files inherit that mode. */
    static void createIfAbsent(Path dbFile) {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try (SeekableByteChannel ignored = Files.newByteChannel(dbFile, options, ownerOnly("rw-------"))) {
            // Created; SQLite writes the header on its first transaction.
        } catch (FileAlreadyExistsException e) {
            // An existing store: opened as it is.
        } catch (IOException e) {
            throw new StoreException("cannot create the store file " + dbFile + ": " + e, e);
        }
    }

    /** Refuses a non-empty file that does not start with the SQLite header, before SQLite ever opens it. */
    static void checkHeader(Path dbFile) {
        try (InputStream in = Files.newInputStream(dbFile, LinkOption.NOFOLLOW_LINKS)) {
            byte[] header = in.readNBytes(SQLITE_HEADER_SIZE);
            if (header.length == 0) {
                return;
            }
            boolean sqlite = header.length == SQLITE_HEADER_SIZE
                    && Arrays.equals(header, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0, SQLITE_MAGIC.length);
            if (!sqlite) {
                throw SqlErrors.notReadable(dbFile, "it does not start with the SQLite header", null);
            }
        } catch (IOException e) {
            throw SqlErrors.notReadable(dbFile, e.toString(), e);
        }
    }

    static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** The given POSIX permissions where the file system has them, none elsewhere. */
    static FileAttribute<?>[] ownerOnly(String permissions) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
    }
}
