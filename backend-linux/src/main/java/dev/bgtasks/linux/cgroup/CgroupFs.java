package dev.bgtasks.linux.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The thin reading and writing layer of the cgroup sandbox: cgroupfs files, directories and the two
 * {@code /proc/<pid>} files it checks. Everything the sandbox learns from the kernel passes through here, so a test
 * can put a recorded cgroup tree in a temp directory behind it (a subclass that plays the kernel's part: files
 * appear on {@code mkdir}, {@code cgroup.kill} kills).
 *
 * <pre>{@code
 * CgroupFs fs = new CgroupFs();
 * fs.write(taskDir.resolve("pids.max"), "64");
 * long current = CgroupParsers.number(fs.read(taskDir.resolve("pids.current")));
 * }</pre>
 */
class CgroupFs {
    private final Path proc;

    /** The host's files, {@code /proc} included. */
    CgroupFs() {
        this(Path.of("/proc"));
    }

    /** @param proc what {@code /proc} is: a test's recorded tree, or the host's */
    CgroupFs(Path proc) {
        this.proc = proc;
    }

    /** The whole content of a file. */
    String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /**
     * Writes a value in one {@code write(2)}, as cgroupfs wants it: never creates the file, since a missing
     * cgroup file means a missing controller, which must be an error and not a plain file.
     */
    void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    boolean exists(Path path) {
        return Files.exists(path);
    }

    /** Creates a cgroup directory; false when it was already there. */
    boolean mkdir(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(dir)) {
                return false;
            }
            throw e;
        }
    }

    /** Removes an empty cgroup ({@code rmdir(2)}: cgroupfs removes its files with it). */
    void rmdir(Path dir) throws IOException {
        Files.delete(dir);
    }

    /** The sub-directories (child cgroups) of a cgroup; empty when it does not exist. */
    List<Path> children(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            entries.forEach(out::add);
        } catch (NoSuchFileException e) {
            return out;
        }
        return out;
    }

    /** When a cgroup directory was made (cgroupfs sets it at creation and never touches it for children). */
    Instant modified(Path dir) throws IOException {
        return Files.getLastModifiedTime(dir).toInstant();
    }

    /** The text of {@code /proc/<pid>/cgroup}; empty when the process is gone. */
    Optional<String> procCgroup(long pid) {
        try {
            return Optional.of(Files.readString(proc.resolve(Long.toString(pid)).resolve("cgroup"),
                    StandardCharsets.UTF_8));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a process still runs, from {@code /proc/<pid>/stat}: false when it is gone, exiting or waiting to be
     * reaped (on cgroup v1 the {@code /proc/<pid>/cgroup} of an exiting process names the root cgroups, not the ones
     * it ran in).
     */
    boolean running(long pid) {
        try {
            return CgroupParsers.running(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.UTF_8));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The parent of a process, from {@code /proc/<pid>/stat}; empty when the process is gone. */
    OptionalLong parentOf(long pid) {
        try {
            return CgroupParsers.parentPid(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.UTF_8));
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    /** The bytes of {@code /proc/<pid>/environ}; empty when the process is gone or not ours to read. */
    Optional<byte[]> environ(long pid) {
        try {
            return Optional.of(Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("environ")));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
