package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.broker.HostAttachment;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.FakePlatform.FakeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC F1–F4 (docs/rigs.md): shared fixtures, on the fake platform. */
class SharedFixturesTest {
    private static final String APP_A = "com.example.rig.a";
    private static final String APP_B = "com.example.rig.b";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks a;
    private BackgroundTasks b;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        a = h.app(APP_A);
        b = h.app(APP_B);
        a.executionManager().requestAccess().join();
        b.executionManager().requestAccess().join();
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        h.close();
    }

    private static BackgroundTaskRegistration register(BackgroundTasks bg, String trigger, String... uses) {
        BackgroundTaskBuilder builder = bg.newTask().name("probe-" + trigger).command(List.of("/bin/true"))
                .setTrigger(bg.applicationTrigger(trigger));
        for (String u : uses) {
            builder.uses(u);
        }
        return builder.register();
    }

    private static InstanceInfo latest(BackgroundTasks bg) {
        return bg.instances().get(0);
    }

    @Test
    void oneRunningInstancePerFixtureTheOthersWaitInRequestOrder() { // SPEC F1, F2
        register(a, "first", "scope-1");
        register(b, "second", "scope-1", "psu-2");
        register(a, "third", "scope-1");
        register(a, "free");

        assertThat(a.applicationTrigger("first").requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(h.platform.processes()).hasSize(1);
        FakeProcess first = h.platform.lastProcess();

        assertThat(b.applicationTrigger("second").requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        h.clock.advance(java.time.Duration.ofMillis(5));
        assertThat(a.applicationTrigger("third").requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(h.platform.processes()).hasSize(1);
        assertThat(latest(b).state()).isEqualTo(InstanceState.PENDING);
        assertThat(latest(b).waitingForFixtures()).containsExactly("scope-1");
        assertThat(latest(b).waitingForAll()).containsExactly("fixture scope-1");

        // A task that uses no fixture is not held back by one.
        a.applicationTrigger("free").requestAsync().join();
        assertThat(h.platform.processes()).hasSize(2);
        h.platform.lastProcess().exit(0);

        h.succeed(first);
        assertThat(h.platform.processes()).hasSize(3);
        assertThat(h.platform.lastProcess().spec().command()).isNotEmpty();
        assertThat(latest(b).state()).as("the older request gets the fixture").isEqualTo(InstanceState.RUNNING);
        assertThat(a.instances().stream().filter(i -> i.state() == InstanceState.PENDING)).singleElement()
                .satisfies(i -> assertThat(i.waitingForFixtures()).containsExactly("scope-1"));

        h.succeed(h.platform.lastProcess());
        assertThat(h.platform.processes()).hasSize(4);
        assertThat(a.instances().stream().filter(i -> i.state() == InstanceState.PENDING)).isEmpty();
        assertThat(h.platform.sandbox().mostAliveAtALaunch()).isLessThanOrEqualTo(1);
    }

    @Test
    void fixtureNamesAreChecked() { // SPEC F1
        assertThatThrownBy(() -> register(a, "bad", "scope 1")).isInstanceOf(InvalidRegistrationException.class)
                .hasMessageContaining("uses").hasMessageContaining("scope 1");
    }

    @Test
    void twoRegistrationsTimesSixteenThreadsNeverRunAtOnce() throws Exception { // SPEC F3
        register(a, "x", "scope-1");
        register(b, "y", "scope-1");
        int threads = 16;
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(2 * threads + 1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean triggering = new AtomicBoolean(true);
        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        try {
            List<Future<?>> triggers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                for (BackgroundTasks bg : List.of(a, b)) {
                    String trigger = bg == a ? "x" : "y";
                    triggers.add(pool.submit(() -> {
                        go.await();
                        for (int r = 0; r < rounds; r++) {
                            if (bg.applicationTrigger(trigger).requestAsync().join()
                                    == ApplicationTriggerResult.ALLOWED) {
                                allowed.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
            }
            Future<?> completer = pool.submit(() -> {
                go.await();
                while (triggering.get() || h.platform.processes().stream().anyMatch(FakeProcess::isAlive)
                        || hasPending()) {
                    List<FakeProcess> alive = h.platform.processes().stream().filter(FakeProcess::isAlive).toList();
                    if (alive.size() > 1) {
                        overlaps.incrementAndGet();
                    }
                    alive.forEach(p -> h.succeed(p));
                    Thread.onSpinWait();
                }
                return null;
            });
            go.countDown();
            for (Future<?> f : triggers) {
                f.get(60, TimeUnit.SECONDS);
            }
            triggering.set(false);
            completer.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps.get()).isZero();
        assertThat(h.platform.sandbox().mostAliveAtALaunch()).isZero();
        assertThat(h.platform.processes()).hasSize(allowed.get());
        assertThat(allowed.get()).isGreaterThanOrEqualTo(2);
    }

    private boolean hasPending() {
        return a.instances().stream().anyMatch(i -> i.state() != InstanceState.COMPLETED)
                || b.instances().stream().anyMatch(i -> i.state() != InstanceState.COMPLETED);
    }

    @Test
    void aReadoptedInstanceKeepsItsFixtureAcrossABrokerRestart() { // SPEC F4
        register(a, "first", "scope-1");
        register(b, "second", "scope-1");
        a.applicationTrigger("first").requestAsync().join();
        FakeProcess first = h.platform.lastProcess();
        h.broker().attachHost(first.runToken(), r -> { });
        a.close();
        b.close();

        h.restart();
        a = h.app(APP_A);
        b = h.app(APP_B);
        HostAttachment attachment = h.broker().attachHost(first.runToken(), r -> { });
        assertThat(attachment.readopted()).isTrue();
        assertThat(b.applicationTrigger("second").requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        assertThat(latest(b).waitingForFixtures()).containsExactly("scope-1");
        h.clock.advance(BrokerConfig.DEFAULT_READOPT_WINDOW.plusSeconds(1));
        assertThat(h.platform.processes()).hasSize(1);

        h.succeed(first);
        assertThat(h.platform.processes()).hasSize(2);
        assertThat(latest(b).state()).isEqualTo(InstanceState.RUNNING);
    }

    @Test
    void aPendingInstanceFromBeforeARestartStillWaitsForTheFixture() { // SPEC F4
        register(a, "first", "scope-1");
        register(b, "second", "scope-1");
        a.applicationTrigger("first").requestAsync().join();
        FakeProcess first = h.platform.lastProcess();
        h.broker().attachHost(first.runToken(), r -> { });
        b.applicationTrigger("second").requestAsync().join();
        a.close();
        b.close();

        h.restart();
        a = h.app(APP_A);
        b = h.app(APP_B);
        assertThat(h.platform.processes()).as("the restart starts nothing while the fixture is held").hasSize(1);
        h.broker().attachHost(first.runToken(), r -> { });
        h.succeed(first);
        assertThat(h.platform.processes()).hasSize(2);
        assertThat(latest(b).state()).isEqualTo(InstanceState.RUNNING);
    }
}
