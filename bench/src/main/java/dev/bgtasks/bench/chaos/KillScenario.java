package dev.bgtasks.bench.chaos;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.TerminationReason;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.ResourceLimits;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Scenario 1: a driver registers, unregisters and triggers command and Java tasks of random durations while the
 * broker is SIGKILLed at a random moment; after each kill the store passes {@code integrity_check}, and after each
 * restart the registrations are intact, every instance is terminal or re-adopted and no task process is orphaned.
 *
 * <p>While the broker is down the chaos sometimes kills a task itself: its command alone (its supervisor observes
 * that, SPEC B5: recorded {@code KILLED}), or the command with its supervisor (nobody observes it: {@code BROKER_LOST}).
 * At the end {@code BROKER_LOST} is broken down by cause; one the chaos did not cause, or any {@code LAUNCH_FAILED},
 * is a violation (SPEC B5, B6).
 */
final class KillScenario {
    static final String APP = "dev.bgtasks.chaos.kill";
    private static final int SLOTS = 6;
    private static final Duration SETTLE = Duration.ofSeconds(20);
    /** The broker's re-adoption window (10 s) with room for a loaded machine. */
    private static final Duration READOPT_GRACE = Duration.ofSeconds(30);
    private static final Duration DRAIN = Duration.ofSeconds(40);

    private final ChaosOptions options;
    private final SplittableRandom random;
    private final ScenarioTally tally;
    private final RegistrationLedger ledger = new RegistrationLedger();
    private final ReadoptGrace grace = new ReadoptGrace(READOPT_GRACE, System::nanoTime);
    private final TaskProcesses processes = TaskProcesses.host();
    private final List<String> javaClasspath;
    /** Instances whose command and supervisor the chaos killed while no broker ran: nobody could see them end. */
    private final Set<String> killedWithSupervisor = new HashSet<>();
    /** Instances whose command alone the chaos killed while no broker ran: their supervisor saw it. */
    private final Set<String> killedCommandOnly = new HashSet<>();

    KillScenario(ChaosOptions options, long seed, ScenarioTally tally) {
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.tally = tally;
        this.javaClasspath = existingClasspath();
    }

    static List<String> existingClasspath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.exists(Path.of(entry))) {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        return entries;
    }

    void run() throws Exception {
        long deadline = System.nanoTime() + options.killTime().toNanos();
        Path home = ChaosBroker.newHome();
        ChaosBroker broker = null;
        TaskCgroups cgroups = null;
        try {
            broker = ChaosBroker.start(home, processes);
            cgroups = TaskCgroups.ofProcess(broker.pid().orElseThrow());
            broker.client().requestAccess(APP);
            long restartNanos = 0;
            long settleNanos = 0;
            for (int cycle = 0; cycle < options.killCycles(); cycle++) {
                if (System.nanoTime() > deadline) {
                    tally.note("time bound " + options.killTime().toSeconds() + " s reached after " + cycle
                            + " of " + options.killCycles() + " cycles");
                    break;
                }
                long[] phases = cycle(broker);
                restartNanos += phases[0];
                settleNanos += phases[1];
                tally.cycle();
            }
            if (tally.cycles() > 0) {
                tally.count("mean restart ms", restartNanos / tally.cycles() / 1_000_000);
                tally.count("mean settle ms", settleNanos / tally.cycles() / 1_000_000);
            }
            drainAndCheck(broker, cgroups);
        } finally {
            if (broker != null) {
                broker.saveLog(options.output().resolveSibling("chaos-kill-broker.log"));
                broker.killAll();
                if (cgroups != null) {
                    cgroups.removeEmpty(tokensQuietly(broker.database()));
                }
                broker.close();
            } else {
                ChaosBroker.deleteTree(home);
            }
        }
    }

    /** One cycle: drive, kill, check the file, restart, check the broker's view. Returns restart and settle time. */
    private long[] cycle(ChaosBroker broker) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        BrokerClient client = broker.client();
        long driverSeed = random.nextLong();
        Thread driver = new Thread(() -> drive(client, new SplittableRandom(driverSeed), stop), "chaos-driver");
        driver.start();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(100, 1500)));
        broker.kill9();
        stop.set(true);
        driver.join(TimeUnit.SECONDS.toMillis(60));
        tally.check(StoreCheck.integrityProblems(broker.database()));
        killSomeTask(broker);

        long start = System.nanoTime();
        BrokerClient again = broker.restart();
        long restart = System.nanoTime() - start;
        tally.check(ledger.reconcile(again.registrations(APP)));
        long settleStart = System.nanoTime();
        tally.check(settled(() -> InstanceCheck.problems(again.instances(APP),
                processes.withSocket(broker.location().socket()), grace::inGrace), SETTLE));
        return new long[] {restart, System.nanoTime() - settleStart};
    }

    /**
     * While no broker runs: in one cycle of four the chaos SIGKILLs one task's command and its supervisor (the
     * supervisor is the root of the instance's processes), in one of eight its command alone.
     */
    private void killSomeTask(ChaosBroker broker) {
        int roll = random.nextInt(8);
        if (roll > 2) {
            return;
        }
        Map<String, Set<Long>> byInstance = new TreeMap<>();
        processes.withSocket(broker.location().socket()).forEach((pid, instance) ->
                byInstance.computeIfAbsent(instance, k -> new TreeSet<>()).add(pid));
        byInstance.remove("");
        if (byInstance.isEmpty()) {
            return;
        }
        List<String> instances = new ArrayList<>(byInstance.keySet());
        String instance = instances.get(random.nextInt(instances.size()));
        Set<Long> pids = byInstance.get(instance);
        Optional<Long> supervisor = pids.stream().filter(pid -> ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                .map(parent -> !pids.contains(parent.pid())).orElse(true)).findFirst();
        Optional<ProcessHandle> command = supervisor.flatMap(ProcessHandle::of)
                .flatMap(h -> h.children().filter(c -> pids.contains(c.pid())).findFirst());
        if (roll < 2 || command.isEmpty()) {
            // The supervisor first, so it cannot see its command die and record that.
            supervisor.flatMap(ProcessHandle::of).ifPresent(h -> {
                h.destroyForcibly();
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    tally.note("supervisor " + h.pid() + " still there 5 s after SIGKILL");
                }
            });
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            killedWithSupervisor.add(instance);
            tally.count("chaos killed a task with its supervisor", 1);
        } else {
            command.get().destroyForcibly();
            killedCommandOnly.add(instance);
            tally.count("chaos killed a task's command alone", 1);
        }
    }

    /** The app's side: random calls until the broker dies under it. */
    private void drive(BrokerClient client, SplittableRandom dice, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                int roll = dice.nextInt(100);
                if (roll < 20) {
                    register(client, dice);
                } else if (roll < 30) {
                    unregister(client, dice);
                } else {
                    trigger(client, dice);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(dice.nextInt(0, 150)));
            }
        } catch (RuntimeException e) {
            // The broker was killed under the call: that call is in doubt, which the ledger already knows.
            if (!stop.get() && client.isConnected()) {
                tally.violation("a call failed while the broker was alive: " + e);
            }
        }
    }

    private void register(BrokerClient client, SplittableRandom dice) {
        Set<String> taken = ledger.takenSlots();
        List<String> free = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            if (!taken.contains("slot" + i)) {
                free.add("slot" + i);
            }
        }
        if (free.isEmpty()) {
            return;
        }
        TaskDefinition definition = definition(free.get(dice.nextInt(free.size())), dice);
        ledger.registering(definition);
        try {
            ledger.registered(client.register(APP, definition));
            tally.count("registered", 1);
        } catch (InvalidRegistrationException | IllegalStateException e) {
            ledger.registerRefused(definition);
            tally.violation("register " + definition.triggerName() + " was refused: " + e.getMessage());
        }
    }

    private TaskDefinition definition(String slot, SplittableRandom dice) {
        int kind = dice.nextInt(3);
        TaskTarget target;
        String seconds = String.format(Locale.ROOT, "%.2f", dice.nextInt(5, 250) / 100.0);
        if (kind == 0) {
            target = new TaskTarget.Command(List.of("/bin/sleep", seconds));
        } else if (kind == 1) {
            // A grandchild in the background: the whole tree must go with the task.
            target = new TaskTarget.Command(List.of("/bin/sh", "-c", "/bin/sleep " + seconds + " & /bin/sleep "
                    + seconds + "; wait"));
        } else {
            target = new TaskTarget.JavaEntryPoint(NapTask.class.getName(), javaClasspath);
        }
        return new TaskDefinition("chaos-" + slot, slot, target, Set.of(), false, ResourceLimits.defaults(), false,
                Duration.ofSeconds(2), null);
    }

    private void unregister(BrokerClient client, SplittableRandom dice) {
        List<UUID> live = ledger.live();
        if (live.isEmpty()) {
            return;
        }
        UUID taskId = live.get(dice.nextInt(live.size()));
        ledger.unregistering(taskId);
        boolean existed = client.unregister(APP, taskId, dice.nextBoolean());
        ledger.unregistered(taskId, existed);
        tally.check(existed, "unregister of acknowledged registration " + taskId + " found nothing");
    }

    private void trigger(BrokerClient client, SplittableRandom dice) {
        List<UUID> live = ledger.live();
        if (live.isEmpty()) {
            return;
        }
        TaskDefinition definition = ledger.definition(live.get(dice.nextInt(live.size()))).orElse(null);
        if (definition == null) {
            return;
        }
        Map<String, Object> args = Map.of("millis", dice.nextInt(50, 2500));
        TriggerResponse response = client.requestTrigger(new TriggerRequest(APP, definition.triggerName(),
                ValueMapCodec.encode(args), null));
        tally.count("trigger " + response.result().name(), 1);
        tally.check(response.result() == ApplicationTriggerResult.ALLOWED
                || response.result() == ApplicationTriggerResult.CURRENTLY_RUNNING,
                "requestAsync on " + definition.triggerName() + " answered " + response.result());
    }

    /** Waits for every instance to end, then checks that nothing is left: no process, no cgroup, a sound file. */
    private void drainAndCheck(ChaosBroker broker, TaskCgroups cgroups) throws Exception {
        BrokerClient client = broker.client();
        tally.check(settled(() -> {
            List<String> problems = new ArrayList<>();
            for (InstanceInfo instance : client.instances(APP)) {
                if (instance.state() != InstanceState.COMPLETED) {
                    problems.add("instance " + instance.instanceId() + " did not end within " + DRAIN);
                }
            }
            return problems;
        }, DRAIN));
        tally.count("instances awaiting reconnection after a restart", grace.watched());
        tally.check(settled(() -> processes.withSocket(broker.location().socket()).entrySet().stream()
                .map(e -> "task process " + e.getKey() + " of instance " + e.getValue() + " remains").toList(),
                Duration.ofSeconds(5)));
        broker.stop();
        tally.check(StoreCheck.integrityProblems(broker.database()));
        // From the file: the broker lists an app only its newest 200 instances.
        List<StoreCheck.InstanceEnd> ends = StoreCheck.instanceEnds(broker.database());
        tally.count("instances", ends.size());
        ends.forEach(this::countEnd);
        tally.check(cgroups.occupied(StoreCheck.runTokens(broker.database())));
    }

    /**
     * Counts how an instance ended; {@code BROKER_LOST} by its cause. Only a task the chaos killed together with its
     * supervisor may end {@code BROKER_LOST} (SPEC B5); no instance may end {@code LAUNCH_FAILED} (SPEC B6).
     */
    private void countEnd(StoreCheck.InstanceEnd i) {
        String id = i.instanceId();
        TerminationReason reason = i.terminationReason() == null ? null
                : TerminationReason.valueOf(i.terminationReason());
        String how = reason == null ? String.valueOf(i.outcome()) : reason.name();
        if (reason == TerminationReason.BROKER_LOST) {
            boolean byChaos = killedWithSupervisor.contains(id);
            how += byChaos ? " (the chaos killed the task and its supervisor)"
                    : " (nobody could observe it; the chaos did not kill it)";
            tally.check(byChaos, "instance " + id + " ended BROKER_LOST although the chaos did not kill it: "
                    + i.errorMessage());
        } else if (reason == TerminationReason.KILLED && killedCommandOnly.contains(id)) {
            how += " (the chaos killed its command; its supervisor saw it)";
        }
        tally.count("ended " + how, 1);
        if (reason == TerminationReason.LAUNCH_FAILED) {
            tally.violation("instance " + id + " LAUNCH_FAILED: " + i.errorMessage());
        }
    }

    private static List<String> tokensQuietly(Path database) {
        try {
            return StoreCheck.runTokens(database);
        } catch (java.sql.SQLException | RuntimeException e) {
            return List.of();
        }
    }

    /** Polls a check until it finds nothing or the deadline passes; returns its last findings. */
    static List<String> settled(Supplier<List<String>> check, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            List<String> problems;
            try {
                problems = check.get();
            } catch (RuntimeException e) {
                problems = List.of("the check could not run: " + e);
            }
            if (problems.isEmpty() || System.nanoTime() > end) {
                return problems;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }
}
