package dev.bgtasks.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.bgtasks.SystemConditionType;
import dev.bgtasks.junit.RequiresCondition.OnTimeout;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.SimulatedSignals;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Issue 7, test rigs: {@code @RequiresCondition} skips, runs, waits for and fails tests by the host signals, checked
 * by running small test classes through the JUnit engine and counting what it reports.
 */
class RequiresConditionExtensionTest {
    private static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    private static List<String> skipReasons(Events events) {
        return events.skipped().stream().map(e -> e.getPayload(String.class).orElse("")).toList();
    }

    private static List<Throwable> failures(Events events) {
        return events.failed().stream().map(e -> e.getPayload(TestExecutionResult.class).orElseThrow())
                .map(r -> r.getThrowable().orElseThrow()).toList();
    }

    static class Offline {
        static final TestHost HOST = new TestHost().with(HostSignal.INTERNET, false).with(HostSignal.AC_POWER, true);
        @RegisterExtension
        static final HostRig RIG = HostRig.over(HOST);

        @Test
        @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
        void needsInternet() {
        }

        @Test
        @RequiresCondition(SystemConditionType.ON_AC_POWER)
        void needsPower() {
        }

        @Test
        @RequiresCondition(SystemConditionType.ON_AC_POWER)
        @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
        void needsBoth() {
        }

        @Test
        @RequiresCondition(SystemConditionType.USER_PRESENT)
        void needsAnUnknownSignal() {
        }

        @Test
        void needsNothing() {
        }
    }

    @Test
    void skipsTestsWhoseConditionsDoNotHoldAndRunsTheOthers() {
        Events tests = run(Offline.class).testEvents();
        tests.assertStatistics(stats -> stats.skipped(3).started(2).succeeded(2).failed(0));
        assertThat(skipReasons(tests)).containsExactlyInAnyOrder(
                "INTERNET_AVAILABLE needs INTERNET=true, is false",
                "INTERNET_AVAILABLE needs INTERNET=true, is false",
                "USER_PRESENT needs USER_PRESENT=true, is unknown");
    }

    @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
    static class WholeClassOffline {
        @RegisterExtension
        static final HostRig RIG = HostRig.over(new TestHost().with(HostSignal.INTERNET, false));

        @Test
        void first() {
        }

        @Test
        void second() {
        }
    }

    @Test
    void aClassWhoseConditionDoesNotHoldIsSkippedWhole() {
        EngineExecutionResults results = run(WholeClassOffline.class);
        results.testEvents().assertStatistics(stats -> stats.started(0).skipped(0));
        assertThat(skipReasons(results.containerEvents())).containsExactly(
                "INTERNET_AVAILABLE needs INTERNET=true, is false");
    }

    static class ComesOnline {
        static final TestHost HOST = new TestHost().with(HostSignal.INTERNET, false);
        @RegisterExtension
        static final HostRig RIG = HostRig.over(HOST);

        static {
            // The rig has read the host already; the extension's read, after it subscribed, brings the network up.
            HOST.flipOnNextRead(HostSignal.INTERNET, true);
        }

        @Test
        @RequiresCondition(value = SystemConditionType.INTERNET_AVAILABLE, waitUpTo = "1h")
        void waitsForTheNetwork(SimulatedSignals signals) {
            assertThat(signals.current().is(HostSignal.INTERNET, true)).isTrue();
        }
    }

    @Test
    void waitUpToWaitsForTheSignalEventAndThenRuns() {
        // An hour of allowed waiting that ends at once: the event woke it, not a timeout.
        long started = System.nanoTime();
        run(ComesOnline.class).testEvents().assertStatistics(stats -> stats.started(1).succeeded(1).skipped(0));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(5));
    }

    static class StaysOffline {
        @RegisterExtension
        static final HostRig RIG = HostRig.over(new TestHost().with(HostSignal.INTERNET, false));

        @Test
        @RequiresCondition(value = SystemConditionType.INTERNET_AVAILABLE, waitUpTo = "150ms")
        void skipsAfterTheWait() {
        }

        @Test
        @RequiresCondition(value = SystemConditionType.INTERNET_AVAILABLE, waitUpTo = "150ms",
                onTimeout = OnTimeout.FAIL)
        void failsAfterTheWait() {
        }
    }

    @Test
    void whenTheWaitRunsOutTheTestIsSkippedOrFailedAsItSays() {
        Events tests = run(StaysOffline.class).testEvents();
        tests.assertStatistics(stats -> stats.skipped(1).started(1).failed(1).succeeded(0));
        assertThat(skipReasons(tests)).containsExactly(
                "INTERNET_AVAILABLE needs INTERNET=true, is false after waiting PT0.15S");
        assertThat(failures(tests)).singleElement(InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(AssertionError.class).hasMessage("@RequiresCondition with onTimeout = FAIL: INTERNET_AVAILABLE needs INTERNET=true, is "
                        + "false after waiting PT0.15S");
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FlipsSignals {
        static final TestHost HOST = new TestHost().with(HostSignal.INTERNET, true);
        @RegisterExtension
        static final HostRig RIG = HostRig.over(HOST);
        static final List<Boolean> SEEN = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Test
        @Order(1)
        void goesOffline(SimulatedSignals signals, HostRig rig) {
            assertThat(rig).isSameAs(RIG);
            signals.override(Map.of(HostSignal.INTERNET, false));
            SEEN.add(RIG.holds(SystemConditionType.INTERNET_AVAILABLE));
        }

        @Test
        @Order(2)
        @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
        void theOverrideWasUndoneAfterTheTest() {
            SEEN.add(RIG.holds(SystemConditionType.INTERNET_AVAILABLE));
        }
    }

    @Test
    void aTestFlipsConditionsThroughTheRigAndTheyAreRestoredAfterIt() {
        FlipsSignals.SEEN.clear();
        run(FlipsSignals.class).testEvents().assertStatistics(stats -> stats.succeeded(2).skipped(0));
        assertThat(FlipsSignals.SEEN).containsExactly(false, true);
        assertThat(FlipsSignals.RIG.signals().overrides().known()).isEmpty();
    }

    @ExtendWith(HostRig.class)
    static class RealHostOverridden {
        @BeforeAll
        static void offlineForTheWholeClass(SimulatedSignals signals) {
            signals.override(Map.of(HostSignal.INTERNET, false));
        }

        @Test
        @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
        void needsInternet() {
        }

        @Test
        @RequiresCondition(SystemConditionType.INTERNET_NOT_AVAILABLE)
        void needsNoInternet() {
        }
    }

    @Test
    void onTheRealHostTheConditionsSeeOverridesMadeThroughARig() {
        // Whatever this machine's network is, the class-wide override decides: one shared layer over the host.
        Events tests = run(RealHostOverridden.class).testEvents();
        tests.assertStatistics(stats -> stats.skipped(1).succeeded(1));
        assertThat(skipReasons(tests)).containsExactly("INTERNET_AVAILABLE needs INTERNET=true, is false");
    }

    static class Misused {
        @RegisterExtension
        final HostRig rig = HostRig.over(new TestHost());

        @Test
        @RequiresCondition(SystemConditionType.INTERNET_AVAILABLE)
        void instanceRig() {
        }
    }

    static class BadWait {
        @RegisterExtension
        static final HostRig RIG = HostRig.over(new TestHost());

        @Test
        @RequiresCondition(value = SystemConditionType.INTERNET_AVAILABLE, waitUpTo = "soon")
        void badWait() {
        }

        @Test
        @RequiresCondition(SystemConditionType.INVALID)
        void invalidCondition() {
        }
    }

    @Test
    void misuseFailsWithAClearMessage() {
        assertThat(failures(run(Misused.class).testEvents())).singleElement()
                .satisfies(e -> assertThat(e).hasStackTraceContaining("make HostRig field rig of")
                        .hasStackTraceContaining("static"));
        assertThat(failures(run(BadWait.class).testEvents())).hasSize(2).anySatisfy(e -> assertThat(e)
                .hasStackTraceContaining("waitUpTo = \"soon\" is not a duration"))
                .anySatisfy(e -> assertThat(e).hasStackTraceContaining("INVALID is not a condition"));
    }

    @Test
    void waitDurationsParse() {
        assertThat(RequiresConditionExtension.parseWait("")).isZero();
        assertThat(RequiresConditionExtension.parseWait("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RequiresConditionExtension.parseWait("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(RequiresConditionExtension.parseWait("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(RequiresConditionExtension.parseWait("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(RequiresConditionExtension.parseWait("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> RequiresConditionExtension.parseWait("-PT1S")).hasMessageContaining("500ms, 30s");
        assertThatThrownBy(() -> RequiresConditionExtension.parseWait("3 days")).hasMessageContaining("ISO-8601");
    }

    @Test
    void awaitListensBeforeItLooksSoAChangeInBetweenIsNotMissed() {
        // A host that changes exactly between the subscription and the first look: the listener catches it.
        TestHost host = new TestHost().with(HostSignal.INTERNET, false);
        SimulatedSignals signals = new SimulatedSignals(host);
        host.flipOnNextRead(HostSignal.INTERNET, true);
        SignalSnapshot met = RequiresConditionExtension.awaitAll(signals,
                EnumSet.of(SystemConditionType.INTERNET_AVAILABLE), Duration.ofHours(1));
        assertThat(met.is(HostSignal.INTERNET, true)).isTrue();
    }

    @Test
    void awaitWithoutWaitLooksOnceAndUnsubscribes() {
        TestHost host = new TestHost().with(HostSignal.INTERNET, false);
        SignalSnapshot now = RequiresConditionExtension.awaitAll(host,
                EnumSet.of(SystemConditionType.INTERNET_AVAILABLE), Duration.ZERO);
        assertThat(now.is(HostSignal.INTERNET, false)).isTrue();
        assertThat(host.subscriptions()).isEqualTo(1);
        assertThat(host.listenerCount()).isZero();
    }
}
