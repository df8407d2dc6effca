package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.APP;
import static dev.bgtasks.ipc.IpcFixtures.WAIT;
import static dev.bgtasks.ipc.IpcFixtures.awaitEvent;
import static dev.bgtasks.ipc.IpcFixtures.javaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standby handshake over a real socket (SPEC W1, W3, S2): {@code hello} as a standby, the pushed {@code take},
 * the {@code taken} request, then the instance's host like any other.
 */
@Timeout(60)
class StandbyWireTest {
    @TempDir
    Path dir;
    private BrokerHarness h;
    private Path socket;
    private BrokerServer server;
    private BrokerClient app;
    private final BlockingQueue<AppEvent> events = IpcFixtures.eventQueue();

    @BeforeEach
    void start() throws Exception {
        h = new BrokerHarness(dir, b -> b.standbys(2));
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

    private TriggerResponse trigger(Map<String, Object> arguments) {
        TriggerResponse response = app.requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(arguments),
                null));
        assertThat(response.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return response;
    }

    /** A cold run to its end, which leaves a standby launched (the fake clock runs the background start). */
    private FakeProcess coldRunLeavingAStandby() throws Exception {
        int before = h.platform.processes().size();
        trigger(Map.of());
        FakeProcess cold = h.platform.awaitProcess(before + 1);
        try (HostConnection host = HostConnection.attach(socket, cold.runToken(), reason -> { })) {
            host.result(null, null);
        }
        cold.exit(0);
        awaitEvent(events, AppEvent.Completed.class, c -> true);
        h.clock.advance(Duration.ofSeconds(1));
        FakeProcess standby = h.platform.lastProcess();
        assertThat(standby.isStandby()).isTrue();
        return standby;
    }

    @Test
    void aStandbyIsHandedItsInstanceAndRunsItAsItsHost() throws Exception { // SPEC W1, W3, S2
        FakeProcess standbyProcess = coldRunLeavingAStandby();
        try (HostConnection standby = HostConnection.standBy(socket, standbyProcess.runToken(), reason -> { })) {
            assertThat(standby.standby().entryPoint()).isEqualTo(SampleTasks.Valid.class.getName());
            // Its token speaks for no instance yet (SPEC S2).
            assertThatThrownBy(() -> standby.progress(10)).isInstanceOf(IllegalArgumentException.class);
            CompletableFuture<HostConnection.Take> take = CompletableFuture.supplyAsync(() -> {
                try {
                    return standby.awaitTake();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            TriggerResponse second = trigger(Map.of("file", "notes.db"));
            HostConnection.Take taken = take.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(taken.attachment().instanceId()).isEqualTo(second.instanceId());
            assertThat(ValueMapCodec.decode(taken.attachment().arguments())).containsEntry("file", "notes.db");
            assertThat(taken.resultFile()).endsWith(second.instanceId() + ".result");
            assertThat(standby.attachment()).isEqualTo(taken.attachment());

            standby.progress(50);
            assertThat(awaitEvent(events, AppEvent.Progress.class, p -> true).progress()).isEqualTo(50);
            standby.result(null, null);
        }
        standbyProcess.exit(0);
        AppEvent.Completed done = awaitEvent(events, AppEvent.Completed.class, c -> true);
        assertThat(done.instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
        assertThat(h.platform.processes().stream().filter(p -> !p.isStandby()).count()).isEqualTo(1);
    }

    @Test
    void aTokenOfNoStandbyIsRefused() { // SPEC S2, W1
        assertThatThrownBy(() -> HostConnection.standBy(socket, "not-a-standby", reason -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStandbyWhoseConnectionEndsBeforeATakeEndsToo() throws Exception { // SPEC W1, W3
        FakeProcess standbyProcess = coldRunLeavingAStandby();
        HostConnection standby = HostConnection.standBy(socket, standbyProcess.runToken(), reason -> { });
        CompletableFuture<HostConnection.Take> take = CompletableFuture.supplyAsync(() -> {
            try {
                return standby.awaitTake();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        server.close();
        assertThatThrownBy(() -> take.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(IOException.class);
        standby.close();
    }
}
