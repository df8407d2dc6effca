package dev.bgtasks.linux.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a run token's scope and its task where the user manager put them: the scope's unit name is a hash of the
 * token ({@link SystemdScopeSandbox#unitName}), its cgroup is searched for under the cgroup2 mount, and its task is
 * told from its supervisor by the process tree (SPEC B6).
 *
 * <pre>{@code
 * ScopeTokens tokens = new ScopeTokens(new CgroupFs(), Path.of("/sys/fs/cgroup"));
 * OptionalLong pid = tokens.mainProcess(SystemdScopeSandbox.unitName(token), token);
 * }</pre>
 */
final class ScopeTokens {
    /** Deep enough for {@code user.slice/user-N.slice/user@N.service/app.slice/<unit>.scope} and a nested slice. */
    private static final int SEARCH_DEPTH = 8;
    private static final Logger LOG = LoggerFactory.getLogger(ScopeTokens.class);

    private final CgroupFs fs;
    /** Null where there is no cgroup2 hierarchy. */
    private final Path mount;

    ScopeTokens(CgroupFs fs, Path mount) {
        this.fs = fs;
        this.mount = mount;
    }

    /** The cgroup directory of a unit's scope, searched under the cgroup2 mount. */
    Optional<Path> findScope(String unit) {
        if (mount == null) {
            return Optional.empty();
        }
        String name = unit + ".scope";
        try (Stream<Path> walk = Files.find(mount, SEARCH_DEPTH,
                (p, attrs) -> attrs.isDirectory() && p.getFileName() != null
                        && p.getFileName().toString().equals(name))) {
            return walk.findFirst();
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("searching {} for {} failed", mount, name, e);
            return Optional.empty();
        }
    }

    /**
     * The main process of the unit's scope that carries {@code runToken}: the member whose parent (its supervisor)
     * is a member too, and whose grandparent is not; with the supervisor gone, any member that carries the token
     * stands for the task.
     */
    OptionalLong mainProcess(String unit, String runToken) {
        Optional<Path> dir = findScope(unit);
        if (dir.isEmpty()) {
            return OptionalLong.empty();
        }
        return CgroupTask.mainProcessOf(
                new CgroupV2Task(fs, unit, dir.get(), "/" + mount.relativize(dir.get())).pids(), fs, runToken);
    }
}
