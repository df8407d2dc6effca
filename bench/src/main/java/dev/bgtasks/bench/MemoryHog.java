package dev.bgtasks.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory-hog task: allocates native memory 1 MiB at a time (direct buffers, which the JVM zeroes, so every
 * page is touched at once and no garbage collector copies anything) and after each MiB overwrites its file with
 * the monotonic clock (and its pid after that). When the sandbox's limit kills it, the file holds the time of the
 * last MiB it got; the kernel may then stall the next allocation in reclaim for a while before it kills.
 *
 * <pre>{@code
 * java -XX:MaxDirectMemorySize=4g -cp <bench classes> dev.bgtasks.bench.MemoryHog /tmp/bgtb123/hog.time
 * }</pre>
 */
public final class MemoryHog {
    private static final int CHUNK = 1 << 20;
    /** A bound, so a hog outside any limit stops by itself. */
    private static final int MAX_CHUNKS = 4096;

    private MemoryHog() {
    }

    /**
     * Allocates until stopped, stamping the time file after each MiB.
     *
     * @param args the time file
     * @throws IOException when the time file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: MemoryHog <time file>");
        }
        List<ByteBuffer> held = new ArrayList<>();
        ByteBuffer stamp = ByteBuffer.allocate(Long.BYTES);
        try (FileChannel out = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            // The pid after the time, so the harness can find the kernel's kill of this process in its log.
            out.write(ByteBuffer.allocate(Long.BYTES).putLong(ProcessHandle.current().pid()).flip(), Long.BYTES);
            for (int i = 0; i < MAX_CHUNKS; i++) {
                held.add(ByteBuffer.allocateDirect(CHUNK));
                stamp.clear();
                stamp.putLong(System.nanoTime()).flip();
                out.write(stamp, 0);
            }
        }
        System.err.println("MemoryHog: allocated " + held.size() + " MiB and was not stopped");
        System.exit(3);
    }
}
