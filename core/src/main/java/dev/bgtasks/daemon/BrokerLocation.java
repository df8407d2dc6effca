package dev.bgtasks.daemon;

import dev.bgtasks.broker.BrokerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the per-user broker lives: its socket, start lock and pid file (runtime directory), its database (state
 * directory) and its log. {@code BGTASKS_HOME} moves all of them under one directory (tests use a temp dir each).
 *
 * <pre>{@code
 * BrokerLocation where = BrokerLocation.forCurrentUser();
 * where.ensureRuntimeDirectory();
 * BrokerClient client = BrokerClient.connect(where.socket());
 * }</pre>
 *
 * <p>Defaults follow DESIGN.md: on Linux {@code $XDG_RUNTIME_DIR/bgtasks} (else {@code /tmp/bgtasks-$USER}),
 * {@code $XDG_DATA_HOME/bgtasks}, {@code $XDG_STATE_HOME/bgtasks}; on macOS {@code $TMPDIR/bgtasks-$USER},
 * {@code ~/Library/Application Support/bgtasks}, {@code ~/Library/Logs/bgtasks}; on Windows under
 * {@code %LOCALAPPDATA%\bgtasks}. A socket path longer than the OS allows (104 bytes on macOS) moves the runtime
 * directory to a short one under the temp dir.
 *
 * @param runtimeDirectory socket, start lock, pid file; only its user may enter it (SPEC S1)
 * @param stateDirectory the broker's home: database and per-instance logs
 * @param logDirectory the broker's log
 */
public record BrokerLocation(Path runtimeDirectory, Path stateDirectory, Path logDirectory) {
    /** Moves every path of the broker under one directory. */
    public static final String HOME_VARIABLE = "BGTASKS_HOME";
    /** Below the 104 bytes of macOS's {@code sun_path}, with room for the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 100;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    public Path socket() {
        return runtimeDirectory.resolve("broker.sock");
    }

    public Path startLock() {
        return runtimeDirectory.resolve("start.lock");
    }

    /** The broker's database: its lock tells whether a broker runs (the socket may be busy or not yet bound). */
    public Path databaseFile() {
        return stateDirectory.resolve(BrokerConfig.DATABASE_FILE_NAME);
    }

    public Path pidFile() {
        return runtimeDirectory.resolve("broker.pid");
    }

    /** Where the broker keeps the class-data archives that speed up Java task starts. */
    public Path javaStartArchiveDirectory() {
        return stateDirectory.resolve("java-archives");
    }

    public Path logFile() {
        return logDirectory.resolve("broker.log");
    }

    /** Every path under one directory, as {@code BGTASKS_HOME} does (tests, portable installs). */
    public static BrokerLocation underHome(Path home) {
        return resolve(Map.of(HOME_VARIABLE, home.toString()), System.getProperty("os.name", ""),
                Path.of(System.getProperty("user.home")), System.getProperty("user.name", "user"),
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Same as {@code BGTASKS_HOME}, for a JVM that cannot set its own environment (tests, launchers). */
    public static final String HOME_PROPERTY = "bgtasks.home";

    /** The locations of this user: {@code BGTASKS_HOME}, else the {@code bgtasks.home} property, else the OS's. */
    public static BrokerLocation forCurrentUser() {
        return forCurrentUserOn(System.getProperty("os.name", ""));
    }

    /**
     * The locations this user would have on another OS, for service files written for it ({@code bgtask service
     * install --dry-run --os macos}).
     *
     * @param osName an {@code os.name} value, e.g. {@code Mac OS X}, {@code Windows 11}, {@code Linux}
     * @return the locations on that OS
     */
    public static BrokerLocation forCurrentUserOn(String osName) {
        Map<String, String> env = System.getenv();
        String property = System.getProperty(HOME_PROPERTY);
        if (property != null && !env.containsKey(HOME_VARIABLE)) {
            env = new java.util.HashMap<>(env);
            env.put(HOME_VARIABLE, property);
        }
        return resolve(env, osName, Path.of(System.getProperty("user.home")),
                System.getProperty("user.name", "user"), Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** The locations for an environment; pure, so every OS's rules are tested on any OS. */
    static BrokerLocation resolve(Map<String, String> env, String osName, Path userHome, String userName,
                                  Path tempDir) {
        // Plain conditionals, no Optional chains: this runs first on the connection thread of every bgtask call,
        // where each lambda's first link was about half a millisecond (issue 18).
        String home = env.get(HOME_VARIABLE);
        BrokerLocation location;
        if (home != null && !home.isBlank()) {
            Path base = Path.of(home).toAbsolutePath();
            location = new BrokerLocation(base.resolve("run"), base.resolve("data"), base.resolve("logs"));
        } else {
            location = defaults(env, osName.toLowerCase(Locale.ROOT), userHome, userName, tempDir);
        }
        if (location.socket().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            Path shortDir = tempDir.resolve("bgt-" + shortHash(location.stateDirectory().toString()));
            if (shortDir.resolve("broker.sock").toString().length() > MAX_SOCKET_PATH_BYTES) {
                shortDir = Path.of("/tmp", "bgt-" + shortHash(location.stateDirectory().toString()));
            }
            return new BrokerLocation(shortDir, location.stateDirectory(), location.logDirectory());
        }
        return location;
    }

    private static BrokerLocation defaults(Map<String, String> env, String os, Path home, String user, Path tmp) {
        if (os.contains("win")) {
            String localAppData = env.get("LOCALAPPDATA");
            Path local = (localAppData != null ? Path.of(localAppData) : home.resolve("AppData").resolve("Local"))
                    .resolve("bgtasks");
            return new BrokerLocation(local.resolve("run"), local, local.resolve("logs"));
        }
        if (os.contains("mac")) {
            String tmpDir = env.get("TMPDIR");
            Path runtime = tmpDir != null ? Path.of(tmpDir) : tmp;
            return new BrokerLocation(runtime.resolve("bgtasks-" + user),
                    home.resolve("Library").resolve("Application Support").resolve("bgtasks"),
                    home.resolve("Library").resolve("Logs").resolve("bgtasks"));
        }
        Path runtimeDir = xdg(env, "XDG_RUNTIME_DIR");
        Path runtime = runtimeDir != null ? runtimeDir.resolve("bgtasks") : tmp.resolve("bgtasks-" + user);
        Path data = xdgOr(env, "XDG_DATA_HOME", home.resolve(".local").resolve("share")).resolve("bgtasks");
        Path state = xdgOr(env, "XDG_STATE_HOME", home.resolve(".local").resolve("state")).resolve("bgtasks");
        return new BrokerLocation(runtime, data, state);
    }

    /** An XDG variable's directory; null when unset, blank or relative (they count only when absolute). */
    private static Path xdg(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        Path dir = Path.of(value);
        return dir.isAbsolute() ? dir : null;
    }

    private static Path xdgOr(Map<String, String> env, String name, Path otherwise) {
        Path dir = xdg(env, name);
        return dir != null ? dir : otherwise;
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Creates the runtime directory only its user may enter, and refuses one that another user planted: a symlink,
     * or a directory owned by someone else (SPEC S1, S4).
     *
     * @throws IOException naming the directory and what is wrong with it
     */
    public void ensureRuntimeDirectory() throws IOException {
        ensurePrivateDirectory(runtimeDirectory);
    }

    /** Creates the state and log directories, private to the user. */
    public void ensureStateDirectories() throws IOException {
        ensurePrivateDirectory(stateDirectory);
        ensurePrivateDirectory(logDirectory);
    }

    /**
     * Where there are no POSIX modes (Windows), an ACL with one entry: the directory's owner, full control,
     * inherited by what is created inside (SPEC S1).
     */
    private static void restrictToOwner(Path dir) throws IOException {
        AclFileAttributeView view = Files.getFileAttributeView(dir, AclFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new IOException(dir + ": this file system has neither POSIX modes nor ACLs; "
                    + "cannot make the broker's directory private");
        }
        view.setAcl(ownerOnlyAcl(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS)));
    }

    static List<AclEntry> ownerOnlyAcl(UserPrincipal owner) {
        return List.of(AclEntry.newBuilder()
                .setType(AclEntryType.ALLOW)
                .setPrincipal(owner)
                .setPermissions(EnumSet.allOf(AclEntryPermission.class))
                .setFlags(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT)
                .build());
    }

    static void ensurePrivateDirectory(Path dir) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (Files.isSymbolicLink(dir)) {
            throw new IOException(dir + " is a symbolic link; refusing to use it (another user may have planted it)");
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another process created it first; the checks below still apply.
            }
        }
        if (!posix) {
            restrictToOwner(dir);
            return;
        }
        UserPrincipal me = FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(me)) {
            throw new IOException(dir + " belongs to " + owner.getName() + ", not to " + me.getName()
                    + "; refusing to use it");
        }
        if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY);
        }
    }
}
