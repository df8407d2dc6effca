package dev.bgtasks.cli;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.BackgroundTaskCompletedEventArgs;
import dev.bgtasks.BackgroundTaskFailedException;
import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemCondition;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code bgtask demo}: the seed scenario end to end, narrated, through the public API an app uses.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the seed scenario end to end: request access, register an ExampleBackgroundTask with "
                + "INTERNET_AVAILABLE, trigger it with arguments, follow its progress to the result, show "
                + "CURRENTLY_RUNNING for a second trigger, then DISABLED_BY_POLICY under simulated energy saver."})
final class DemoCommand implements Callable<Integer> {
    static final String APP = "dev.bgtasks.demo";
    static final String TASK_NAME = "Example application trigger";
    private static final Duration COMPLETION_DEADLINE = Duration.ofMinutes(2);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println("bgtask demo: the seed scenario, as an app (" + APP + ") would run it");
        try (BackgroundTasks bg = BackgroundTasks.open(APP); BrokerClient rig = BrokerConnection.connect()) {
            rig.clearSimulation();
            step(out, "1. request background access");
            BackgroundAccessStatus access = bg.executionManager().requestAccess().join();
            out.println("   requestAccess() -> " + access);
            if (access.isDenied()) {
                out.println("   the app may not run background tasks here; allow it with: bgtask access allow " + APP);
                return 1;
            }
            finishEarlierRuns(out, bg, rig);

            step(out, "2. register the task (entry point " + ExampleBackgroundTask.class.getSimpleName()
                    + ", condition INTERNET_AVAILABLE)");
            BackgroundTaskRegistration reg = bg.ensureRegistered(TASK_NAME, bg.newTask()
                    .taskEntryPoint(ExampleBackgroundTask.class.getName())
                    .setTrigger(bg.applicationTrigger())
                    .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
                    .limits(ResourceLimits.builder().wallClock(Duration.ofMinutes(2)).build()));
            out.println("   task " + reg.taskId() + " '" + reg.name() + "'");

            // Completions of earlier runs nobody saw arrive too (SPEC X5); the demo waits for its own.
            BlockingQueue<BackgroundTaskCompletedEventArgs> completions = new LinkedBlockingQueue<>();
            reg.onProgress(e -> ProgressBar.draw(out, e.progress()));
            reg.onCompleted(completions::add);

            step(out, "3. trigger it with arguments");
            if (!rig.signals().is(HostSignal.INTERNET, true)) {
                out.println("   this host reports no internet (" + rig.signals().get(HostSignal.INTERNET)
                        .map(String::valueOf).orElse("unknown") + "); simulating internet=true so the task can start");
                rig.simulate(Map.of(HostSignal.INTERNET, true));
            }
            TriggerResponse first = bg.applicationTrigger()
                    .request(Map.of("file", "notes.db", "requestedAt", Instant.now())).join();
            out.println("   requestAsync({file=notes.db, ...}) -> " + first.result() + " (instance "
                    + first.instanceId() + ")");
            if (first.result() != ApplicationTriggerResult.ALLOWED) {
                return 1;
            }

            step(out, "4. trigger again while it runs: one instance per trigger");
            out.println("   requestAsync() -> " + bg.applicationTrigger().requestAsync().join());
            out.println("   progress, pushed from the task's own process:");
            BackgroundTaskCompletedEventArgs result = await(completions, first.instanceId());
            ProgressBar.finish(out);
            try {
                result.checkResult();
                out.println("   completed: " + result.outcome() + " (instance " + result.instanceId() + ")");
            } catch (BackgroundTaskFailedException e) {
                out.println("   completed with an error: " + e.getMessage());
                return 1;
            }

            step(out, "5. energy saver on (simulated): the app is not ALWAYS_ALLOWED");
            rig.simulate(Map.of(HostSignal.ENERGY_SAVER, true));
            try {
                out.println("   requestAsync() -> " + bg.applicationTrigger().requestAsync().join());
            } finally {
                rig.clearSimulation();
            }
            out.println();
            out.println("done. See the runs with: bgtask runs --app " + APP);
            return 0;
        }
    }

    private static void step(PrintWriter out, String text) {
        out.println();
        out.println(text);
        out.flush();
    }

    /** A run left by an earlier demo would hold the trigger: cancel it and wait for it to end. */
    private static void finishEarlierRuns(PrintWriter out, BackgroundTasks bg, BrokerClient rig) {
        for (InstanceInfo run : bg.instances()) {
            if (run.state() != InstanceState.COMPLETED) {
                out.println("   cancelling run " + run.instanceId() + " left by an earlier demo");
                rig.cancel(APP, run.instanceId());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (bg.instances().stream().anyMatch(i -> i.state() != InstanceState.COMPLETED)
                && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static BackgroundTaskCompletedEventArgs await(BlockingQueue<BackgroundTaskCompletedEventArgs> completions,
                                                          UUID instanceId) throws InterruptedException {
        long deadline = System.nanoTime() + COMPLETION_DEADLINE.toNanos();
        while (true) {
            BackgroundTaskCompletedEventArgs next =
                    completions.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new IllegalStateException("the task did not complete within " + COMPLETION_DEADLINE
                        + "; see bgtask runs --app " + APP);
            }
            if (next.instanceId().equals(instanceId)) {
                return next;
            }
        }
    }
}
