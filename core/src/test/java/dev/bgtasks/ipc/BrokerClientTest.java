package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.APP;
import static dev.bgtasks.ipc.IpcFixtures.awaitEvent;
import static dev.bgtasks.ipc.IpcFixtures.commandTask;
import static dev.bgtasks.ipc.IpcFixtures.javaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.SystemConditionType;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.UserAccessSetting;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.RegistrationInfo;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BrokerClientTest {
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BrokerServer server;
    private BrokerClient client;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        h = new BrokerHarness(dir);
        server = BrokerServer.start(h.broker(), IpcFixtures.socketIn(dir));
        client = BrokerClient.connect(server.socket());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        client.close();
        server.close();
        h.close();
    }

    private BrokerClient another() throws Exception {
        BrokerClient other = BrokerClient.connect(server.socket());
        closeAfter.add(other);
        return other;
    }

    @Test
    void everyOperationGivesTheInProcessResult() { // SPEC A1, A2, A3, A4, R4, R8, T4, T5, T7, X5, B4
        Broker broker = h.broker();
        assertThat(client.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED); // A1
        assertThat(client.requestAccess(APP)).isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY)
                .isEqualTo(broker.accessStatus(APP));

        TaskDefinition java = javaTask("export", SystemConditionType.USER_NOT_PRESENT);
        RegistrationInfo javaReg = client.register(APP, java);
        assertThat(javaReg.definition()).isEqualTo(java);
        TaskDefinition command = new TaskDefinition("rsync", "nightly", commandTask("rsync").target(),
                commandTask("rsync").conditions(), true, commandTask("rsync").limits(), false,
                Duration.ofSeconds(2), dir.toString());
        RegistrationInfo commandReg = client.register(APP, command);
        assertThat(commandReg.definition()).isEqualTo(command);
        assertThat(client.registrations(APP)).containsExactly(javaReg, commandReg)
                .isEqualTo(broker.registrations(APP)); // R4, B4: stored before the answer

        byte[] args = ValueMapCodec.encode(Map.of("file", "notes.db", "retries", 3));
        TriggerResponse first = client.requestTrigger(new TriggerRequest(APP, "", args, null));
        assertThat(first.result()).isEqualTo(ApplicationTriggerResult.ALLOWED); // T5
        TriggerResponse second = client.requestTrigger(new TriggerRequest(APP, "", args, null));
        assertThat(second).isEqualTo(new TriggerResponse(ApplicationTriggerResult.CURRENTLY_RUNNING,
                first.instanceId())); // T4
        assertThat(client.requestTrigger(new TriggerRequest(APP, "nobody-holds-this", new byte[0], null)).result())
                .isEqualTo(ApplicationTriggerResult.UNKNOWN_ERROR);
        assertThat(client.requestTrigger(new TriggerRequest(APP, "", args, "a-task-token")).result())
                .isEqualTo(ApplicationTriggerResult.DISABLED_BY_POLICY);

        List<InstanceInfo> instances = client.instances(APP);
        assertThat(instances).isEqualTo(broker.instances(APP)).hasSize(1);
        assertThat(instances.get(0).state()).isEqualTo(InstanceState.PENDING); // T7
        assertThat(instances.get(0).waitingFor()).containsExactly(SystemConditionType.USER_NOT_PRESENT);

        assertThat(client.cancel(APP, first.instanceId())).isTrue();
        assertThat(client.cancel(APP, first.instanceId())).isFalse();
        List<InstanceInfo> undelivered = client.undeliveredCompletions(APP);
        assertThat(undelivered).isEqualTo(broker.undeliveredCompletions(APP)).hasSize(1);
        assertThat(undelivered.get(0).outcome()).isEqualTo(TaskOutcome.CANCELED);
        assertThat(undelivered.get(0).cancelReason()).isEqualTo(BackgroundTaskCancellationReason.ABORT);
        assertThat(client.claimCompletion(APP, first.instanceId())).isTrue(); // X5: once
        assertThat(client.claimCompletion(APP, first.instanceId())).isFalse();
        assertThat(client.undeliveredCompletions(APP)).isEmpty();

        SignalSnapshot before = client.signals();
        assertThat(before).isEqualTo(broker.signals());
        client.simulate(Map.of(HostSignal.INTERNET, false, HostSignal.ENERGY_SAVER, true));
        assertThat(client.signals()).isEqualTo(broker.signals());
        assertThat(client.signals().is(HostSignal.INTERNET, false)).isTrue();
        client.clearSimulation();
        assertThat(client.signals()).isEqualTo(before);

        client.setUserAccess(APP, UserAccessSetting.DENY); // A4
        assertThat(client.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.DENIED_BY_USER);
        client.clearUserAccess(APP);
        assertThat(client.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.ALLOWED_SUBJECT_TO_SYSTEM_POLICY);

        assertThat(client.unregister(APP, commandReg.taskId(), false)).isTrue(); // R8
        assertThat(client.unregister(APP, commandReg.taskId(), false)).isFalse();
        assertThat(client.registrations(APP)).containsExactly(javaReg);

        client.removeAccess(APP); // A3
        assertThat(client.accessStatus(APP)).isEqualTo(BackgroundAccessStatus.UNSPECIFIED);
        assertThat(client.registrations(APP)).isEqualTo(broker.registrations(APP)).hasSize(0);
    }

    @Test
    void brokerExceptionsKeepTheirTypeFieldAndMessage() { // SPEC R1, R2, R3
        Broker broker = h.broker();
        TaskDefinition valid = javaTask("export");
        assertSameFailure(() -> broker.register(APP, valid), () -> client.register(APP, valid)); // R2
        assertThat(catchThrowable(() -> client.register(APP, valid))).isExactlyInstanceOf(IllegalStateException.class);

        client.requestAccess(APP);
        TaskDefinition notATask = new TaskDefinition("export", "", new TaskTarget.JavaEntryPoint(
                SampleTasks.NotATask.class.getName(), BrokerHarness.testClasspath()), Set.of(), false, null, false,
                null, null);
        Throwable remote = assertSameFailure(() -> broker.register(APP, notATask),
                () -> client.register(APP, notATask)); // R1
        assertThat(remote).isExactlyInstanceOf(InvalidRegistrationException.class);
        assertThat(((InvalidRegistrationException) remote).field()).isEqualTo("taskEntryPoint");

        TaskDefinition noName = new TaskDefinition(" ", "", valid.target(), Set.of(), false, null, false, null, null);
        remote = assertSameFailure(() -> broker.register(APP, noName), () -> client.register(APP, noName));
        assertThat(((InvalidRegistrationException) remote).field()).isEqualTo("name");

        TaskDefinition contradictory = javaTask("export", SystemConditionType.USER_PRESENT,
                SystemConditionType.USER_NOT_PRESENT);
        assertSameFailure(() -> broker.register(APP, contradictory), () -> client.register(APP, contradictory));

        client.register(APP, valid);
        remote = assertSameFailure(() -> broker.register(APP, valid), () -> client.register(APP, valid)); // R3
        assertThat(remote).isExactlyInstanceOf(IllegalStateException.class);

        remote = assertSameFailure(() -> broker.accessStatus("not an app id!"),
                () -> client.accessStatus("not an app id!"));
        assertThat(remote).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(client.registrations(APP)).hasSize(1); // nothing stored by the failures
    }

    private static Throwable assertSameFailure(Runnable inProcess, Runnable remote) {
        Throwable expected = catchThrowable(inProcess::run);
        Throwable actual = catchThrowable(remote::run);
        assertThat(expected).as("in-process failure").isNotNull();
        assertThat(actual).isExactlyInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
        if (expected instanceof InvalidRegistrationException invalid) {
            assertThat(((InvalidRegistrationException) actual).field()).isEqualTo(invalid.field());
        }
        return actual;
    }

    @Test
    void progressReachesEverySubscribedClientInOrder() throws Exception { // SPEC X2, X3
        BrokerClient other = another();
        BlockingQueue<AppEvent> mine = IpcFixtures.eventQueue();
        BlockingQueue<AppEvent> theirs = IpcFixtures.eventQueue();
        AutoCloseable mySubscription = client.subscribe(APP, mine::add);
        other.subscribe(APP, theirs::add);
        client.requestAccess(APP);
        client.register(APP, javaTask("export"));
        TriggerResponse started = client.requestTrigger(new TriggerRequest(APP, "", new byte[0], null));
        FakeProcess process = h.platform.awaitProcess(1);

        List<Integer> sent = List.of(5, 10, 20, 30, 45, 60, 61, 80, 99, 100);
        for (int value : sent) {
            h.progress(process, value);
        }
        for (BlockingQueue<AppEvent> events : List.of(mine, theirs)) {
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                AppEvent.Progress p = awaitEvent(events, AppEvent.Progress.class, e -> true);
                assertThat(p.instanceId()).isEqualTo(started.instanceId());
                seen.add(p.progress());
            }
            assertThat(seen).isEqualTo(sent);
        }

        h.succeed(process);
        for (BlockingQueue<AppEvent> events : List.of(mine, theirs)) {
            AppEvent.Completed done = awaitEvent(events, AppEvent.Completed.class, e -> true);
            assertThat(done.instance().instanceId()).isEqualTo(started.instanceId());
            assertThat(done.instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
            assertThat(done.instance().progress()).isEqualTo(100);
        }

        mySubscription.close();
        TriggerResponse again = client.requestTrigger(new TriggerRequest(APP, "", new byte[0], null));
        h.progress(h.platform.awaitProcess(2), 42);
        assertThat(awaitEvent(theirs, AppEvent.Progress.class, e -> true).instanceId())
                .isEqualTo(again.instanceId());
        // An event pushed to us would have been queued before this answer, on the same connection.
        client.accessStatus(APP);
        assertThat(mine).isEmpty();
    }

    @Test
    void oneClientCarriesManyConcurrentCallersAndTheSlotHoldsAcrossThem() throws Exception { // SPEC T4
        client.requestAccess(APP);
        // USER_NOT_PRESENT does not hold (the fake user is present): the one instance stays pending.
        client.register(APP, javaTask("export", SystemConditionType.USER_NOT_PRESENT));
        int threads = 16;
        int callsEach = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<TriggerResponse>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<List<TriggerResponse>> caller = () -> {
                    go.await();
                    List<TriggerResponse> answers = new ArrayList<>();
                    for (int i = 0; i < callsEach; i++) {
                        answers.add(client.requestTrigger(new TriggerRequest(APP, "", new byte[0], null)));
                    }
                    return answers;
                };
                futures.add(pool.submit(caller));
            }
            go.countDown();
            List<TriggerResponse> all = new ArrayList<>();
            for (Future<List<TriggerResponse>> f : futures) {
                all.addAll(f.get(30, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(threads * callsEach);
            assertThat(all).filteredOn(r -> r.result() == ApplicationTriggerResult.ALLOWED).hasSize(1);
            assertThat(all).filteredOn(r -> r.result() == ApplicationTriggerResult.CURRENTLY_RUNNING)
                    .hasSize(threads * callsEach - 1);
            assertThat(all).extracting(TriggerResponse::instanceId).containsOnly(all.get(0).instanceId());
        } finally {
            pool.shutdownNow();
        }
        assertThat(h.broker().instances(APP)).singleElement()
                .satisfies(i -> assertThat(i.state()).isEqualTo(InstanceState.PENDING));
        assertThat(h.platform.processes()).isEmpty();
    }

    @Test
    void aCallWithoutAnAnswerFailsAtItsDeadlineNamingTheSocket() throws Exception { // SPEC B2 (client side)
        Path socket = dir.resolve("mute").resolve("b.sock");
        try (MuteBroker mute = MuteBroker.start(socket);
             BrokerClient impatient = BrokerClient.connect(socket, Duration.ofMillis(200))) {
            assertThatThrownBy(() -> impatient.accessStatus(APP))
                    .isExactlyInstanceOf(BrokerProtocolException.class)
                    .hasMessageContaining(socket.toString()).hasMessageContaining("did not answer accessStatus");
            assertThat(impatient.isConnected()).isTrue();
        }
    }

    @Test
    void aLostConnectionFailsPendingAndLaterCallsNamingTheSocket() throws Exception { // SPEC B3 (client side)
        Path socket = dir.resolve("mute").resolve("b.sock");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (MuteBroker mute = MuteBroker.start(socket); BrokerClient patient = BrokerClient.connect(socket)) {
            Future<Throwable> pending = pool.submit(() -> catchThrowable(() -> patient.accessStatus(APP)));
            assertThat(mute.awaitRequest()).isTrue();
            mute.drop();
            assertThat(pending.get(10, TimeUnit.SECONDS)).isExactlyInstanceOf(BrokerProtocolException.class)
                    .hasMessageContaining("lost the connection").hasMessageContaining(socket.toString());
            assertThat(catchThrowable(() -> patient.registrations(APP)))
                    .isExactlyInstanceOf(BrokerProtocolException.class).hasMessageContaining(socket.toString());
            assertThat(patient.isConnected()).isFalse();
        } finally {
            pool.shutdownNow();
        }
        server.close();
        assertThat(catchThrowable(() -> client.accessStatus(APP))).isInstanceOf(BrokerProtocolException.class)
                .hasMessageContaining(server.socket().toString());
    }

    @Test
    void registrationsWithEveryLimitAndConditionTravelIntact() { // SPEC R4, R9
        client.requestAccess(APP);
        TaskDefinition rich = new TaskDefinition("rich", "t1", new TaskTarget.Command(List.of("/bin/true", "a b",
                "ünïcödé", "")), Set.of(SystemConditionType.INTERNET_AVAILABLE,
                SystemConditionType.FREE_NETWORK_AVAILABLE, SystemConditionType.ON_AC_POWER), true,
                new ResourceLimits(256L << 20, 64, Duration.ofSeconds(90)), true, Duration.ofMillis(1500),
                dir.toString());
        assertThat(client.register(APP, rich).definition()).isEqualTo(rich);
        assertThat(client.registrations(APP).get(0)).isEqualTo(h.broker().registrations(APP).get(0));
    }

    @Test
    void hardwareConditionsFixturesAndHardwareSimulationsTravelIntact() { // SPEC H5, H6, F1
        client.requestAccess(APP);
        TaskDefinition rig = new TaskDefinition("rig", "t2", new TaskTarget.Command(List.of("/bin/true")),
                Set.of(), false, null, false, null, dir.toString(), null,
                new dev.bgtasks.broker.RigRequirements(List.of(dev.bgtasks.HardwareCondition.usbDevice("1d6b:0002"),
                        dev.bgtasks.HardwareCondition.cpuTemperatureBelow(70)), Set.of("scope-1"), false));
        assertThat(client.register(APP, rig).definition()).isEqualTo(rig);
        client.simulateHardware(dev.bgtasks.spi.HardwareReadings.UNKNOWN.withCpuTemperature(42.5)
                .withConditionOverrides(java.util.Map.of("usb-device=1d6b:0002", true)));
        assertThat(client.signals().hardware().cpuTemperatureCelsius()).isEqualTo(42.5);
        assertThat(client.signals().hardware().conditionOverrides()).containsEntry("usb-device=1d6b:0002", true);
        assertThat(client.signals()).isEqualTo(h.broker().signals());
    }
}
