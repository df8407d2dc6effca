package dev.bgtasks.bench.chaos;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.spi.ResourceLimits;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 2: app processes × threads × {@code requestAsync} on one trigger. The task proves T4 from inside with
 * an exclusive file lock ({@link ExclusiveLockTask}); every call must be answered, and answered {@code ALLOWED}
 * exactly as many times as instances ran.
 */
final class HammerScenario {
    static final String APP = "dev.bgtasks.chaos.hammer";
    static final String TRIGGER = "hammered";
    private static final long HOLD_MILLIS = 50;

    private final ChaosOptions options;
    private final ScenarioTally tally;

    HammerScenario(ChaosOptions options, ScenarioTally tally) {
        this.options = options;
        this.tally = tally;
    }

    void run() throws Exception {
        Path home = ChaosBroker.newHome();
        Path lockFile = home.resolve("exclusive.lock");
        Path runs = home.resolve("runs.txt");
        Path violations = home.resolve("violations.txt");
        TaskProcesses processes = TaskProcesses.host();
        List<Process> apps = new ArrayList<>();
        List<AutoCloseable> appKillers = new ArrayList<>();
        try (ChaosBroker broker = ChaosBroker.start(home, processes)) {
            broker.client().requestAccess(APP);
            broker.client().register(APP, new TaskDefinition("exclusive", TRIGGER, new TaskTarget.Command(List.of(
                    javaExecutable(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath(),
                    ExclusiveLockTask.class.getName(), lockFile.toString(), runs.toString(), violations.toString(),
                    Long.toString(HOLD_MILLIS))), Set.of(), false, ResourceLimits.defaults(), false, null, null));
            long deadline = System.currentTimeMillis() + options.hammerTime().toMillis();
            for (int i = 0; i < options.hammerProcesses(); i++) {
                apps.add(new ProcessBuilder(javaExecutable(), "-cp", classpath(), HammerClient.class.getName(),
                        broker.location().socket().toString(), APP, TRIGGER,
                        Integer.toString(options.hammerThreads()), Integer.toString(options.hammerCalls()),
                        Long.toString(deadline))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
                Process app = apps.get(apps.size() - 1);
                AutoCloseable kill = app::destroyForcibly;
                appKillers.add(kill);
                Cleanups.register(kill);
            }
            HammerCounts counts = new HammerCounts();
            List<CompletableFuture<String>> outputs = new ArrayList<>();
            for (Process app : apps) {
                outputs.add(CompletableFuture.supplyAsync(() -> readAll(app)));
            }
            for (int i = 0; i < apps.size(); i++) {
                // The deadline stops new calls; a call in flight may still wait its 30 s for an answer.
                if (!apps.get(i).waitFor(options.hammerTime().toSeconds() + 60, TimeUnit.SECONDS)) {
                    tally.violation("hammering process " + apps.get(i).pid() + " did not finish");
                    apps.get(i).destroyForcibly();
                }
                String output = outputs.get(i).get(10, TimeUnit.SECONDS);
                output.lines().filter(l -> l.startsWith("ERROR")).forEach(l -> tally.note("process " + l));
                counts.add(output);
            }
            long planned = (long) options.hammerProcesses() * options.hammerThreads() * options.hammerCalls();
            tally.check(counts.problems(planned, List.of(ApplicationTriggerResult.ALLOWED.name(),
                    ApplicationTriggerResult.CURRENTLY_RUNNING.name())));
            counts.byResult().forEach((result, count) -> tally.count(result, count));
            tally.cycles(counts.answered() + counts.get(HammerCounts.UNANSWERED));
            if (counts.get(HammerCounts.NOT_SENT) > 0) {
                tally.note("time bound " + options.hammerTime().toSeconds() + " s reached: "
                        + counts.get(HammerCounts.NOT_SENT) + " of " + planned + " calls not sent");
            }

            List<InstanceInfo> instances = awaitAllEnded(broker);
            long allowed = counts.get(ApplicationTriggerResult.ALLOWED.name());
            tally.check(instances.size() == allowed, "answered ALLOWED " + allowed + " times but the broker holds "
                    + instances.size() + " instances");
            long ran = Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
            tally.count("instances ran", ran);
            tally.check(ran == allowed, allowed + " instances allowed but " + ran + " ran");
            for (InstanceInfo instance : instances) {
                tally.check(instance.state() == InstanceState.COMPLETED
                        && instance.outcome() == TaskOutcome.SUCCEEDED, "instance " + instance.instanceId()
                        + " ended " + instance.state() + " " + instance.outcome() + " exit " + instance.exitCode()
                        + " (" + instance.terminationReason() + ", " + instance.errorMessage() + "); its log: "
                        + instanceLog(broker, instance));
            }
            List<String> overlaps = Files.exists(violations) ? Files.readAllLines(violations) : List.of();
            tally.check(overlaps);
            tally.check(overlapsInHistory(instances));
        } finally {
            apps.forEach(Process::destroyForcibly);
            appKillers.forEach(Cleanups::unregister);
        }
    }

    /** The broker's own record agrees: each instance was requested after the one before it ended. */
    static List<String> overlapsInHistory(List<InstanceInfo> instances) {
        List<InstanceInfo> ordered = new ArrayList<>(instances);
        ordered.removeIf(i -> i.requestedAt() == null || i.endedAt() == null);
        ordered.sort(java.util.Comparator.comparing(InstanceInfo::requestedAt));
        List<String> problems = new ArrayList<>();
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).requestedAt().isBefore(ordered.get(i - 1).endedAt())) {
                problems.add("instance " + ordered.get(i).instanceId() + " was requested at "
                        + ordered.get(i).requestedAt() + ", before instance " + ordered.get(i - 1).instanceId()
                        + " ended at " + ordered.get(i - 1).endedAt());
            }
        }
        return problems;
    }

    private List<InstanceInfo> awaitAllEnded(ChaosBroker broker) {
        List<String> pending = KillScenario.settled(() -> broker.client().instances(APP).stream()
                .filter(i -> i.state() != InstanceState.COMPLETED)
                .map(i -> "instance " + i.instanceId() + " is still " + i.state()).toList(), Duration.ofSeconds(30));
        tally.check(pending);
        return broker.client().instances(APP);
    }

    private static String instanceLog(ChaosBroker broker, InstanceInfo instance) {
        Path log = broker.location().stateDirectory().resolve("runs").resolve(instance.instanceId() + ".log");
        try {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(none)";
            return text.length() > 600 ? text.substring(0, 600) + "..." : text;
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static String readAll(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classpath() {
        return String.join(File.pathSeparator, KillScenario.existingClasspath());
    }
}
