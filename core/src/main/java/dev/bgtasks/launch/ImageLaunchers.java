package dev.bgtasks.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * JVM starts from a jpackage app image whose runtime has no {@code bin/java} (jpackage's default: jlink strips the
 * native commands): a per-user "shadow" of the app's own launcher, with one cfg file per set of JVM options.
 *
 * <p>A jpackage launcher finds its image from its own resolved path ({@code /proc/self/exe}): it reads
 * {@code <dir>/lib/app/<its name>.cfg}, needs {@code <dir>/lib/libapplauncher.so} beside {@code <dir>/bin}, and runs
 * the runtime the cfg names ({@code app.runtime}) with the cfg's classpath, JVM options and main class; its own
 * arguments go to that main unchanged. So a copy of the launcher under another directory, with a cfg of ours,
 * runs our main class with our JVM options, and the app's cfg is never read:
 *
 * <pre>{@code
 * <dir>/bin/.launcher              a copy of <image>/bin/<App> (a hard link to a root-owned file is refused)
 * <dir>/bin/h-<sha of the cfg>     a hard link to .launcher: its name picks the cfg
 * <dir>/lib/libapplauncher.so  ->  <image>/lib/libapplauncher.so
 * <dir>/lib/app/h-<sha>.cfg        [Application] app.runtime, app.classpath lines, app.mainclass;
 *                                  [JavaOptions] one java-options line per JVM option
 * }</pre>
 *
 * <p>Never a symbolic link to the launcher: it resolves to the app's own name, and the app's {@code main} would
 * get our arguments. A cfg is named by the hash of its text, written before the name that reads it appears, and
 * never rewritten, so concurrent starts from any number of processes see a whole one. Paths in a cfg must not
 * hold {@code $}: the launcher expands {@code $APPDIR} and (JDK 25) environment variables there.
 */
final class ImageLaunchers {
    static final String LAUNCHER_LIBRARY = "libapplauncher.so";
    private static final String LAUNCHER_COPY = ".launcher";

    private final Path dir;
    private final Path launcher;
    private final Path runtime;

    private ImageLaunchers(Path dir, Path launcher, Path runtime) {
        this.dir = dir;
        this.launcher = launcher;
        this.runtime = runtime;
    }

    /**
     * The shadow launchers of the image whose launcher is {@code launcher}, kept under {@code cache} in a
     * directory named by the image and its launcher's version (an updated app gets a fresh copy).
     *
     * @param cache a per-user directory
     * @param launcher the app image's launcher, {@code <image>/bin/<App>}
     * @param runtime the image's runtime ({@code java.home} of the app)
     * @return the shadow launchers; nothing is written until the first {@link #launcherFor}
     * @throws IOException when the launcher or its library cannot be read
     */
    static ImageLaunchers of(Path cache, Path launcher, Path runtime) throws IOException {
        Path root = imageRoot(launcher);
        MessageDigest digest = sha256();
        update(digest, root.toString());
        for (Path file : List.of(launcher, root.resolve("lib").resolve(LAUNCHER_LIBRARY))) {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            update(digest, file + "=" + attributes.size() + "@" + attributes.lastModifiedTime().toMillis());
        }
        String name = HexFormat.of().formatHex(digest.digest(), 0, 8);
        return new ImageLaunchers(cache.resolve(name), launcher, runtime);
    }

    /** {@return the image's root: the launcher is {@code <root>/bin/<name>}} */
    static Path imageRoot(Path launcher) {
        return launcher.toAbsolutePath().normalize().getParent().getParent();
    }

    /** {@return why {@code launcher} cannot be shadowed, or null when it can} */
    static String problem(Path launcher) {
        Path bin = launcher.toAbsolutePath().normalize().getParent();
        if (!Files.isRegularFile(launcher) || bin == null || bin.getParent() == null
                || !bin.getFileName().toString().equals("bin")) {
            return launcher + " is not the launcher of a jpackage app image (<image>/bin/<name>)";
        }
        Path library = bin.resolveSibling("lib").resolve(LAUNCHER_LIBRARY);
        if (!Files.isRegularFile(library)) {
            return "no " + library + ": only the Linux layout of a jpackage app image is supported so far";
        }
        return null;
    }

    Path directory() {
        return dir;
    }

    /**
     * The cfg text of a JVM on {@code runtime}: the app launcher reads classpath entries and JVM options one a
     * line, so spaces need no quoting.
     *
     * @throws IllegalArgumentException when a value holds {@code $} or a line break, which the cfg cannot carry
     */
    static String cfg(Path runtime, List<String> classpath, String mainClass, List<String> jvmOptions) {
        StringBuilder text = new StringBuilder("[Application]\n");
        line(text, "app.runtime", runtime.toString());
        for (String entry : classpath) {
            line(text, "app.classpath", entry);
        }
        line(text, "app.mainclass", mainClass);
        text.append("\n[JavaOptions]\n");
        for (String option : jvmOptions) {
            line(text, "java-options", option);
        }
        return text.toString();
    }

    /**
     * The cfg text of a JVM on {@code runtime} that runs {@code mainModule} ({@code module/class}), as a jpackage
     * image of a modular app has it: its modules are linked into the runtime, and any module path or
     * {@code --add-modules} is among {@code jvmOptions}, one argument a line.
     *
     * @throws IllegalArgumentException when a value holds {@code $} or a line break, which the cfg cannot carry
     */
    static String moduleCfg(Path runtime, String mainModule, List<String> jvmOptions) {
        StringBuilder text = new StringBuilder("[Application]\n");
        line(text, "app.runtime", runtime.toString());
        line(text, "app.mainmodule", mainModule);
        text.append("\n[JavaOptions]\n");
        for (String option : jvmOptions) {
            line(text, "java-options", option);
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String key, String value) {
        if (value.indexOf('$') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a jpackage launcher cannot pass " + key + " '" + value
                    + "': it expands '$' and ends a value at a line break");
        }
        text.append(key).append('=').append(value).append('\n');
    }

    /**
     * The launcher that starts a JVM as {@code cfg} says, made on first use.
     *
     * @param cfg the text of its cfg file, from {@link #cfg}
     * @return {@code <dir>/bin/h-<sha>}: run it with the main class's arguments
     * @throws IOException when the shadow directory cannot be written
     */
    Path launcherFor(String cfg) throws IOException {
        String name = "h-" + HexFormat.of().formatHex(sha256(cfg.getBytes(StandardCharsets.UTF_8)), 0, 12);
        Path bin = dir.resolve("bin");
        Path named = bin.resolve(name);
        if (Files.isRegularFile(named)) {
            return named;
        }
        Path appDir = dir.resolve("lib").resolve("app");
        Files.createDirectories(bin);
        Files.createDirectories(appDir);
        Path copy = bin.resolve(LAUNCHER_COPY);
        if (!Files.isRegularFile(copy)) {
            Path partial = bin.resolve(LAUNCHER_COPY + "." + UUID.randomUUID());
            Files.copy(launcher, partial);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            moveIntoPlace(partial, copy);
        }
        Path library = dir.resolve("lib").resolve(LAUNCHER_LIBRARY);
        if (!Files.exists(library)) {
            Path partial = library.resolveSibling(LAUNCHER_LIBRARY + "." + UUID.randomUUID());
            Files.createSymbolicLink(partial, imageRoot(launcher).resolve("lib").resolve(LAUNCHER_LIBRARY));
            moveIntoPlace(partial, library);
        }
        Path cfgFile = appDir.resolve(name + ".cfg");
        if (!Files.isRegularFile(cfgFile)) {
            Path partial = appDir.resolve(name + ".cfg." + UUID.randomUUID());
            Files.writeString(partial, cfg, StandardCharsets.UTF_8);
            moveIntoPlace(partial, cfgFile);
        }
        // The name appears last: whoever sees it finds its cfg whole.
        Path partial = bin.resolve(name + "." + UUID.randomUUID());
        try {
            Files.createLink(partial, copy);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot link " + partial, e);
        }
        moveIntoPlace(partial, named);
        return named;
    }

    Path runtime() {
        return runtime;
    }

    /** {@return the app image's own launcher, which this class copies} */
    Path launcher() {
        return launcher;
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            // Another process made the same file first: same content, keep theirs.
            Files.deleteIfExists(partial);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
