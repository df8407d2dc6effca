package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.APP;
import static dev.bgtasks.ipc.IpcFixtures.WAIT;
import static dev.bgtasks.ipc.IpcFixtures.awaitEvent;
import static dev.bgtasks.ipc.IpcFixtures.javaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.task.BackgroundTaskCancellationReason;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class HostConnectionTest {
    @TempDir
    Path dir;
    private BrokerHarness h;
    private Path socket;
    private BrokerServer server;
    private BrokerClient app;
    private final BlockingQueue<AppEvent> events = IpcFixtures.eventQueue();
    private final List<BackgroundTaskCancellationReason> cancels = new CopyOnWriteArrayList<>();
    private final CompletableFuture<BackgroundTaskCancellationReason> cancelled = new CompletableFuture<>();
    private TriggerResponse lastTrigger;

    @BeforeEach
    void start() throws Exception {
        h = new BrokerHarness(dir);
        socket = IpcFixtures.socketIn(dir);
        server = BrokerServer.start(h.broker(), socket);
        app = BrokerClient.connect(socket);
        app.subscribe(APP, events::add);
        app.requestAccess(APP);
        app.register(APP, javaTask("export"));
    }

    @AfterEach
    void stop() {
        app.close();
        server.close();
        h.close();
    }

    private FakeProcess trigger(Map<String, Object> arguments) {
        int before = h.platform.processes().size();
        lastTrigger = app.requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(arguments), null));
        assertThat(lastTrigger.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return h.platform.awaitProcess(before + 1);
    }

    private HostConnection attach(FakeProcess process) throws Exception {
        return HostConnection.attach(socket, process.runToken(), reason -> {
            cancels.add(reason);
            cancelled.complete(reason);
        });
    }

    @Test
    void aTaskHostReportsProgressHearsItsCancellationAndCompletes() throws Exception { // SPEC S2, X2, X6, X3
        FakeProcess process = trigger(Map.of("file", "notes.db", "bytes", new byte[] {1, 2, 3}));
        try (HostConnection host = attach(process)) {
            HostAttachment attachment = host.attachment();
            assertThat(attachment.instanceId()).isEqualTo(lastTrigger.instanceId());
            assertThat(attachment.entryPoint()).isEqualTo(SampleTasks.Valid.class.getName());
            assertThat(attachment.readopted()).isFalse();
            Map<String, Object> args = ValueMapCodec.decode(attachment.arguments());
            assertThat(args.get("file")).isEqualTo("notes.db");
            assertThat((byte[]) args.get("bytes")).containsExactly(1, 2, 3);

            host.progress(40);
            host.progress(70);
            assertThat(awaitEvent(events, AppEvent.Progress.class, p -> true).progress()).isEqualTo(40); // X2
            assertThat(awaitEvent(events, AppEvent.Progress.class, p -> true).progress()).isEqualTo(70);
            assertThatThrownBy(() -> host.progress(101)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0 to 100");

            assertThat(app.cancel(APP, attachment.instanceId())).isTrue();
            assertThat(cancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(BackgroundTaskCancellationReason.ABORT); // X6
            assertThat(awaitEvent(events, AppEvent.Canceled.class, c -> true).reason())
                    .isEqualTo(BackgroundTaskCancellationReason.ABORT);

            host.result(null, null);
            process.exit(0);
            AppEvent.Completed done = awaitEvent(events, AppEvent.Completed.class, c -> true); // X3
            assertThat(done.instance().instanceId()).isEqualTo(attachment.instanceId());
            assertThat(done.instance().outcome()).isEqualTo(TaskOutcome.CANCELED);
            assertThat(cancels).containsExactly(BackgroundTaskCancellationReason.ABORT);
        }
    }

    @Test
    void aFailureReportedByTheHostReachesTheApp() throws Exception { // SPEC X4
        FakeProcess process = trigger(Map.of());
        try (HostConnection host = attach(process)) {
            host.result("java.io.IOException", "disk full");
            process.exit(1);
            AppEvent.Completed done = awaitEvent(events, AppEvent.Completed.class, c -> true);
            assertThat(done.instance().outcome()).isEqualTo(TaskOutcome.FAILED);
            assertThat(done.instance().errorClass()).isEqualTo("java.io.IOException");
            assertThat(done.instance().errorMessage()).isEqualTo("disk full");
        }
    }

    @Test
    void aResultSetOverTheSocketRidesOnTheCompletionEvent() throws Exception { // SPEC P2
        FakeProcess process = trigger(Map.of());
        try (HostConnection host = attach(process)) {
            host.setResult(ValueMapCodec.encode(Map.of("rows", 1200, "bytes", new byte[] {4, 2})));
            assertThatThrownBy(() -> host.setResult("[]".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .isExactlyInstanceOf(IllegalArgumentException.class);
            host.result(null, null);
            process.exit(0);
            AppEvent.Completed done = awaitEvent(events, AppEvent.Completed.class, c -> true);
            Map<String, Object> result = ValueMapCodec.decode(done.instance().result());
            assertThat(result.get("rows")).isEqualTo(1200);
            assertThat((byte[]) result.get("bytes")).containsExactly(4, 2);
        }
    }

    @Test
    void aRetryPolicyAndARetryRequestCrossTheWire() throws Exception { // SPEC P1
        TaskDefinition base = javaTask("retrying");
        app.register(APP, new TaskDefinition(base.name(), "retrying", base.target(), base.conditions(), false,
                base.limits(), false, base.cancellationGrace(), null, null,
                dev.bgtasks.RetryPolicy.linear(Duration.ofSeconds(1), Duration.ofSeconds(1), 2)));
        lastTrigger = app.requestTrigger(new TriggerRequest(APP, "retrying", ValueMapCodec.encode(Map.of()), null));
        FakeProcess first = h.platform.awaitProcess(1);
        try (HostConnection host = attach(first)) {
            host.result(null, null, true);
        }
        first.exit(0);
        assertThat(h.broker().instances(APP).get(0).attempt()).isEqualTo(2);
        h.clock.advance(Duration.ofSeconds(1));
        FakeProcess second = h.platform.lastProcess();
        assertThat(second).isNotSameAs(first);
        h.succeed(second);
        AppEvent.Completed done = awaitEvent(events, AppEvent.Completed.class, c -> true);
        assertThat(done.instance().attempt()).isEqualTo(2);
        assertThat(done.instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
    }

    @Test
    void aCancellationBeforeTheHostAttachesIsDeliveredOnAttach() throws Exception { // SPEC X6
        FakeProcess process = trigger(Map.of());
        assertThat(app.cancel(APP, lastTrigger.instanceId())).isTrue();
        try (HostConnection host = attach(process)) {
            assertThat(cancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(BackgroundTaskCancellationReason.ABORT);
            assertThat(host.attachment()).isNotNull();
        }
    }

    @Test
    void aHostThatArrivesWhileNoBrokerListensAttachesOnceOneDoes() throws Exception { // SPEC B3
        // The broker that launched the task died before the host connected: the host must wait for the next one,
        // or the task is recorded BROKER_LOST although it runs.
        FakeProcess process = trigger(Map.of());
        server.close();
        CompletableFuture<HostConnection> attaching = CompletableFuture.supplyAsync(() -> {
            try {
                return attach(process);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(attaching).isNotDone();
        server = BrokerServer.start(h.broker(), socket);
        try (HostConnection host = attaching.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            assertThat(host.attachment()).isNotNull();
            host.progress(30);
        }
    }

    @Test
    void aForgedTokenIsRefused() throws Exception { // SPEC S2
        trigger(Map.of());
        assertThatThrownBy(() -> HostConnection.attach(socket, "forged-token", r -> { }))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run token");
        // And an app connection cannot report for a task: progress is not an app request.
        RawClient raw = RawClient.open(socket);
        try (raw) {
            raw.sendFrame(IpcFixtures.helloApp());
            raw.sendFrame("{\"type\":\"progress\",\"id\":1,\"progress\":50}");
            assertThat(raw.next(WAIT)).isNotNull(); // hello-ok
            assertThat(raw.next(WAIT).path("error").path("kind").asText()).isEqualTo("protocol");
        }
    }

    @Test
    void aHostReattachesByItselfAfterTheBrokerRestarts() throws Exception { // SPEC B3, X2
        FakeProcess process = trigger(Map.of());
        try (HostConnection host = attach(process)) {
            host.progress(10);
            host.progress(30);
            assertThat(awaitEvent(events, AppEvent.Progress.class, p -> p.progress() == 30).instanceId())
                    .isEqualTo(lastTrigger.instanceId());
            HostAttachment first = host.attachment();
            assertThat(first.readopted()).isFalse();

            server.close();
            app.close();
            h.restart();
            // Listening in-process before the new server is up, so the re-sent progress cannot be missed.
            BlockingQueue<AppEvent> after = IpcFixtures.eventQueue();
            h.broker().subscribe(APP, after::add);
            server = BrokerServer.start(h.broker(), socket);
            app = BrokerClient.connect(socket);

            // The latest progress is sent again on re-attach, without the task setting it.
            assertThat(awaitEvent(after, AppEvent.Progress.class, p -> true).progress()).isEqualTo(30);
            assertThat(host.attachment().readopted()).isTrue();
            assertThat(host.attachment().instanceId()).isEqualTo(first.instanceId());

            host.progress(60);
            assertThat(awaitEvent(after, AppEvent.Progress.class, p -> true).progress()).isEqualTo(60);
            assertThat(h.broker().instances(APP).get(0).state()).isEqualTo(InstanceState.RUNNING);
            assertThat(h.broker().instances(APP).get(0).progress()).isEqualTo(60);

            host.result(null, null);
            process.exit(0);
            assertThat(awaitEvent(after, AppEvent.Completed.class, c -> true).instance().outcome())
                    .isEqualTo(TaskOutcome.SUCCEEDED);
        }
    }

    @Test
    void callsMadeWhileTheBrokerIsDownWaitForItsReturn() throws Exception { // SPEC B3
        FakeProcess process = trigger(Map.of());
        try (HostConnection host = attach(process)) {
            server.close();
            app.close();
            h.restart();
            BlockingQueue<AppEvent> after = IpcFixtures.eventQueue();
            h.broker().subscribe(APP, after::add);
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> host.progress(55));
            server = BrokerServer.start(h.broker(), socket);
            waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(awaitEvent(after, AppEvent.Progress.class, p -> true).progress()).isEqualTo(55);
            assertThat(host.attachment().readopted()).isTrue();
            app = BrokerClient.connect(socket);
        }
    }

    @Test
    void aHostTheNewBrokerRefusesFailsItsNextCall() throws Exception { // SPEC S2, B3
        FakeProcess process = trigger(Map.of());
        try (HostConnection host = attach(process)) {
            server.close();
            app.close();
            process.exit(0); // recorded by the old broker: the new one has nothing to re-adopt
            h.restart();
            server = BrokerServer.start(h.broker(), socket);
            app = BrokerClient.connect(socket);
            assertThatThrownBy(() -> host.progress(50)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("run token");
        }
    }

    @Test
    void aBrokerThatStaysAwayEndsTheWaitWithAClearError() throws Exception { // SPEC B3
        FakeProcess process = trigger(Map.of());
        try (HostConnection host = HostConnection.attach(socket, process.runToken(), r -> { },
                java.time.Duration.ofSeconds(2), java.time.Duration.ofMillis(300))) {
            server.close();
            assertThatThrownBy(() -> host.progress(5)).isExactlyInstanceOf(BrokerProtocolException.class)
                    .hasMessageContaining(socket.toString());
        }
    }
}
