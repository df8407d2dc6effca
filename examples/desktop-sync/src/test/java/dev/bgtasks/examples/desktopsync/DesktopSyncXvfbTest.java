package dev.bgtasks.examples.desktopsync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.daemon.BrokerStarter;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.HostSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The desktop example end to end on a real X server (issue 7, "Desktop example"): a private {@code Xvfb}
 * (Debian package xvfb), the app in child JVMs driven by {@link DesktopSyncDriver}, a real broker in a temp
 * {@code BGTASKS_HOME} that this test starts and kills. Missing Xvfb, or a JDK without X11 AWT, fails under
 * {@code BGTASKS_REQUIRE_NATIVE=1} and skips otherwise. The PNGs go to {@code target/desktop-sync.png} and
 * {@code target/desktop-sync-reopened.png}. The broker's INTERNET signal is simulated true, so the test does not depend on the
 * host's network; the condition itself is proven in core's tests.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(240)
class DesktopSyncXvfbTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Path SCREENSHOTS = Path.of("target").toAbsolutePath();

    private XvfbDisplay xvfb;
    private Path home;
    private BrokerLocation location;
    private BrokerClient broker;
    private DriverRuns apps;

    @BeforeEach
    void startXvfbAndBroker() throws Exception {
        xvfb = XvfbDisplay.start();
        // Short: a Unix socket path must stay under ~100 bytes.
        home = Files.createTempDirectory(Path.of("/tmp"), "bgtds");
        apps = DriverRuns.onThisJvm(xvfb.name(), home);
        location = BrokerLocation.underHome(home);
        broker = BrokerStarter.connectOrStart(location);
        broker.simulate(Map.of(HostSignal.INTERNET, true));
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

    /**
     * Issue 7: progress bar fed by progress events, the result. Issue 16 (SPEC P3, QUEUE_ONE): a second press during
     * the sync queues one more run after it, a third while that one waits answers CURRENTLY_RUNNING; the queued
     * sync then runs and completes too.
     */
    @Test
    void syncShowsProgressThenResultAndQueuesOneMoreRun() throws Exception {
        Path folder = home.resolve("synced");
        Path screenshot = SCREENSHOTS.resolve("desktop-sync.png");
        Files.deleteIfExists(screenshot);

        Map<String, String> report = apps.run("sync", screenshot, folder, 15, 300);

        assertThat(report.get("trigger1")).startsWith("Sync now: ALLOWED");
        assertThat(Integer.parseInt(report.get("progress"))).isBetween(1, 99);
        assertThat(report.get("trigger2")).startsWith("Sync now: ALLOWED (queued");
        assertThat(report.get("trigger3")).startsWith("Sync now: CURRENTLY_RUNNING");
        assertThat(report.get("result")).startsWith("Result: SUCCEEDED at ");
        assertThat(Integer.parseInt(report.get("queuedProgress"))).isBetween(1, 99);
        assertThat(report.get("result2")).startsWith("Result: SUCCEEDED at ");
        assertThat(broker.instances(DesktopSync.APP_ID)).as("two syncs ran, one after the other").hasSize(2)
                .allMatch(i -> i.outcome() == TaskOutcome.SUCCEEDED);
        assertThat(report.get("barValue")).isEqualTo("100");
        assertThat(syncedFiles(folder)).hasSize(15).contains(SyncTask.fileName(1), SyncTask.fileName(15));
        DriverRuns.assertScreenshotShowsFullBarAndText(screenshot, report);
    }

    /**
     * Issue 7: a sync that finished while the window was closed is shown at the next start, once (SPEC X5): the
     * app is closed mid-run, the broker finishes the run with nobody listening, the next start reports it.
     */
    @Test
    void completionWhileTheWindowWasClosedIsShownAtTheNextStart() throws Exception {
        BlockingQueue<InstanceInfo> completions = new LinkedBlockingQueue<>();
        // A raw subscription sees the event but does not claim it; only the app's listener does.
        AutoCloseable watch = broker.subscribe(DesktopSync.APP_ID, event -> {
            if (event instanceof AppEvent.Completed completed) {
                completions.add(completed.instance());
            }
        });
        Path folder = home.resolve("synced");

        Map<String, String> first = apps.run("close-while-running", null, folder, 20, 400);
        assertThat(first.get("trigger1")).startsWith("Sync now: ALLOWED");
        assertThat(Integer.parseInt(first.get("progress"))).isBetween(1, 99);
        assertThat(first.get("closed")).isEqualTo("true");
        assertThat(broker.instances(DesktopSync.APP_ID)).as("the run goes on after the app exited")
                .anyMatch(i -> i.state() == InstanceState.RUNNING);

        InstanceInfo done = completions.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        watch.close();
        assertThat(done).as("the run completed within %s", DEADLINE).isNotNull();
        assertThat(done.outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(broker.undeliveredCompletions(DesktopSync.APP_ID)).extracting(InstanceInfo::instanceId)
                .containsExactly(done.instanceId());

        Path screenshot = SCREENSHOTS.resolve("desktop-sync-reopened.png");
        Files.deleteIfExists(screenshot);
        Map<String, String> second = apps.run("reopen", screenshot, folder, 20, 400);
        assertThat(second.get("result")).startsWith("Finished while the window was closed: SUCCEEDED at ");
        assertThat(broker.undeliveredCompletions(DesktopSync.APP_ID)).as("claimed once, by the reopened app")
                .isEmpty();
        assertThat(syncedFiles(folder)).hasSize(20);
        DriverRuns.assertScreenshotShowsFullBarAndText(screenshot, second);
    }

    private static List<String> syncedFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
