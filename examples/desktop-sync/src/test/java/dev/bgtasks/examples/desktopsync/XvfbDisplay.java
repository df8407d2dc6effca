package dev.bgtasks.examples.desktopsync;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private X server ({@code Xvfb}, Debian package xvfb) for a test's app JVMs. Missing Xvfb, or a JDK without X11
 * AWT, fails under {@code BGTASKS_REQUIRE_NATIVE=1} and skips the test otherwise.
 *
 * <pre>{@code
 * try (XvfbDisplay x = XvfbDisplay.start()) {
 *     builder.environment().put("DISPLAY", x.name());
 * }
 * }</pre>
 */
final class XvfbDisplay implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Process process;
    private final String name;

    private XvfbDisplay(Process process, String name) {
        this.process = process;
        this.name = name;
    }

    /** The {@code DISPLAY} value, e.g. {@code :99}. */
    String name() {
        return name;
    }

    /** Starts Xvfb on a display it picks itself; returns once it accepts connections. */
    static XvfbDisplay start() throws Exception {
        // A headless JRE (Debian's openjdk-17-jre-headless alone) cannot open a window on any display.
        if (!Files.exists(Path.of(System.getProperty("java.home"), "lib", "libawt_xawt.so"))) {
            unavailable("this JDK has no X11 AWT (" + System.getProperty("java.home")
                    + "/lib/libawt_xawt.so is missing; Debian package openjdk-17-jre)");
        }
        Path binary = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "Xvfb")).filter(Files::isExecutable).findFirst()
                .or(() -> Stream.of(Path.of("/usr/bin/Xvfb")).filter(Files::isExecutable).findFirst())
                .orElse(null);
        if (binary == null) {
            unavailable("Xvfb is not installed (Debian package xvfb)");
        }
        // -displayfd: Xvfb picks a free display itself and writes its number once it accepts connections.
        Process process = new ProcessBuilder(binary.toString(), "-displayfd", "1", "-screen", "0", "1024x768x24",
                "-nolisten", "tcp").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> number = CompletableFuture.supplyAsync(() -> {
            try {
                String line = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                return line == null ? "" : line.trim();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String displayNumber;
        try {
            displayNumber = number.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            displayNumber = "";
        }
        if (!process.isAlive() || !displayNumber.matches("\\d+")) {
            String why = process.isAlive() ? "no display number within " + DEADLINE
                    : "exited with " + process.exitValue();
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            unavailable("Xvfb could not start (" + why + ")");
        }
        return new XvfbDisplay(process, ":" + displayNumber);
    }

    /** Fails under {@code BGTASKS_REQUIRE_NATIVE=1}, skips the test otherwise. */
    static void unavailable(String why) {
        if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
            throw new AssertionError(why + ", and BGTASKS_REQUIRE_NATIVE=1 forbids skipping");
        }
        Assumptions.abort(why);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
