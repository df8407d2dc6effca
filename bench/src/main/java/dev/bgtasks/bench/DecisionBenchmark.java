package dev.bgtasks.bench;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.testing.BrokerHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The broker's trigger decision in-process, on the fake platform and clock of core's test fixtures (no socket,
 * no process start): the whole {@code requestTrigger} path of a real {@link Broker} with its SQLite store, for a
 * trigger whose slot is busy ({@code CURRENTLY_RUNNING}, a write transaction that finds the active instance) and
 * for one with no registration ({@code UNKNOWN_ERROR}).
 *
 * <pre>{@code
 * java -cp <bench classpath> org.openjdk.jmh.Main DecisionBenchmark -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecisionBenchmark {
    private static final String APP = "dev.bgtasks.bench";

    private Path home;
    private BrokerHarness harness;
    private Broker broker;
    private TriggerRequest busy;
    private TriggerRequest unregistered;

    /**
     * A broker with one running instance on the trigger "busy".
     *
     * @throws IOException when the temp home cannot be made
     */
    @Setup(Level.Trial)
    public void start() throws IOException {
        home = Files.createTempDirectory("bgtb-jmh");
        harness = new BrokerHarness(home);
        broker = harness.broker();
        broker.requestAccess(APP);
        broker.register(APP, new TaskDefinition("busy", "busy", new TaskTarget.Command(List.of("/bin/true")),
                Set.of(), false, ResourceLimits.defaults(), false, Duration.ofSeconds(1), null));
        busy = new TriggerRequest(APP, "busy", ValueMapCodec.encode(Map.of("file", "notes.db")), null);
        unregistered = new TriggerRequest(APP, "nobody", ValueMapCodec.encode(Map.of()), null);
        TriggerResponse first = broker.requestTrigger(busy);
        if (first.result() != ApplicationTriggerResult.ALLOWED) {
            throw new IllegalStateException("the first trigger was " + first.result());
        }
    }

    /**
     * Closes the broker and deletes its home.
     *
     * @throws IOException when the home cannot be deleted
     */
    @TearDown(Level.Trial)
    public void stop() throws IOException {
        harness.close();
        BenchBroker.deleteTree(home);
    }

    /**
     * The slot holds a running instance: answered CURRENTLY_RUNNING.
     *
     * @return the answer, consumed by JMH
     */
    @Benchmark
    public TriggerResponse currentlyRunning() {
        return broker.requestTrigger(busy);
    }

    /**
     * No registration holds the trigger: answered UNKNOWN_ERROR.
     *
     * @return the answer, consumed by JMH
     */
    @Benchmark
    public TriggerResponse noRegistration() {
        return broker.requestTrigger(unregistered);
    }
}
