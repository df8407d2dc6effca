package dev.bgtasks.bench.chaos;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The hammered trigger's task, run as a command: proves from inside that no other instance runs at the same time
 * by taking an exclusive lock on a shared file with {@code tryLock} and holding it while it runs. A lock it cannot
 * take is a second instance at once (SPEC T4): it appends a line to the violations file. Every run appends its
 * pid to the runs file.
 *
 * <p>Arguments: {@code <lock file> <runs file> <violations file> <hold millis>}.
 */
final class ExclusiveLockTask {
    private ExclusiveLockTask() {
    }

    public static void main(String[] args) throws IOException {
        if (!runExclusively(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3]))) {
            System.exit(3);
        }
    }

    /**
     * Holds the lock for {@code holdMillis}.
     *
     * @return false when the lock was held by someone else (the violation is written down)
     */
    static boolean runExclusively(Path lockFile, Path runs, Path violations, long holdMillis) throws IOException {
        String pid = Long.toString(ProcessHandle.current().pid());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                append(violations, "instance pid " + pid + " found the lock held: two instances at once\n");
                return false;
            }
            try {
                append(runs, pid + "\n");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(holdMillis));
            } finally {
                lock.release();
            }
            return true;
        }
    }

    /** One short write in append mode: lines from concurrent writers never interleave. */
    private static void append(Path file, String line) throws IOException {
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
