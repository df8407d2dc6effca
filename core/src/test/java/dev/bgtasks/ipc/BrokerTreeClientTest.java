package dev.bgtasks.ipc;

import static dev.bgtasks.ipc.IpcFixtures.APP;
import static dev.bgtasks.ipc.IpcFixtures.commandTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.IfRunning;
import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.JsonTrees;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.testing.BrokerHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree client of the {@code bgtask} command (issue 18) against the typed one: the same requests on the wire and
 * the same answers, as trees, that {@link BrokerClient} decodes into records.
 */
@Timeout(60)
class BrokerTreeClientTest {
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BrokerServer server;
    private BrokerClient typed;
    private BrokerTreeClient trees;

    @BeforeEach
    void start() throws Exception {
        h = new BrokerHarness(dir);
        server = BrokerServer.start(h.broker(), IpcFixtures.socketIn(dir));
        typed = BrokerClient.connect(server.socket());
        trees = BrokerTreeClient.connect(server.socket());
    }

    @AfterEach
    void stop() throws Exception {
        trees.close();
        typed.close();
        server.close();
        h.close();
    }

    @Test
    void writesATriggerRequestAsTheTypedMapperDoes() throws Exception {
        byte[] args = ValueMapCodec.encode(Map.of("file", "notes.db"));
        for (TriggerRequest r : new TriggerRequest[] {new TriggerRequest(APP, "", args, null),
                new TriggerRequest(APP, "nightly", args, "token", IfRunning.QUEUE_ONE, 5005)}) {
            assertThat(new String(JsonTrees.write(BrokerTreeClient.tree(r)), StandardCharsets.UTF_8))
                    .isEqualTo(WireJson.MAPPER.writeValueAsString(r));
        }
    }

    @Test
    void answersAreTheTreesTheTypedClientDecodes() throws Exception {
        assertThat(trees.accessStatus(APP).textValue()).isEqualTo(typed.accessStatus(APP).name());
        typed.requestAccess(APP);
        typed.register(APP, commandTask("rsync"));
        TriggerResponse triggered = trees.requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()),
                null));
        assertThat(triggered.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(trees.requestTrigger(new TriggerRequest(APP, "", new byte[0], null)))
                .isEqualTo(new TriggerResponse(ApplicationTriggerResult.CURRENTLY_RUNNING, triggered.instanceId()));

        assertThat(trees.instances(APP)).isEqualTo(WireTrees.of(typed.instances(APP)));
        assertThat(trees.registrations(APP)).isEqualTo(WireTrees.of(typed.registrations(APP)));
        assertThat(trees.signals()).isEqualTo(WireTrees.of(typed.signals()));
        assertThat(trees.describePlatform().textValue()).isEqualTo(typed.describePlatform());
    }

    @Test
    void signalsArePushedToBothClientsWhenTheyChange() throws Exception { // issue 18: bgtask signals --watch
        BlockingQueue<JsonNode> pushedTrees = new LinkedBlockingQueue<>();
        BlockingQueue<SignalSnapshot> pushedRecords = new LinkedBlockingQueue<>();
        try (BrokerTreeClient.Subscription subscription = trees.subscribeSignals(pushedTrees::add);
             AutoCloseable records = typed.subscribeSignals(pushedRecords::add)) {
            typed.simulate(Map.of(HostSignal.ENERGY_SAVER, !typed.signals().is(HostSignal.ENERGY_SAVER, true)));
            SignalSnapshot changed = typed.signals();
            assertThat(awaitPush(pushedTrees, tree -> WireRecords.signalSnapshot(tree).equals(changed))).isNotNull();
            assertThat(awaitPush(pushedRecords, changed::equals)).isNotNull();
        }
        // Unsubscribed: the broker holds no listener of these connections any more, and both still answer.
        assertThat(trees.signals()).isEqualTo(WireTrees.of(typed.signals()));
    }

    /** The first push that matches, waiting at most {@link IpcFixtures#WAIT}; fails when none comes. */
    private static <T> T awaitPush(BlockingQueue<T> pushes, Predicate<T> matches) throws InterruptedException {
        long end = System.nanoTime() + IpcFixtures.WAIT.toNanos();
        while (true) {
            T push = pushes.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(push).as("a matching push within " + IpcFixtures.WAIT).isNotNull();
            if (matches.test(push)) {
                return push;
            }
        }
    }

    @Test
    void theBrokersExceptionsComeBackAsThemselves() {
        assertThatThrownBy(() -> trees.instances("not an app id!"))
                .isInstanceOfAny(IllegalArgumentException.class, InvalidRegistrationException.class);
    }
}
