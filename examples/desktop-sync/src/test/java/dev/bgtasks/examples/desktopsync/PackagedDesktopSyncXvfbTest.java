package dev.bgtasks.examples.desktopsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.HostSignal;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue 13, "a packaged example": the desktop app shipped as a jpackage app image made with jpackage's default
 * options (its runtime has no {@code bin/java}), driven on a private X server. The image's launcher starts the app,
 * the app starts its own broker from the image's runtime, the user syncs, closes the window mid-sync, and the next
 * start shows the completion. The image's main class is {@link DesktopSyncDriver}, which runs the real app and
 * presses its button; everything else in the image is what an app ships: its jar, bgtasks and their dependencies
 * ({@code target/classpath.txt}, the example's runtime class path).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(600)
class PackagedDesktopSyncXvfbTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String NAME = "DesktopSync";
    private static Path work;
    private static Path image;

    private XvfbDisplay xvfb;
    private Path home;
    private BrokerLocation location;
    private BrokerClient broker;
    private DriverRuns apps;

    /** The app's jar (with the driver) and its runtime class path in one directory: jpackage's {@code --input}. */
    @BeforeAll
    static void packageTheApp() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        if (!Files.isExecutable(jdk.resolve("bin/jpackage"))) {
            XvfbDisplay.unavailable("no jpackage in " + jdk.resolve("bin"));
        }
        Path classpath = Path.of("target", "classpath.txt").toAbsolutePath();
        assertThat(classpath).as("written by the build (maven-dependency-plugin)").exists();
        work = Files.createTempDirectory(Path.of("/tmp"), "bgtdspkg");
        Path input = Files.createDirectories(work.resolve("input"));
        run(work, jdk.resolve("bin/jar").toString(), "--create", "--file", input.resolve("desktop-sync.jar").toString(),
                "-C", Path.of("target", "classes").toAbsolutePath().toString(), ".",
                "-C", Path.of("target", "test-classes").toAbsolutePath().toString(), ".");
        int directories = 0;
        for (String entry : Files.readString(classpath).trim().split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                // A reactor module not packaged yet (e.g. `mvn test`): its classes become a jar, as a release's would.
                run(work, jdk.resolve("bin/jar").toString(), "--create", "--file",
                        input.resolve("module-" + directories++ + ".jar").toString(), "-C", path.toString(), ".");
            } else {
                Files.copy(path, input.resolve(path.getFileName().toString()));
            }
        }
        run(work, jdk.resolve("bin/jpackage").toString(), "--type", "app-image", "--input", input.toString(),
                "--main-jar", "desktop-sync.jar", "--main-class", DesktopSyncDriver.class.getName(),
                "--name", NAME, "--dest", work.resolve("image").toString());
        image = work.resolve("image").resolve(NAME);
    }

    @AfterAll
    static void deleteTheImage() throws IOException {
        DriverRuns.deleteTree(work);
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (apps != null) {
            apps.killAll();
        }
        if (broker != null) {
            broker.close();
        }
        DriverRuns.killBroker(location);
        if (xvfb != null) {
            xvfb.close();
        }
        DriverRuns.deleteTree(home);
    }

    @Test
    void aSyncThatFinishedWhileThePackagedAppWasClosedIsShownAtItsNextStart() throws Exception { // SPEC X5, T4
        // The case of issue 13: jlink's --strip-native-commands is one of jpackage's defaults.
        assertThat(image.resolve("lib/runtime/bin/java")).doesNotExist();
        xvfb = XvfbDisplay.start();
        // Short: a Unix socket path must stay under ~100 bytes.
        home = Files.createTempDirectory(Path.of("/tmp"), "bgtdp");
        location = BrokerLocation.underHome(home);
        apps = new DriverRuns(List.of(image.resolve("bin").resolve(NAME).toString()), xvfb.name(), home);
        Path folder = home.resolve("synced");

        // The first start of the app starts its broker, from the image.
        assertThat(apps.run("open", null, folder, 20, 400)).containsEntry("started", "yes");
        broker = BrokerClient.connect(location.socket());
        // The host's network is not this test's subject (core's tests prove the condition).
        broker.simulate(Map.of(HostSignal.INTERNET, true));
        BlockingQueue<InstanceInfo> completions = new LinkedBlockingQueue<>();
        AutoCloseable watch = broker.subscribe(DesktopSync.APP_ID, event -> {
            if (event instanceof AppEvent.Completed completed) {
                completions.add(completed.instance());
            }
        });

        Map<String, String> first = apps.run("close-while-running", null, folder, 20, 400);
        assertThat(first.get("trigger1")).startsWith("Sync now: ALLOWED");
        assertThat(Integer.parseInt(first.get("progress"))).isBetween(1, 99);
        assertThat(first.get("closed")).isEqualTo("true");
        Optional<InstanceInfo> running = broker.instances(DesktopSync.APP_ID).stream()
                .filter(i -> i.state() == InstanceState.RUNNING).findFirst();
        assertThat(running).as("the sync goes on after the app exited").isPresent();

        InstanceInfo done = completions.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        watch.close();
        assertThat(done).as("the sync completed within %s", DEADLINE).isNotNull();
        assertThat(done.outcome()).as(done.toString()).isEqualTo(TaskOutcome.SUCCEEDED);

        Path screenshot = Path.of("target", "desktop-sync-packaged.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Map<String, String> second = apps.run("reopen", screenshot, folder, 20, 400);
        assertThat(second.get("result")).startsWith("Finished while the window was closed: SUCCEEDED at ");
        assertThat(broker.undeliveredCompletions(DesktopSync.APP_ID)).as("claimed once, by the reopened app")
                .isEmpty();
        try (var files = Files.list(folder)) {
            assertThat(files.count()).as("files the sync wrote").isEqualTo(20);
        }
        DriverRuns.assertScreenshotShowsFullBarAndText(screenshot, second);

        // The broker and the task ran on the image's runtime, never as the app's launcher.
        String brokerLog = Files.readString(location.logFile());
        assertThat(brokerLog).contains("Java tasks start with copies of " + image.resolve("bin").resolve(NAME));
        Optional<String> brokerCommand = ProcessHandle.of(Long.parseLong(Files.readString(location.pidFile())
                .trim())).flatMap(p -> p.info().command());
        brokerCommand.ifPresent(c -> assertThat(c).startsWith(location.stateDirectory().toString()));
        Path taskLog = location.stateDirectory().resolve("runs").resolve(done.instanceId() + ".log");
        List<String> warnings = new ArrayList<>(brokerLog.lines().filter(l -> l.contains("WARNING")).toList());
        if (Files.exists(taskLog)) {
            Files.readString(taskLog).lines().filter(l -> l.contains("WARNING")).forEach(warnings::add);
        }
        assertThat(warnings).as("JVM warnings in the broker or task log").isEmpty();
    }

    private static void run(Path dir, String... command) throws Exception {
        Path log = Files.createTempFile(dir, "tool", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command[0] + " ran past 5 minutes");
        }
        assertThat(process.exitValue()).as("%s: %s", List.of(command), Files.readString(log)).isZero();
    }
}
