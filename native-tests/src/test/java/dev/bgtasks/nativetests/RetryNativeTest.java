package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.RetryPolicy;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.AppEvent;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.broker.TriggerSpec;
import dev.bgtasks.spi.ResourceLimits;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retry on real processes: a Java task that asks for a retry runs again, as a new task JVM, after its backoff, the
 * trigger stays {@code CURRENTLY_RUNNING} meanwhile, and the app hears one completion, for attempt 2.
 */
@Timeout(120)
class RetryNativeTest {
    private static final String APP = "com.example.retry";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration BACKOFF = Duration.ofSeconds(2);

    @Test
    void aTaskThatAsksForARetryRunsAgainAfterItsBackoffAndTheAppHearsOneCompletion() throws Exception { // SPEC P1
        Path dir = Files.createTempDirectory("bgt-retry");
        try (RealBroker broker = new RealBroker()) {
            BlockingQueue<AppEvent.Completed> completions = new LinkedBlockingQueue<>();
            broker.client().subscribe(APP, e -> {
                if (e instanceof AppEvent.Completed c) {
                    completions.add(c);
                }
            });
            broker.client().requestAccess(APP);
            List<String> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .filter(e -> Files.exists(Path.of(e))).toList();
            broker.client().register(APP, new TaskDefinition("retry-once", "",
                    new TaskTarget.JavaEntryPoint(RetryOnceTask.class.getName(), classpath), Set.of(), false,
                    ResourceLimits.defaults(), false, null, null, TriggerSpec.APPLICATION,
                    RetryPolicy.linear(BACKOFF, BACKOFF, 3)));
            UUID id = trigger(broker, dir).instanceId();

            RealBroker.await(() -> Files.exists(dir.resolve("attempt1")), WAIT, "the first attempt");
            // Whether attempt 1 still runs, waits out its backoff or attempt 2 runs (held until "release"): the
            // instance holds the trigger (SPEC P1, T4).
            assertThat(trigger(broker, dir).result()).isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
            RealBroker.await(() -> Files.exists(dir.resolve("attempt2")), WAIT, "the second attempt");
            InstanceInfo second = broker.awaitState(APP, id, InstanceState.RUNNING, WAIT);
            broker.track(second.pid());
            assertThat(second.attempt()).isEqualTo(2);
            assertThat(trigger(broker, dir).result()).isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);
            // Not a speed figure: a lower bound the broker must keep. Attempt 2 may not start before the backoff
            // that began after attempt 1 wrote its file.
            Instant firstWrote = Instant.parse(Files.readString(dir.resolve("attempt1")));
            assertThat(second.startedAt()).isAfterOrEqualTo(firstWrote.plus(BACKOFF));
            assertThat(completions).as("no completion for attempt 1").isEmpty();

            Files.createFile(dir.resolve("release"));
            AppEvent.Completed done = completions.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(done).as("the completion").isNotNull();
            assertThat(done.instance().instanceId()).isEqualTo(id);
            assertThat(done.instance().attempt()).isEqualTo(2);
            assertThat(done.instance().outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
            assertThat(ValueMapCodec.decode(done.instance().result())).isEqualTo(Map.of("attempt", 2));

            // A barrier: events come in order, so once the next instance's completion has arrived, a second
            // completion of the first instance would have arrived before it.
            UUID next = trigger(broker, dir).instanceId();
            AppEvent.Completed barrier = completions.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(barrier).as("the next instance's completion").isNotNull();
            assertThat(barrier.instance().instanceId()).as("no second completion of the retried instance")
                    .isEqualTo(next);
        } finally {
            TempHome.delete(dir);
        }
    }

    private static TriggerResponse trigger(RealBroker broker, Path dir) {
        return broker.client().requestTrigger(new TriggerRequest(APP, "",
                ValueMapCodec.encode(Map.of("dir", dir.toString())), null));
    }
}
