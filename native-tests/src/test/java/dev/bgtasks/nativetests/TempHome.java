package dev.bgtasks.nativetests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The short {@code /tmp/bgt...} homes real brokers run in (a socket path must stay under about 100 bytes, so JUnit's
 * deep temp directories will not do), removed once the test is done with them.
 *
 * <pre>{@code
 * Path home = TempHome.create();
 * try { ... } finally { TempHome.delete(home); }
 * }</pre>
 */
public final class TempHome {
    private TempHome() {
    }

    /** {@return a new, empty home under /tmp} */
    public static Path create() throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), "bgt");
    }

    /**
     * Deletes {@code home} and everything in it; files that vanish meanwhile are fine.
     *
     * @param home a directory made by {@link #create()}
     */
    public static void delete(Path home) {
        if (home == null || !Files.exists(home)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> walk = Files.walk(home)) {
            deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + home + " to delete it", e);
        }
        for (Path path : deepestFirst) {
            try {
                Files.deleteIfExists(path);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + path, e);
            }
        }
    }
}
