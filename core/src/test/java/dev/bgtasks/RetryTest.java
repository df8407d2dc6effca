package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.store.AttemptRow;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import dev.bgtasks.testing.SampleTasks;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC P1: retry with backoff, as new attempts of the same instance; one completion, for the last. */
class RetryTest {
    private static final String APP = "com.example.notes";
    private static final Duration INITIAL = Duration.ofSeconds(10);
    private static final Duration MAX = Duration.ofSeconds(25);
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;
    private final List<BackgroundTaskCompletedEventArgs> completions = new ArrayList<>();

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

    private UUID registerCommand(RetryPolicy policy) {
        BackgroundTaskBuilder builder = bg.newTask().name("upload").command(List.of("/bin/true"))
                .setTrigger(bg.applicationTrigger());
        if (policy != null) {
            builder.retryPolicy(policy);
        }
        BackgroundTaskRegistration registration = builder.register();
        registration.onCompleted(completions::add);
        return registration.taskId();
    }

    private UUID registerJava(RetryPolicy policy) {
        BackgroundTaskRegistration registration = bg.newTask().name("export")
                .taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .retryPolicy(policy).setTrigger(bg.applicationTrigger()).register();
        registration.onCompleted(completions::add);
        return registration.taskId();
    }

    private InstanceInfo only() {
        assertThat(bg.instances()).hasSize(1);
        return bg.instances().get(0);
    }

    private List<AttemptRow> attempts(UUID instanceId) {
        return h.broker().store().read(tx -> tx.attempts(instanceId));
    }

    @Test
    void aCommandThatExits75RunsAgainAfterItsBackoffAndTheAppHearsOneCompletion() { // SPEC P1
        registerCommand(RetryPolicy.exponential(INITIAL, MAX, 3));
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        FakeProcess first = h.platform.lastProcess();
        first.exit(75);

        InstanceInfo waiting = only();
        assertThat(waiting.state()).isEqualTo(InstanceState.PENDING);
        assertThat(waiting.attempt()).isEqualTo(2);
        assertThat(waiting.nextAttemptAt()).isEqualTo(h.clock.now().plus(INITIAL));
        assertThat(completions).isEmpty();
        // CURRENTLY_RUNNING holds between attempts (T4).
        assertThat(bg.applicationTrigger().requestAsync().join())
                .isEqualTo(ApplicationTriggerResult.CURRENTLY_RUNNING);

        h.clock.advance(INITIAL.minusMillis(1));
        assertThat(h.platform.processes()).hasSize(1);
        h.clock.advance(Duration.ofMillis(1));
        assertThat(h.platform.processes()).hasSize(2);
        FakeProcess second = h.platform.lastProcess();
        assertThat(second.runToken()).isNotEqualTo(first.runToken()); // B6: one launch per attempt
        assertThat(only().state()).isEqualTo(InstanceState.RUNNING);
        assertThat(only().nextAttemptAt()).isNull();

        second.exit(0);
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
            assertThat(e.attempt()).isEqualTo(2);
        });
        assertThat(attempts(waiting.instanceId())).singleElement().satisfies(a -> {
            assertThat(a.attempt()).isEqualTo(1);
            assertThat(a.outcome()).isEqualTo(TaskOutcome.FAILED);
            assertThat(a.exitCode()).isEqualTo(75);
        });
    }

    @Test
    void aJavaTaskAsksForRetriesUntilItsLastAttemptWhichFails() { // SPEC P1
        registerJava(RetryPolicy.exponential(INITIAL, MAX, 3));
        bg.applicationTrigger().requestAsync().join();
        h.requestRetry(h.platform.lastProcess());
        assertThat(only().nextAttemptAt()).isEqualTo(h.clock.now().plus(INITIAL)); // 10 s after attempt 1
        h.clock.advance(INITIAL);
        h.requestRetry(h.platform.lastProcess());
        assertThat(only().nextAttemptAt()).isEqualTo(h.clock.now().plus(Duration.ofSeconds(20))); // 10 s * 2
        h.clock.advance(Duration.ofSeconds(20));
        assertThat(h.platform.processes()).hasSize(3);
        h.requestRetry(h.platform.lastProcess()); // its last attempt: no more

        assertThat(h.platform.processes()).hasSize(3);
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(TaskOutcome.FAILED);
            assertThat(e.attempt()).isEqualTo(3);
            assertThatThrownBy(e::checkResult).hasMessageContaining("asked for a retry");
        });
        assertThat(attempts(only().instanceId())).extracting(AttemptRow::attempt).containsExactly(1, 2);
    }

    @Test
    void withoutAPolicyARetryRequestFailsTheInstanceOnce() { // SPEC P1
        registerCommand(null);
        bg.applicationTrigger().requestAsync().join();
        h.platform.lastProcess().exit(75);
        assertThat(completions).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(TaskOutcome.FAILED);
            assertThat(e.attempt()).isEqualTo(1);
        });
        h.clock.advance(Duration.ofHours(1));
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void launchFailuresAreRetriedOnlyWhenThePolicySaysSo() throws Exception { // SPEC P1
        registerCommand(RetryPolicy.linear(INITIAL, MAX, 2).retryingLaunchFailures());
        h.platform.sandbox().failNextLaunch(new IOException("no cgroup"));
        bg.applicationTrigger().requestAsync().join();
        assertThat(h.platform.processes()).isEmpty();
        assertThat(completions).isEmpty();
        assertThat(only().attempt()).isEqualTo(2);
        h.clock.advance(INITIAL);
        h.platform.lastProcess().exit(0);
        assertThat(completions).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(TaskOutcome.SUCCEEDED));
        assertThat(attempts(only().instanceId())).singleElement()
                .satisfies(a -> assertThat(a.terminationReason()).isEqualTo(TerminationReason.LAUNCH_FAILED));
    }

    @Test
    void aLaunchFailureIsFinalUnderAPolicyThatDoesNotRetryIt() throws Exception { // SPEC P1
        registerCommand(RetryPolicy.linear(INITIAL, MAX, 5));
        h.platform.sandbox().failNextLaunch(new IOException("no cgroup"));
        bg.applicationTrigger().requestAsync().join();
        assertThat(completions).singleElement()
                .satisfies(e -> assertThat(e.terminationReason()).contains(TerminationReason.LAUNCH_FAILED));
    }

    @Test
    void aTaskLostWithTheBrokerIsRetriedWhenThePolicySaysSo() { // SPEC P1, B3
        registerJava(RetryPolicy.linear(INITIAL, MAX, 2).retryingBrokerLost());
        bg.applicationTrigger().requestAsync().join();
        bg.close();
        FakeProcess lost = h.platform.lastProcess();
        h.restart();
        h.clock.advance(BrokerConfig.DEFAULT_READOPT_WINDOW);
        assertThat(lost.isAlive()).isFalse();
        bg = h.app(APP);
        List<BackgroundTaskCompletedEventArgs> seen = new ArrayList<>();
        bg.allTasks().values().iterator().next().onCompleted(seen::add);
        assertThat(seen).isEmpty();
        assertThat(only().attempt()).isEqualTo(2);

        h.clock.advance(INITIAL);
        FakeProcess again = h.platform.lastProcess();
        assertThat(again).isNotSameAs(lost);
        h.succeed(again);
        assertThat(seen).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(TaskOutcome.SUCCEEDED);
            assertThat(e.attempt()).isEqualTo(2);
        });
    }

    @Test
    void aBackoffSurvivesABrokerRestartAndWaitsWhatIsLeft() { // SPEC P1, B3
        registerCommand(RetryPolicy.linear(INITIAL, MAX, 3));
        bg.applicationTrigger().requestAsync().join();
        h.platform.lastProcess().exit(75);
        h.clock.advance(Duration.ofSeconds(4));
        bg.close();
        h.restart();
        bg = h.app(APP);
        h.clock.advance(Duration.ofSeconds(5));
        assertThat(h.platform.processes()).hasSize(1);
        h.clock.advance(Duration.ofSeconds(1));
        assertThat(h.platform.processes()).hasSize(2);
    }

    @Test
    void aWallClockJumpNeitherStartsTheNextAttemptEarlyNorSkipsIt() { // SPEC P1 (monotonic backoff)
        registerCommand(RetryPolicy.linear(INITIAL, MAX, 3));
        bg.applicationTrigger().requestAsync().join();
        h.platform.lastProcess().exit(75);
        h.clock.jump(Duration.ofHours(2));
        assertThat(h.platform.processes()).hasSize(1);
        h.clock.jump(Duration.ofHours(-4));
        h.clock.advance(INITIAL);
        assertThat(h.platform.processes()).hasSize(2);
    }

    @Test
    void anInstanceCancelledInItsBackoffCompletesCancelledAndRunsNoMore() { // SPEC P1, X6
        registerCommand(RetryPolicy.linear(INITIAL, MAX, 3));
        bg.applicationTrigger().requestAsync().join();
        h.platform.lastProcess().exit(75);
        assertThat(h.broker().cancel(APP, only().instanceId())).isTrue();
        h.clock.advance(MAX);
        assertThat(h.platform.processes()).hasSize(1);
        assertThat(completions).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(TaskOutcome.CANCELED));
    }

    @Test
    void aCancelledAttemptIsNeverRetriedWhateverItExitsWith() { // SPEC P1, X6
        registerCommand(RetryPolicy.linear(INITIAL, MAX, 3));
        bg.applicationTrigger().requestAsync().join();
        assertThat(h.broker().cancel(APP, only().instanceId())).isTrue();
        h.platform.lastProcess().exit(75);
        assertThat(completions).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(TaskOutcome.CANCELED));
        h.clock.advance(MAX);
        assertThat(h.platform.processes()).hasSize(1);
    }

    @Test
    void theNextAttemptStillWaitsForItsConditions() { // SPEC P1, T7
        h.platform.set(dev.bgtasks.spi.HostSignal.INTERNET, true);
        BackgroundTaskRegistration registration = bg.newTask().name("upload").command(List.of("/bin/true"))
                .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
                .retryPolicy(RetryPolicy.linear(INITIAL, MAX, 3)).setTrigger(bg.applicationTrigger()).register();
        registration.onCompleted(completions::add);
        bg.applicationTrigger().requestAsync().join();
        h.platform.lastProcess().exit(75);
        h.platform.set(dev.bgtasks.spi.HostSignal.INTERNET, false);
        h.clock.advance(INITIAL);
        assertThat(h.platform.processes()).hasSize(1);
        assertThat(only().waitingFor()).containsExactly(SystemConditionType.INTERNET_AVAILABLE);
        h.platform.set(dev.bgtasks.spi.HostSignal.INTERNET, true);
        assertThat(h.platform.processes()).hasSize(2);
    }

    @Test
    void backoffsGrowLinearlyOrExponentiallyUpToTheMaximum() { // SPEC P1
        RetryPolicy linear = RetryPolicy.linear(INITIAL, MAX, 10);
        assertThat(linear.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(linear.delayAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(linear.delayAfter(3)).isEqualTo(MAX);
        RetryPolicy exponential = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofHours(1), 100);
        assertThat(exponential.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(exponential.delayAfter(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(exponential.delayAfter(99)).isEqualTo(Duration.ofHours(1)); // no overflow
    }

    @Test
    void aPolicyOutOfRangeIsRefused() { // SPEC P1
        assertThatThrownBy(() -> RetryPolicy.linear(Duration.ZERO, MAX, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialDelay");
        assertThatThrownBy(() -> RetryPolicy.linear(MAX, INITIAL, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> RetryPolicy.exponential(INITIAL, MAX, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    }
}
