package dev.bgtasks.examples.desktopsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.bgtasks.daemon.BrokerLocation;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Runs the desktop app's {@link DesktopSyncDriver} scenarios as a user starts the app, with a given launcher: a
 * {@code java -cp} line, or a jpackage image's own launcher. Keeps the processes it started, so a test's cleanup
 * can kill what is left.
 *
 * <pre>{@code
 * DriverRuns runs = new DriverRuns(List.of(java, "-cp", cp, DesktopSyncDriver.class.getName()), display, home);
 * Map<String, String> report = runs.run("sync", screenshot, folder, 15, 300);
 * }</pre>
 */
final class DriverRuns {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final List<String> launcher;
    private final String display;
    private final Path home;
    private final List<Process> started = new ArrayList<>();

    DriverRuns(List<String> launcher, String display, Path home) {
        this.launcher = List.copyOf(launcher);
        this.display = display;
        this.home = home;
    }

    /** The driver on this JVM with this test's class path. */
    static DriverRuns onThisJvm(String display, Path home) {
        return new DriverRuns(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), DesktopSyncDriver.class.getName()), display, home);
    }

    /** Kills every app process still running. */
    void killAll() {
        started.forEach(Process::destroyForcibly);
    }

    /** Kills the broker of this home, if one runs, and the task processes it started (they would outlive it). */
    static void killBroker(BrokerLocation location) throws IOException {
        if (location == null || !Files.exists(location.pidFile())) {
            return;
        }
        long pid = Long.parseLong(Files.readString(location.pidFile()).trim());
        ProcessHandle.of(pid).ifPresent(brokerProcess -> {
            brokerProcess.descendants().forEach(ProcessHandle::destroyForcibly);
            brokerProcess.destroyForcibly();
            brokerProcess.onExit().join();
        });
    }

    /** Deletes a directory tree this test made. */
    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /**
     * Runs one driver scenario with this launcher, on the private display and broker home, and returns its
     * {@code DRIVER key=value} report; fails unless it exits 0 within the deadline.
     */
    Map<String, String> run(String scenario, Path screenshot, Path folder, int files, int millisPerFile)
            throws Exception {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(scenario, screenshot == null ? "-" : screenshot.toString(),
                "--folder", folder.toString(), "--files", String.valueOf(files),
                "--millis-per-file", String.valueOf(millisPerFile)));
        Path errors = home.resolve(scenario + ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
        builder.environment().put("DISPLAY", display);
        builder.environment().put(BrokerLocation.HOME_VARIABLE, home.toString());
        builder.environment().remove("BGTASKS_RUN_TOKEN");
        // The app finds its JVM itself (from a jpackage image: the image's runtime), as on a user's machine.
        builder.environment().remove("BGTASKS_JAVA");
        Process app = builder.start();
        started.add(app);
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        if (!app.waitFor(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS)) {
            app.destroyForcibly();
            fail("the app (" + scenario + ") did not exit within " + DEADLINE.multipliedBy(2) + "; stderr:\n"
                    + Files.readString(errors));
        }
        String stdout = output.get(10, TimeUnit.SECONDS);
        assertThat(app.exitValue()).as("app exit code (%s); stdout:%n%s%nstderr:%n%s", scenario, stdout,
                Files.readString(errors)).isZero();
        Map<String, String> report = new LinkedHashMap<>();
        stdout.lines().filter(line -> line.startsWith("DRIVER ")).forEach(line -> {
            int equals = line.indexOf('=');
            report.put(line.substring("DRIVER ".length(), equals), line.substring(equals + 1));
        });
        System.out.println("app " + scenario + " reported " + report);
        assertThat(report).containsEntry("done", scenario);
        return report;
    }

    /** The PNG is the window, its progress bar filled end to end and its result label carrying text. */
    static void assertScreenshotShowsFullBarAndText(Path screenshot, Map<String, String> report)
            throws IOException {
        assertThat(screenshot).exists();
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertThat(image.getWidth() + "x" + image.getHeight()).isEqualTo(report.get("size"));
        int background = Integer.parseInt(report.get("background"), 16);

        int[] bar = rectangle(report.get("bar"));
        int middle = bar[1] + bar[3] / 2;
        // Away from the centred "100%" text: both ends of a full bar show the same fill colour.
        int left = rgb(image, bar[0] + bar[2] / 10, middle);
        int right = rgb(image, bar[0] + bar[2] * 9 / 10, middle);
        assertThat(String.format("%06x", right)).as("bar fill at 90%% vs 10%%")
                .isEqualTo(String.format("%06x", left));
        assertThat(String.format("%06x", left)).as("bar fill vs window background")
                .isNotEqualTo(String.format("%06x", background));

        int[] label = rectangle(report.get("resultLabel"));
        long textPixels = 0;
        for (int x = label[0]; x < label[0] + label[2]; x++) {
            for (int y = label[1]; y < label[1] + label[3]; y++) {
                if (brightness(rgb(image, x, y)) < brightness(background) / 2) {
                    textPixels++;
                }
            }
        }
        assertThat(textPixels).as("dark text pixels in the result label").isGreaterThan(100);
    }

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xffffff;
    }

    private static int brightness(int rgb) {
        return ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
    }

    private static int[] rectangle(String text) {
        return Stream.of(text.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
