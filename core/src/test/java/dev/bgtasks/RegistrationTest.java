package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.broker.Broker;
import dev.bgtasks.broker.BrokerConfig;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.SampleTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegistrationTest {
    private static final String APP = "com.example.notes";
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;

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

    private BackgroundTaskBuilder validJavaTask() {
        return bg.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .setTrigger(bg.applicationTrigger());
    }

    @Test
    void aValidJavaTaskRegisters() { // SPEC R1, R4
        BackgroundTaskRegistration reg = validJavaTask().register();
        assertThat(bg.allTasks()).containsOnlyKeys(reg.taskId());
        assertThat(reg.name()).isEqualTo("export");
        assertThat(reg.trigger()).isEqualTo(bg.applicationTrigger());
    }

    @Test
    void aJavaTaskIsRefusedAtOnceWhereNoJvmCanBeStarted() { // SPEC R1: never a task that dies at trigger time
        BrokerConfig config = h.config();
        try (Broker noJava = Broker.start(BrokerConfig.builder().home(dir.resolve("no-java")).platform(h.platform)
                .clock(h.clock).policyFile(h.policyFile).environment(config.environment())
                .javaExecutable(dir.resolve("missing/bin/java")).build());
             BackgroundTasks app = BackgroundTasks.inProcess(noJava, APP, Runnable::run, Map.of())) {
            app.executionManager().requestAccess().join();
            assertThatThrownBy(() -> app.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                    .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                    .setTrigger(app.applicationTrigger()).register())
                    .isInstanceOf(InvalidRegistrationException.class)
                    .hasMessageContaining("taskEntryPoint").hasMessageContaining("no way to start a JVM")
                    .hasMessageContaining("missing/bin/java");
            assertThat(app.allTasks()).isEmpty();
        }
    }

    /** The bad-input table: each row is one clear exception naming the field, and nothing is stored. */
    static Stream<Arguments> badRegistrations() {
        return Stream.of(
                bad("no trigger", b -> b.setTrigger((ApplicationTrigger) null), "trigger"),
                bad("no entry point and no command", b -> b.taskEntryPoint(null), "taskEntryPoint"),
                bad("entry point and command", b -> b.command(List.of("/bin/true")), "taskEntryPoint"),
                bad("class not on the classpath", b -> b.taskEntryPoint("tasks.DoesNotExist"), "taskEntryPoint"),
                bad("not a BackgroundTask", b -> b.taskEntryPoint(SampleTasks.NotATask.class.getName()),
                        "taskEntryPoint"),
                bad("abstract task", b -> b.taskEntryPoint(SampleTasks.AbstractTask.class.getName()),
                        "taskEntryPoint"),
                bad("no public no-arg constructor",
                        b -> b.taskEntryPoint(SampleTasks.NoDefaultConstructor.class.getName()), "taskEntryPoint"),
                bad("not a class name", b -> b.taskEntryPoint("rm -rf /"), "taskEntryPoint"),
                bad("classpath without bgtasks-core",
                        b -> b.classpath(List.of(Path.of(BrokerHarness.testClasspath().get(1)))), "classpath"),
                bad("missing classpath entry", b -> b.classpath(List.of(Path.of("/nonexistent/app.jar"))),
                        "classpath"),
                bad("program not found", b -> b.taskEntryPoint(null).command(List.of("no-such-program-xyz")),
                        "command"),
                bad("program path not executable",
                        b -> b.taskEntryPoint(null).command(List.of(aPlainFile())), "command"),
                bad("empty command", b -> b.taskEntryPoint(null).command(List.of()), "command"),
                bad("empty name", b -> b.name(""), "name"),
                bad("blank name", b -> b.name("   "), "name"),
                bad("10 KB name", b -> b.name("x".repeat(10 * 1024)), "name"),
                bad("control characters in name", b -> b.name("a\nb"), "name"),
                bad("INVALID condition", b -> b.addCondition(new SystemCondition(SystemConditionType.INVALID)),
                        "conditions"),
                bad("USER_PRESENT and USER_NOT_PRESENT",
                        b -> b.addCondition(new SystemCondition(SystemConditionType.USER_PRESENT))
                                .addCondition(new SystemCondition(SystemConditionType.USER_NOT_PRESENT)),
                        "conditions"),
                bad("FREE_NETWORK_AVAILABLE and INTERNET_NOT_AVAILABLE",
                        b -> b.addCondition(new SystemCondition(SystemConditionType.FREE_NETWORK_AVAILABLE))
                                .addCondition(new SystemCondition(SystemConditionType.INTERNET_NOT_AVAILABLE)),
                        "conditions"),
                bad("zero grace", b -> b.cancellationGrace(Duration.ZERO), "cancellationGrace"),
                bad("working directory missing", b -> b.workingDirectory(Path.of("/nonexistent/dir")),
                        "workingDirectory"));
    }

    /** A file that exists but is not executable: this test's own class file. */
    private static String aPlainFile() {
        return Path.of(BrokerHarness.testClasspath().get(1), "dev", "bgtasks", "RegistrationTest.class").toString();
    }

    private static Arguments bad(String label, UnaryOperator<BackgroundTaskBuilder> mutation, String field) {
        return Arguments.of(label, mutation, field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRegistrations")
    void badRegistrationThrowsNamingTheFieldAndStoresNothing(String label,
            UnaryOperator<BackgroundTaskBuilder> mutation, String field) { // SPEC R1, R7
        BackgroundTaskBuilder builder = mutation.apply(validJavaTask());
        assertThatThrownBy(builder::register)
                .isInstanceOf(InvalidRegistrationException.class)
                .satisfies(e -> assertThat(((InvalidRegistrationException) e).field()).isEqualTo(field))
                .hasMessageStartingWith(field + ": ");
        assertThat(bg.allTasks()).isEmpty();
    }

    @Test
    void negativeAndZeroLimitsAreRejectedWhereTheyAreSet() { // bad-input table: negative limits
        assertThatThrownBy(() -> ResourceLimits.builder().memoryBytes(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memoryBytes");
        assertThatThrownBy(() -> ResourceLimits.builder().maxProcesses(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxProcesses");
        assertThatThrownBy(() -> ResourceLimits.builder().wallClock(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wallClock");
        assertThatThrownBy(() -> ResourceLimits.builder().maxProcesses(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registerWhileDeniedThrowsIllegalStateAndStoresNothing() { // SPEC R2
        try (BackgroundTasks fresh = h.app("com.example.fresh")) {
            assertThatThrownBy(() -> fresh.newTask().name("t").command(List.of("/bin/true"))
                    .setTrigger(fresh.applicationTrigger()).register())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("UNSPECIFIED");
            assertThat(fresh.allTasks()).isEmpty();
        }
        h.broker().setUserAccess(APP, UserAccessSetting.DENY);
        assertThatThrownBy(() -> validJavaTask().register())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("DENIED_BY_USER");
        assertThat(bg.allTasks()).isEmpty();
    }

    @Test
    void oneRegistrationPerTriggerUntilUnregistered() { // SPEC R3
        BackgroundTaskRegistration first = validJavaTask().register();
        assertThatThrownBy(() -> validJavaTask().name("second").register())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(first.taskId().toString());
        // A new trigger object for the same slot is the same slot.
        assertThatThrownBy(() -> validJavaTask().setTrigger(bg.applicationTrigger("")).register())
                .isInstanceOf(IllegalStateException.class);
        assertThat(bg.allTasks()).hasSize(1);

        first.unregister(false);
        ApplicationTrigger sameObject = first.trigger();
        BackgroundTaskRegistration again = validJavaTask().setTrigger(sameObject).register();
        assertThat(again.taskId()).isNotEqualTo(first.taskId());
    }

    @Test
    void namedTriggersAreSeparateSlots() { // SPEC R3
        validJavaTask().register();
        BackgroundTaskRegistration export = validJavaTask().setTrigger(bg.applicationTrigger("export")).register();
        assertThat(bg.allTasks()).hasSize(2);
        assertThat(export.trigger().name()).isEqualTo("export");
    }

    @Test
    void aTriggerOfAnotherAppIsRefused() { // SPEC R3
        try (BackgroundTasks other = h.app("com.example.other")) {
            assertThatThrownBy(() -> validJavaTask().setTrigger(other.applicationTrigger()).register())
                    .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("com.example.other");
        }
    }

    @Test
    void duplicateNamesAreIndependentRegistrationsWithFreshIds() { // SPEC R4
        BackgroundTaskRegistration a = validJavaTask().name("same").register();
        BackgroundTaskRegistration b = validJavaTask().name("same").setTrigger(bg.applicationTrigger("b"))
                .register();
        assertThat(a.taskId()).isNotEqualTo(b.taskId());
        Map<UUID, BackgroundTaskRegistration> all = bg.allTasks();
        assertThat(all).containsOnlyKeys(a.taskId(), b.taskId());
        assertThat(all.values()).extracting(BackgroundTaskRegistration::name).containsExactly("same", "same");
    }

    @Test
    void registrationsSurviveABrokerRestartWithTheSameIds() { // SPEC R5
        BackgroundTaskRegistration reg = validJavaTask()
                .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE))
                .cancelOnConditionLoss(true)
                .limits(ResourceLimits.builder().memoryBytes(256L << 20).maxProcesses(64)
                        .wallClock(Duration.ofMinutes(3)).build())
                .register();
        h.restart();
        try (BackgroundTasks again = h.app(APP)) {
            BackgroundTaskRegistration restored = again.allTasks().get(reg.taskId());
            assertThat(restored).isNotNull();
            assertThat(restored.info().definition()).isEqualTo(reg.info().definition());
            assertThat(restored.registeredAt()).isEqualTo(reg.registeredAt());
        }
    }

    @Test
    void ensureRegisteredIsIdempotent() { // SPEC R6
        BackgroundTaskRegistration first = bg.ensureRegistered("export", validJavaTask());
        BackgroundTaskRegistration second = bg.ensureRegistered("export", validJavaTask());
        assertThat(second.taskId()).isEqualTo(first.taskId());
        assertThat(bg.allTasks()).hasSize(1);
    }

    @Test
    void unenforceableLimitFailsNamingLimitAndMechanismUnlessBestEffort() { // SPEC R9
        h.platform.sandbox().setCapabilities(new SandboxCapabilities(
                Enforcement.BEST_EFFORT, "watchdog over the process tree", Enforcement.NONE, "no process counter"));
        ResourceLimits memory = ResourceLimits.builder().memoryBytes(64L << 20).build();
        assertThatThrownBy(() -> validJavaTask().limits(memory).register())
                .isInstanceOf(InvalidRegistrationException.class)
                .hasMessageContaining("limits.memoryBytes").hasMessageContaining("watchdog over the process tree")
                .hasMessageContaining("bestEffortLimits()");
        assertThat(bg.allTasks()).isEmpty();

        assertThat(validJavaTask().limits(memory).bestEffortLimits().register()).isNotNull();

        ResourceLimits processes = ResourceLimits.builder().maxProcesses(8).build();
        assertThatThrownBy(() -> validJavaTask().setTrigger(bg.applicationTrigger("p")).limits(processes)
                .bestEffortLimits().register())
                .isInstanceOf(InvalidRegistrationException.class)
                .hasMessageContaining("limits.maxProcesses").hasMessageContaining("no process counter");
    }

    @Test
    void defaultLimitsNeedNoEnforcement() { // SPEC R9: only limits the registration asks for can fail it
        h.platform.sandbox().setCapabilities(new SandboxCapabilities(
                Enforcement.NONE, "none", Enforcement.NONE, "none"));
        assertThat(validJavaTask().register()).isNotNull();
    }

    @Test
    void unregisterRemovesTheRegistration() { // SPEC R8
        BackgroundTaskRegistration reg = validJavaTask().register();
        reg.unregister(true);
        assertThat(bg.allTasks()).isEmpty();
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.UNKNOWN_ERROR);
    }
}
