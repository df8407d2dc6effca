package dev.bgtasks.testing;

import dev.bgtasks.BackgroundTasks;
import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.broker.Retention;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A broker on the fake platform and the fake clock, in a temp home, with helpers that play the task host's part.
 * Events reach listeners on the calling thread, so tests need no waiting.
 */
public final class BrokerHarness implements AutoCloseable {
    public final Path home;
    public final FakePlatform platform;
    public final FakeClock clock;
    public final Path policyFile;
    private final UnaryOperator<BrokerConfig.Builder> adjust;
    /** What the broker keeps (SPEC B7); a test that changes it restarts the broker. */
    public Retention retention = Retention.DEFAULT;
    private Broker broker;
    /** SPEC Y1: a rig's shorter minimum freshness, applied from the next {@link #restart()}; null for the default. */
    public java.time.Duration minimumFreshness;

    public BrokerHarness(Path home) {
        this(home, FakePlatform.withGoodConditions(), new FakeClock());
    }

    public BrokerHarness(Path home, FakePlatform platform, FakeClock clock) {
        this(home, platform, clock, UnaryOperator.identity());
    }

    /** A harness whose broker configuration is adjusted, e.g. its environment (SPEC S5), at every (re)start. */
    public BrokerHarness(Path home, UnaryOperator<BrokerConfig.Builder> adjust) {
        this(home, FakePlatform.withGoodConditions(), new FakeClock(), adjust);
    }

    private BrokerHarness(Path home, FakePlatform platform, FakeClock clock,
                          UnaryOperator<BrokerConfig.Builder> adjust) {
        this.home = home;
        this.platform = platform;
        this.clock = clock;
        this.policyFile = home.resolve("policy.json");
        this.adjust = adjust;
        this.broker = Broker.start(config());
    }

    public BrokerConfig config() {
        BrokerConfig.Builder builder = BrokerConfig.builder().home(home.resolve("state")).platform(platform)
                .clock(clock).policyFile(policyFile).environment(Map.of("PATH", "/usr/bin:/bin"))
                .retention(retention);
        if (minimumFreshness != null) {
            builder.minimumFreshness(minimumFreshness);
        }
        return adjust.apply(builder).build();
    }

    public Broker broker() {
        return broker;
    }

    /** Closes the broker and starts a new one on the same home, platform and clock (B3, R5). */
    public Broker restart() {
        broker.close();
        broker = Broker.start(config());
        return broker;
    }

    /** The app's API on this broker, with listeners called synchronously and a plain (non-task) environment. */
    public BackgroundTasks app(String appId) {
        return BackgroundTasks.inProcess(broker, appId, Runnable::run, Map.of());
    }

    /** The app's API as seen from inside a task process (SPEC T1). */
    public BackgroundTasks appInsideTask(String appId) {
        return BackgroundTasks.inProcess(broker, appId, Runnable::run,
                Map.of(BackgroundTasks.RUN_TOKEN_VARIABLE, "a-token-of-some-task"));
    }

    /** The task reports progress over its token. */
    public void progress(FakeProcess process, int value) {
        broker.reportProgress(process.runToken(), value);
    }

    /** The task host reports success and its process exits 0. */
    public void succeed(FakeProcess process) {
        broker.reportResult(process.runToken(), null, null);
        process.exit(0);
    }

    /** The Java task asked for a retry (SPEC P1); its host reports that run returned, and exits 0. */
    public void requestRetry(FakeProcess process) {
        broker.reportResult(process.runToken(), null, null, true);
        process.exit(0);
    }

    /** The task's run threw; the host reports it and exits 1. */
    public void fail(FakeProcess process, Throwable thrown) {
        broker.reportResult(process.runToken(), thrown.getClass().getName(), thrown.getMessage());
        process.exit(1);
    }

    /** The classpath holding bgtasks-core and the test task classes. */
    public static List<String> testClasspath() {
        return List.of(codeSource(dev.bgtasks.task.BackgroundTask.class).toString(),
                codeSource(BrokerHarness.class).toString());
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
