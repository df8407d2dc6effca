package dev.bgtasks.bench.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted over a directory (needs root), under the source name {@code bgtasks-chaos} so that
 * {@code bench/chaos} can find and unmount a mount a killed run left behind.
 */
final class Tmpfs implements AutoCloseable {
    static final String SOURCE = "bgtasks-chaos";
    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    static Tmpfs mount(Path mountPoint, String size) throws IOException {
        run(List.of("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", SOURCE, mountPoint.toString()));
        Tmpfs mount = new Tmpfs(mountPoint);
        Cleanups.register(mount);
        return mount;
    }

    @Override
    public void close() throws IOException {
        Cleanups.unregister(this);
        run(List.of("umount", mountPoint.toString()));
    }

    @Override
    public String toString() {
        return "tmpfs on " + mountPoint;
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " was interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
                    + output + (command.get(0).equals("mount") ? " (the disk-full scenario needs root)" : ""));
        }
    }
}
