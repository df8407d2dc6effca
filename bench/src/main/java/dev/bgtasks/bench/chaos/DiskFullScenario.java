package dev.bgtasks.bench.chaos;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.ipc.BrokerClient;
import dev.bgtasks.spi.ResourceLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 4: the broker's data directory on a small tmpfs, filled to the last byte. {@code register} and
 * {@code requestAsync} must fail with an error that says the disk is full; once space is freed the broker works
 * on, the failed registration is absent, and the file passes {@code integrity_check}.
 */
final class DiskFullScenario {
    static final String APP = "dev.bgtasks.chaos.disk";
    /** Room for the database, its WAL and a few task logs; small so filling it is quick. */
    static final String TMPFS_SIZE = "8m";
    /** How many registrations to try while full: a WAL with free frames may take the first few. */
    private static final int ATTEMPTS = 30;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final ChaosOptions options;
    private final ScenarioTally tally;

    DiskFullScenario(ChaosOptions options, ScenarioTally tally) {
        this.options = options;
        this.tally = tally;
    }

    void run() throws Exception {
        Path home = ChaosBroker.newHome();
        Path data = home.resolve("data");
        Tmpfs mount = null;
        ChaosBroker broker = null;
        AutoCloseable homeDeletion = null;
        try {
            Files.createDirectories(data);
            // Registered before the mount, so a signal undoes it last: the home goes once nothing is mounted.
            homeDeletion = () -> ChaosBroker.deleteTree(home);
            Cleanups.register(homeDeletion);
            mount = Tmpfs.mount(data, TMPFS_SIZE);
            broker = ChaosBroker.start(home, TaskProcesses.host());
            BrokerClient client = broker.client();
            client.requestAccess(APP);
            client.register(APP, definition("kept"));
            awaitSucceeded(client, trigger(client, "kept"));

            Path filler = data.resolve("filler");
            long filled = fill(filler);
            tally.count("filler bytes", filled);
            tally.count("bytes free when full", Files.getFileStore(data).getUsableSpace());

            List<String> refusedSlots = new ArrayList<>();
            List<String> acceptedWhileFull = new ArrayList<>();
            String registerError = null;
            for (int i = 0; i < ATTEMPTS && registerError == null; i++) {
                String slot = "full" + i;
                try {
                    client.register(APP, definition(slot));
                    acceptedWhileFull.add(slot);
                } catch (RuntimeException e) {
                    registerError = e.getClass().getSimpleName() + ": " + e.getMessage();
                    refusedSlots.add(slot);
                }
            }
            tally.count("registrations accepted while full (WAL room)", acceptedWhileFull.size());
            tally.check(registerError != null, "register never failed on a full disk (" + ATTEMPTS + " tries)");
            if (registerError != null) {
                tally.note("register on a full disk: " + registerError);
                tally.check(saysDiskFull(registerError), "register's error does not say the disk is full: "
                        + registerError);
            }
            String triggerError = null;
            try {
                TriggerResponse response = trigger(client, "kept");
                triggerError = response.result() == ApplicationTriggerResult.ALLOWED ? null
                        : "answered " + response.result();
                if (triggerError == null) {
                    tally.note("requestAsync on a full disk was ALLOWED (instance " + response.instanceId() + ")");
                }
            } catch (RuntimeException e) {
                triggerError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (triggerError != null) {
                tally.note("requestAsync on a full disk: " + triggerError);
                tally.check(saysDiskFull(triggerError), "requestAsync's error does not say the disk is full: "
                        + triggerError);
            }
            tally.check(broker.process().isPresent(), "the broker died on the full disk: " + broker.logTail(10));

            Files.delete(filler);
            // The same connection: a full disk must not have cost the app its connection.
            List<String> present = client.registrations(APP).stream().map(RegistrationInfo::definition)
                    .map(TaskDefinition::triggerName).toList();
            for (String slot : refusedSlots) {
                tally.check(!present.contains(slot), "registration " + slot + " failed but is present");
            }
            for (String slot : acceptedWhileFull) {
                tally.check(present.contains(slot), "registration " + slot + " was acknowledged but is missing");
            }
            tally.check(present.contains("kept"), "registration kept is missing after the disk filled");
            awaitAllEnded(client);
            client.register(APP, definition("after"));
            tally.check(client.registrations(APP).stream().anyMatch(r -> r.definition().triggerName()
                    .equals("after")), "a registration after freeing space is missing");
            awaitSucceeded(client, trigger(client, "after"));
            tally.cycle();
            broker.stop();
            tally.check(StoreCheck.integrityProblems(broker.database()));
        } finally {
            if (broker != null) {
                broker.killAll();
            }
            if (mount != null) {
                mount.close();
            }
            if (homeDeletion != null) {
                Cleanups.unregister(homeDeletion);
            }
            ChaosBroker.deleteTree(home);
        }
    }

    static boolean saysDiskFull(String error) {
        String lower = error.toLowerCase(Locale.ROOT);
        return lower.contains("disk is full") || lower.contains("no space left") || lower.contains("disk full");
    }

    private static TaskDefinition definition(String slot) {
        return new TaskDefinition("disk-" + slot, slot, new TaskTarget.Command(List.of("/bin/true")), Set.of(),
                false, ResourceLimits.defaults(), false, null, null);
    }

    private static TriggerResponse trigger(BrokerClient client, String slot) {
        return client.requestTrigger(new TriggerRequest(APP, slot, ValueMapCodec.encode(Map.of()), null));
    }

    private void awaitSucceeded(BrokerClient client, TriggerResponse response) {
        tally.check(response.result() == ApplicationTriggerResult.ALLOWED, "trigger answered " + response.result());
        if (response.instanceId() == null) {
            return;
        }
        tally.check(KillScenario.settled(() -> {
            InstanceInfo instance = client.instances(APP).stream()
                    .filter(i -> i.instanceId().equals(response.instanceId())).findFirst().orElse(null);
            if (instance == null) {
                return List.of("instance " + response.instanceId() + " is missing");
            }
            if (instance.state() != InstanceState.COMPLETED || instance.outcome() != TaskOutcome.SUCCEEDED) {
                return List.of("instance " + response.instanceId() + " is " + instance.state() + " "
                        + instance.outcome() + " " + instance.terminationReason());
            }
            return List.of();
        }, DEADLINE));
    }

    private void awaitAllEnded(BrokerClient client) {
        tally.check(KillScenario.settled(() -> client.instances(APP).stream()
                .filter(i -> i.state() != InstanceState.COMPLETED)
                .map(i -> "instance " + i.instanceId() + " is still " + i.state()).toList(), DEADLINE));
    }

    /** Writes until the file system refuses a single byte; returns the bytes written. */
    static long fill(Path filler) throws IOException {
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int chunk = 1 << 16; chunk > 0; chunk /= 2) {
                byte[] bytes = new byte[chunk];
                while (true) {
                    try {
                        out.write(bytes);
                        out.flush();
                        written += chunk;
                    } catch (IOException full) {
                        break;
                    }
                }
            }
        }
        return written;
    }
}
