package dev.bgtasks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline of the Java start-latency figure: a trivial main whose first line reads the monotonic clock, as
 * {@link ProbeTask} does, and writes it to the file named by its only argument.
 *
 * <pre>{@code
 * java -cp <bench classpath> dev.bgtasks.bench.FirstLineMain /tmp/bgtb123/baseline-7
 * }</pre>
 */
public final class FirstLineMain {
    private FirstLineMain() {
    }

    /**
     * Writes the clock reading of its first line to the file given as the only argument.
     *
     * @param args the output file
     * @throws IOException when the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        long firstLine = System.nanoTime();
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: FirstLineMain <output file>");
        }
        Files.writeString(Path.of(args[0]), Long.toString(firstLine));
    }
}
