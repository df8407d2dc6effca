package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriggerTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private BackgroundTaskRegistration register(SystemConditionType... conditions) {
        BackgroundTaskBuilder builder = bg.newTask().name("sync").command(List.of("/bin/true"))
                .setTrigger(bg.applicationTrigger());
        for (SystemConditionType c : conditions) {
            builder.addCondition(new SystemCondition(c));
        }
        return builder.register();
    }

    @Test
    void fromInsideATaskIsDisabledByPolicyAndStartsNothing() { // SPEC T1
        register();
        try (BackgroundTasks insideTask = h.appInsideTask(APP)) {
            assertThat(insideTask.applicationTrigger().requestAsync().join())
                    .isEqualTo(ApplicationTriggerResult.DISABLED_BY_POLICY);
        }
        assertThat(h.platform.processes()).isEmpty();
        assertThat(bg.instances()).isEmpty();
    }

    @Test
    void noRegistrationIsUnknownError() { // SPEC T2
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.UNKNOWN_ERROR);
        register();
        assertThat(bg.applicationTrigger("other").requestAsync().join())
                .isEqualTo(ApplicationTriggerResult.UNKNOWN_ERROR);
        assertThat(h.platform.processes()).isEmpty();
    }

    @Test
    void deniedAccessIsDisabledByPolicy() { // SPEC T3
        register();
        h.broker().setUserAccess(APP, UserAccessSetting.DENY);
        assertThat(bg.applicationTrigger().requestAsync().join())
                .isEqualTo(ApplicationTriggerResult.DISABLED_BY_POLICY);
        assertThat(h.platform.processes()).isEmpty();
        assertThat(bg.instances()).isEmpty();
    }

    @Test
    void energySaverDisablesUnlessAlwaysAllowed() { // SPEC T3
        register();
        h.platform.set(HostSignal.ENERGY_SAVER, true);
        assertThat(bg.applicationTrigger().requestAsync().join())
                .isEqualTo(ApplicationTriggerResult.DISABLED_BY_POLICY);
        assertThat(bg.instances()).isEmpty();

        h.broker().setUserAccess(APP, UserAccessSetting.ALWAYS);
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void aPendingOrRunningInstanceGivesCurrentlyRunning() { // SPEC T4
        register(SystemConditionType.USER_NOT_PRESENT);
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(bg.applicationTrigger().requestAsync().join())
                .isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING); // pending
        h.platform.set(HostSignal.USER_PRESENT, false);
        assertThat(bg.applicationTrigger().requestAsync().join())
                .isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING); // running
        assertThat(bg.instances()).hasSize(1);
        h.platform.lastProcess().exit(0);
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
    }

    @Test
    void repeatedRefusalsWriteNothingAndNeverOutliveAChange() { // SPEC T4, T2
        // The broker keeps what it read for a trigger until the store is written: an app asking in a loop costs no
        // read, and the first answer after any write is read afresh.
        BackgroundTaskRegistration registration = register(SystemConditionType.USER_NOT_PRESENT);
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        long generation = h.broker().store().generation();
        for (int i = 0; i < 5; i++) {
            assertThat(bg.applicationTrigger().requestAsync().join())
                    .isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
        }
        assertThat(h.broker().store().generation()).as("refusals commit nothing").isEqualTo(generation);
        registration.unregister(true);
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.UNKNOWN_ERROR);
        register(SystemConditionType.USER_NOT_PRESENT);
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(bg.applicationTrigger().requestAsync().join())
                .isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
    }

    @Test
    void sixteenThreadsHammeringGiveExactlyOneInstance() throws Exception { // SPEC T4
        register(SystemConditionType.USER_NOT_PRESENT); // stays pending: the slot is held all along
        int threads = 16;
        int callsEach = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Map<ApplicationTriggerResult, Integer>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<Map<ApplicationTriggerResult, Integer>> hammer = () -> {
                    Map<ApplicationTriggerResult, Integer> counts = new EnumMap<>(ApplicationTriggerResult.class);
                    go.await();
                    for (int i = 0; i < callsEach; i++) {
                        counts.merge(bg.applicationTrigger().requestAsync().join(), 1, Integer::sum);
                    }
                    return counts;
                };
                futures.add(pool.submit(hammer));
            }
            go.countDown();
            Map<ApplicationTriggerResult, Integer> total = new EnumMap<>(ApplicationTriggerResult.class);
            for (Future<Map<ApplicationTriggerResult, Integer>> f : futures) {
                f.get(60, TimeUnit.SECONDS).forEach((k, v) -> total.merge(k, v, Integer::sum));
            }
            assertThat(total).containsEntry(ApplicationTriggerResult.ALLOWED, 1)
                    .containsEntry(ApplicationTriggerResult.CURRENTLY_RUNNING, threads * callsEach - 1)
                    .hasSize(2);
            assertThat(bg.instances()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void allowedStartsExactlyOneRunWithAFreshInstanceId() { // SPEC T5
        register();
        UUID first = bg.applicationTrigger().request(Map.of()).join().instanceId();
        assertThat(h.platform.processes()).hasSize(1);
        h.platform.lastProcess().exit(0);
        UUID second = bg.applicationTrigger().request(Map.of()).join().instanceId();
        assertThat(second).isNotEqualTo(first);
        assertThat(h.platform.processes()).hasSize(2);
    }

    @Test
    void aRelayedAnswerGoesOutOnceTheInstanceIsDurableAndBeforeItsLaunch() { // SPEC B4, T5, T4
        register();
        List<String> atAnswer = new ArrayList<>();
        TriggerRequest request = new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()), null);
        h.broker().requestTrigger(request, response -> atAnswer.add(response.result() + ": "
                + h.broker().instances(APP).size() + " instance stored, " + h.platform.processes().size()
                + " process started"));
        assertThat(atAnswer).containsExactly("ALLOWED: 1 instance stored, 0 process started");
        assertThat(h.platform.processes()).as("processes once the call returned").hasSize(1);

        h.broker().requestTrigger(request, response -> atAnswer.add(response.result().name()));
        assertThat(atAnswer).last().isEqualTo("CURRENTLY_RUNNING");
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void anAnswerThatCannotBePassedOnDoesNotHoldBackTheLaunch() { // SPEC B4, T5
        register();
        TriggerRequest request = new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()), null);
        h.broker().requestTrigger(request, response -> {
            throw new IllegalStateException("the app's connection is gone");
        });
        assertThat(h.platform.processes()).as("processes once the call returned").hasSize(1);
        assertThat(h.broker().instances(APP)).singleElement()
                .extracting(InstanceInfo::state).isEqualTo(InstanceState.RUNNING);
    }

    @Test
    void theTaskGetsADeepCopyOfTheArguments() { // SPEC T6
        register();
        List<String> files = new ArrayList<>(List.of("a.txt"));
        Map<String, Object> args = new HashMap<>();
        args.put("files", files);
        args.put("when", Instant.parse("2026-01-01T00:00:00Z"));
        bg.applicationTrigger().requestAsync(args).join();
        files.add("b.txt");
        args.put("extra", 1);

        FakeProcess process = h.platform.lastProcess();
        byte[] sent = h.broker().attachHost(process.runToken(), reason -> { }).arguments();
        assertThat(ValueMapCodec.decode(sent)).containsOnlyKeys("files", "when")
                .containsEntry("files", List.of("a.txt"))
                .containsEntry("when", Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void theNoArgumentCallGivesAnEmptyMap() { // SPEC T6
        register();
        bg.applicationTrigger().requestAsync().join();
        byte[] sent = h.broker().attachHost(h.platform.lastProcess().runToken(), reason -> { }).arguments();
        assertThat(ValueMapCodec.decode(sent)).isEmpty();
    }

    @Test
    void aDisallowedArgumentThrowsSynchronouslyAndStartsNothing() { // SPEC T6
        register();
        assertThatThrownBy(() -> bg.applicationTrigger().requestAsync(Map.of("file", new File("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file");
        assertThatThrownBy(() -> bg.applicationTrigger().requestAsync(Map.of("set", Set.of(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bg.applicationTrigger()
                .requestAsync(Map.of("big", "x".repeat(ValueMapCodec.MAX_ENCODED_BYTES + 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(bg.instances()).isEmpty();
        assertThat(h.platform.processes()).isEmpty();
    }

    @Test
    void unmetConditionsStillAllowAndRunOnceWhenTheyHold() { // SPEC T7
        register(SystemConditionType.INTERNET_AVAILABLE, SystemConditionType.ON_AC_POWER);
        h.platform.set(HostSignal.INTERNET, false);
        h.platform.set(HostSignal.AC_POWER, false);
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(h.platform.processes()).isEmpty();
        assertThat(bg.instances()).singleElement().satisfies(i -> {
            assertThat(i.state()).isEqualTo(InstanceState.PENDING);
            assertThat(i.waitingFor()).containsExactlyInAnyOrder(
                    SystemConditionType.INTERNET_AVAILABLE, SystemConditionType.ON_AC_POWER);
        });

        h.platform.set(HostSignal.INTERNET, true);
        assertThat(h.platform.processes()).isEmpty(); // AND: AC power still missing
        assertThat(bg.instances().get(0).waitingFor()).containsExactly(SystemConditionType.ON_AC_POWER);

        h.platform.set(HostSignal.AC_POWER, true);
        assertThat(h.platform.processes()).hasSize(1);
        h.platform.set(HostSignal.AC_POWER, false);
        h.platform.set(HostSignal.AC_POWER, true);
        assertThat(h.platform.processes()).hasSize(1); // only once
    }

    @Test
    void unknownSignalsSatisfyNoCondition() { // SPEC T7: an unknown signal is not a guess
        register(SystemConditionType.USER_NOT_PRESENT);
        h.platform.set(HostSignal.USER_PRESENT, null);
        bg.applicationTrigger().requestAsync().join();
        assertThat(h.platform.processes()).isEmpty();
        InstanceInfo pending = bg.instances().get(0);
        assertThat(pending.waitingFor()).containsExactly(SystemConditionType.USER_NOT_PRESENT);
    }

    @Test
    void aPendingInstanceSurvivesAppExitAndBrokerRestart() { // SPEC T7
        register(SystemConditionType.INTERNET_AVAILABLE);
        h.platform.set(HostSignal.INTERNET, false);
        bg.applicationTrigger().requestAsync().join();
        bg.close();
        h.restart();
        assertThat(h.platform.processes()).isEmpty();
        h.platform.set(HostSignal.INTERNET, true);
        assertThat(h.platform.processes()).hasSize(1);
        bg = h.app(APP);
    }

    @Test
    void simulatedSignalsGateConditionsLikeRealOnes() { // SPEC T7 with bgtask simulate
        register(SystemConditionType.INTERNET_AVAILABLE);
        h.broker().simulate(Map.of(HostSignal.INTERNET, false));
        bg.applicationTrigger().requestAsync().join();
        assertThat(h.platform.processes()).isEmpty();
        h.broker().clearSimulation();
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void instancesListsTimingsAndState() { // SPEC T5
        register();
        h.clock.advance(Duration.ofSeconds(3));
        bg.applicationTrigger().requestAsync().join();
        InstanceInfo running = bg.instances().get(0);
        assertThat(running.state()).isEqualTo(InstanceState.RUNNING);
        assertThat(running.pid()).isEqualTo(h.platform.lastProcess().pid());
        assertThat(running.requestedAt()).isEqualTo(h.clock.now());
        assertThat(running.startedAt()).isEqualTo(h.clock.now());
    }
}
