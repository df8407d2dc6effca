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

    /** Standby hosts that said hello, by pid (SPEC W1); see {@link #playStandbyHosts}. */
    public final java.util.Map<Long, FakeStandbyHost> standbyHosts = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Plays the standby task host's part: every standby the broker launches says hello at once and, when
     * {@code confirm}, confirms each take at once, as a real host does before it runs anything of the task.
     */
    public BrokerHarness playStandbyHosts(boolean confirm) {
        platform.sandbox().onLaunch(process -> {
            if (process.isStandby()) {
                FakeStandbyHost host = new FakeStandbyHost(process, confirm);
                standbyHosts.put(process.pid(), host);
                host.attachment = broker.attachStandby(process.runToken(), host);
            }
        });
        return this;
    }

    /** The process that runs this instance: started for it, or the standby that took it (SPEC W1). */
    public FakeProcess processOf(java.util.UUID instanceId) {
        // A cold start after a standby that died (SPEC W3) is the newer one: looked for first.
        java.util.Optional<FakeProcess> cold = platform.processes().stream()
                .filter(p -> instanceId.toString().equals(p.spec().environment().get("BGTASKS_INSTANCE_ID")))
                .reduce((first, second) -> second);
        if (cold.isPresent()) {
            return cold.get();
        }
        return standbyHosts.values().stream()
                .filter(host -> host.taken != null && host.taken.instanceId().equals(instanceId))
                .map(host -> host.process).findFirst()
                .orElseThrow(() -> new AssertionError("no process runs instance " + instanceId));
    }

    /** The standby processes still waiting (SPEC W1): launched as standbys, alive, not taken. */
    public List<FakeProcess> waitingStandbys() {
        return platform.processes().stream().filter(FakeProcess::isStandby).filter(FakeProcess::isAlive)
                .filter(p -> standbyHosts.get(p.pid()) == null || standbyHosts.get(p.pid()).taken == null)
                .toList();
    }

    /** A fake standby task host: records what the broker hands it. */
    public final class FakeStandbyHost implements dev.bgtasks.broker.StandbyControl {
        public final FakeProcess process;
        private final boolean confirm;
        public volatile dev.bgtasks.broker.StandbyAttachment attachment;
        public volatile dev.bgtasks.broker.HostAttachment taken;
        public volatile String resultFile;
        public final List<dev.bgtasks.task.BackgroundTaskCancellationReason> cancels =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        public FakeStandbyHost(FakeProcess process, boolean confirm) {
            this.process = process;
            this.confirm = confirm;
        }

        @Override
        public void take(dev.bgtasks.broker.HostAttachment handed, String resultRecord) {
            taken = handed;
            resultFile = resultRecord;
            if (confirm) {
                broker.confirmTaken(process.runToken());
            }
        }

        @Override
        public void cancel(dev.bgtasks.task.BackgroundTaskCancellationReason reason) {
            cancels.add(reason);
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
