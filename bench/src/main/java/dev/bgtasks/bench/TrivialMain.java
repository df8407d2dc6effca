package dev.bgtasks.bench;

/**
 * The baseline of the CLI figure: the cheapest Java program there is, started by the same {@code java} as the
 * {@code bgtask} calls it is compared with.
 *
 * <pre>{@code
 * java -cp <bench jar> dev.bgtasks.bench.TrivialMain
 * }</pre>
 */
public final class TrivialMain {
    private TrivialMain() {
    }

    /**
     * Does nothing.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        // The JVM's start and exit are the whole of the baseline.
    }
}
