package dev.bgtasks.bench.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 5 (issue 20): a crowd of apps at once, beside peers that stall in the middle of a frame. The apps (1,000
 * by default, threads spread over a few processes, each with its own {@code BackgroundTasks.open}) all connect
 * first, then each registers a short command task, triggers it and waits for its completion. Every app must
 * succeed, the broker must have been started exactly once (counted in its log, and by the apps' own "starting
 * the bgtasks broker" lines: none), and every stalled peer must be closed by the broker's frame timeout. The
 * broker's RSS, threads and open descriptors are sampled throughout; the figures go into the tally's counts.
 */
final class CrowdScenario {
    static final long TASK_MILLIS = 200;
    /** The broker's frame timeout (and hello timeout): a stalled peer must be gone within it and this slack. */
    static final Duration FRAME_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_SLACK = Duration.ofSeconds(5);
    private static final String BROKER_STARTED = "serving the broker on";
    private static final String BROKER_FAILED = "the broker could not start";
    private static final String APP_STARTS_BROKER = "starting the bgtasks broker";

    private final ChaosOptions options;
    private final ScenarioTally tally;

    CrowdScenario(ChaosOptions options, ScenarioTally tally) {
        this.options = options;
        this.tally = tally;
    }

    void run() throws Exception {
        Path home = ChaosBroker.newHome();
        TaskProcesses processes = TaskProcesses.host();
        List<Process> apps = new ArrayList<>();
        List<AutoCloseable> appKillers = new ArrayList<>();
        try (ChaosBroker broker = ChaosBroker.start(home, processes);
             BrokerSampler sampler = BrokerSampler.start(broker.pid().orElseThrow(), 200)) {
            BrokerSampler.Sample idle = sampler.sampleNow();
            long deadline = System.currentTimeMillis() + options.crowdTime().toMillis();
            StalledPeers stalled = StalledPeers.open(broker.location().socket(), options.crowdStalled());
            CompletableFuture<Integer> stalledClosed = CompletableFuture.supplyAsync(() -> {
                try {
                    return stalled.awaitClosed(FRAME_TIMEOUT.plus(CLOSE_SLACK).plusSeconds(20));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            int perProcess = (options.crowdApps() + options.crowdProcesses() - 1) / options.crowdProcesses();
            List<Path> appLogs = new ArrayList<>();
            for (int first = 0; first < options.crowdApps(); first += perProcess) {
                int count = Math.min(perProcess, options.crowdApps() - first);
                Path log = home.resolve("crowd-app-" + first + ".log");
                appLogs.add(log);
                Process app = new ProcessBuilder(HammerScenario.javaExecutable(), "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-Xss512k", "-cp", HammerScenario.classpath(),
                        CrowdApp.class.getName(), home.toString(), Integer.toString(first), Integer.toString(count),
                        Integer.toString(options.crowdApps()), Long.toString(options.crowdRamp().toMillis()),
                        Long.toString(TASK_MILLIS), Long.toString(deadline))
                        .redirectError(log.toFile()).start();
                apps.add(app);
                AutoCloseable kill = app::destroyForcibly;
                appKillers.add(kill);
                Cleanups.register(kill);
            }
            // Whatever an app process does, it is gone a minute after the deadline: every read below then ends.
            CompletableFuture.delayedExecutor(Math.max(0, deadline - System.currentTimeMillis()) + 60_000,
                    TimeUnit.MILLISECONDS).execute(() -> apps.forEach(Process::destroyForcibly));
            List<BufferedReader> outputs = apps.stream().map(p -> new BufferedReader(new InputStreamReader(
                    p.getInputStream(), StandardCharsets.UTF_8))).toList();

            long openedApps = 0;
            for (BufferedReader output : outputs) {
                Optional<String> ready = lineStarting(output, "READY ");
                tally.check(ready.isPresent(), "an app process ended before all its apps were open");
                openedApps += ready.map(l -> Long.parseLong(l.split(" ")[1])).orElse(0L);
            }
            BrokerSampler.Sample connected = sampler.sampleNow();
            tally.check(openedApps == options.crowdApps(), openedApps + " of " + options.crowdApps()
                    + " apps could open their connection");
            long go = System.nanoTime();
            for (Process app : apps) {
                OutputStream stdin = app.getOutputStream();
                stdin.write('\n');
                stdin.flush();
            }
            HammerCounts counts = new HammerCounts();
            long slowestMillis = 0;
            for (BufferedReader output : outputs) {
                String result = readUntil(output, "DONE");
                result.lines().filter(l -> l.startsWith("ERROR")).limit(5).forEach(l -> tally.note("app " + l));
                counts.add(result);
                slowestMillis = Math.max(slowestMillis, result.lines().filter(l -> l.startsWith("LATENCY "))
                        .mapToLong(l -> Long.parseLong(l.substring("LATENCY ".length()).trim())).max().orElse(0));
            }
            double servedSeconds = (System.nanoTime() - go) / 1e9;
            BrokerSampler.Sample served = sampler.sampleNow();
            for (Process app : apps) {
                OutputStream stdin = app.getOutputStream();
                stdin.write('\n');
                stdin.flush();
            }
            for (Process app : apps) {
                if (!app.waitFor(60, TimeUnit.SECONDS)) {
                    tally.violation("app process " + app.pid() + " did not exit");
                }
            }
            long succeeded = counts.get(CrowdApp.SUCCEEDED);
            tally.cycles(succeeded);
            tally.check(succeeded == options.crowdApps(), succeeded + " of " + options.crowdApps()
                    + " apps registered, triggered and saw their task succeed");

            int closed = stalledClosed.get(FRAME_TIMEOUT.plus(CLOSE_SLACK).plusSeconds(60).toSeconds(),
                    TimeUnit.SECONDS);
            stalled.close();
            tally.check(closed == stalled.count(), "the broker closed " + closed + " of " + stalled.count()
                    + " stalled peers");
            Duration longest = stalled.longestHeld();
            tally.check(longest.compareTo(FRAME_TIMEOUT.plus(CLOSE_SLACK)) <= 0, "a stalled peer held its"
                    + " connection " + longest.toMillis() + " ms, more than the frame timeout and "
                    + CLOSE_SLACK.toSeconds() + " s");

            List<String> log = Files.exists(broker.location().logFile())
                    ? Files.readAllLines(broker.location().logFile(), StandardCharsets.UTF_8) : List.of();
            long starts = log.stream().filter(l -> l.contains(BROKER_STARTED) || l.contains(BROKER_FAILED)).count();
            long startedByApps = 0;
            for (Path appLog : appLogs) {
                startedByApps += Files.readAllLines(appLog, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.contains(APP_STARTS_BROKER)).count();
            }
            tally.check(starts == 1, "the broker log shows " + starts + " broker starts, not 1");
            tally.check(startedByApps == 0, "the apps started " + startedByApps + " brokers beside the running one");
            tally.check(broker.process().isPresent(), "the broker is gone after the crowd");

            BrokerSampler.Sample peak = sampler.peak();
            long connections = openedApps + stalled.count();
            tally.count("apps succeeded", succeeded);
            tally.count("broker starts", starts);
            tally.count("stalled peers closed", closed);
            tally.count("stalled peers held ms (min)", stalled.shortestHeld().toMillis());
            tally.count("stalled peers held ms (max)", longest.toMillis());
            tally.count("ms to serve all", Math.round(servedSeconds * 1000));
            tally.count("slowest app ms", slowestMillis);
            tally.count("broker fds when all were served", served.fds());
            tally.count("broker RSS KiB idle", idle.rssKib());
            tally.count("broker RSS KiB with all connected", connected.rssKib());
            tally.count("broker RSS KiB peak", peak.rssKib());
            tally.count("broker threads idle", idle.threads());
            tally.count("broker threads with all connected", connected.threads());
            tally.count("broker threads peak", peak.threads());
            tally.count("broker fds with all connected", connected.fds());
            tally.count("broker fds peak", peak.fds());
            if (connections > 0 && connected.rssKib() > 0 && idle.rssKib() > 0) {
                tally.count("RSS bytes per connection", (connected.rssKib() - idle.rssKib()) * 1024 / connections);
            }
            tally.note(String.format(java.util.Locale.ROOT, "%d apps in %d processes plus %d stalled peers "
                    + "(%d connections) served in %.1f s, their work started over %d s; a %d ms command task each",
                    openedApps, apps.size(), stalled.count(), connections, servedSeconds,
                    options.crowdRamp().toSeconds(), TASK_MILLIS));
            if (tally.violations() > 0) {
                broker.saveLog(Path.of("bench", "target", "chaos-crowd-broker.log"));
            }
        } finally {
            apps.forEach(Process::destroyForcibly);
            appKillers.forEach(Cleanups::unregister);
        }
    }

    /** Reads lines until one starts with {@code prefix}; empty when the stream ends first. */
    private static Optional<String> lineStarting(BufferedReader output, String prefix) throws IOException {
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.startsWith(prefix)) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
    }

    /** The lines up to {@code last} (or to the end of the stream), joined. */
    private static String readUntil(BufferedReader output, String last) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String line = output.readLine(); line != null && !line.equals(last); line = output.readLine()) {
            lines.append(line).append('\n');
        }
        return lines.toString();
    }
}
