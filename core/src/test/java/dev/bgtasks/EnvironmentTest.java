package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.TaskEnvironment;
import dev.bgtasks.testing.BrokerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A task's environment and working directory: a documented base, the registration's own, never the broker's. */
class EnvironmentTest {
    private static final String APP = "com.example.notes";
    private static final String OTHER = "com.example.other";
    private static final boolean WINDOWS = TaskEnvironment.Os.current() == TaskEnvironment.Os.WINDOWS;
    @TempDir
    Path dir;
    private Path userHome;
    private BrokerHarness h;

    /** The broker's own environment as the app that started it left it: the user's, and that app's secrets. */
    private Map<String, String> brokerEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", userHome.toString());
        env.put("USER", "ann");
        env.put("LOGNAME", "ann");
        env.put("PATH", "/usr/bin:/bin");
        env.put("LANG", "de_DE.UTF-8");
        env.put("DISPLAY", ":0");
        env.put("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus");
        env.put("XDG_RUNTIME_DIR", "/run/user/1000");
        env.put("FOO_SECRET", "hunter2");
        env.put("JAVA_TOOL_OPTIONS", "-Dsecret=1");
        env.put("BGTASKS_POLICY", "/tmp/policy.json");
        return env;
    }

    @BeforeEach
    void start() throws Exception {
        userHome = Files.createDirectory(dir.resolve("ann"));
        h = new BrokerHarness(dir, b -> b.environment(brokerEnvironment()));
        h.broker().requestAccess(APP);
        h.broker().requestAccess(OTHER);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private LaunchSpec run(BackgroundTasks bg, BackgroundTaskBuilder builder) {
        builder.name("env").command(List.of("/usr/bin/env")).setTrigger(bg.applicationTrigger()).register();
        assertThat(bg.applicationTrigger().requestAsync().join()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        return h.platform.lastProcess().spec();
    }

    @Test
    void aTaskGetsTheBaseAndBgtasksOwnVariablesAndNothingElseOfTheBrokers() { // SPEC S5
        try (BackgroundTasks bg = h.app(APP)) {
            LaunchSpec spec = run(bg, bg.newTask());
            Map<String, String> env = spec.environment();
            assertThat(env).doesNotContainKeys("FOO_SECRET", "JAVA_TOOL_OPTIONS", "BGTASKS_POLICY", "DISPLAY",
                    "DBUS_SESSION_BUS_ADDRESS");
            assertThat(env).containsKeys("BGTASKS_RUN_TOKEN", "BGTASKS_INSTANCE_ID", "BGTASKS_TASK_ID");
            assertThat(env.get("BGTASKS_RUN_TOKEN")).isEqualTo(spec.runToken());
            if (!WINDOWS) {
                assertThat(env).containsEntry("HOME", userHome.toString()).containsEntry("USER", "ann")
                        .containsEntry("LOGNAME", "ann").containsEntry("PATH", "/usr/bin:/bin")
                        .containsEntry("LANG", "de_DE.UTF-8")
                        .containsEntry("PWD", spec.workingDirectory().toString());
            }
        }
    }

    @Test
    void aSessionConditionOrTheRegistrationBringsTheSessionsDisplayAndBus() { // SPEC S5
        try (BackgroundTasks bg = h.app(APP)) {
            Map<String, String> present = run(bg, bg.newTask().addCondition(
                    new SystemCondition(SystemConditionType.USER_PRESENT))).environment();
            h.platform.lastProcess().exit(0);
            bg.allTasks().values().forEach(r -> r.unregister(false));
            Map<String, String> asked = run(bg, bg.newTask().sessionEnvironment(true)).environment();
            if (!WINDOWS) {
                for (Map<String, String> env : List.of(present, asked)) {
                    assertThat(env).containsEntry("DISPLAY", ":0")
                            .containsEntry("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
                            .containsEntry("XDG_RUNTIME_DIR", "/run/user/1000").doesNotContainKey("FOO_SECRET");
                }
            }
        }
    }

    @Test
    void theLoginDefaultsGiveThePathAndTheLocale() throws Exception { // SPEC S5
        h.close();
        h = new BrokerHarness(dir, b -> b.environment(brokerEnvironment())
                .loginEnvironment(Map.of("PATH", "/usr/local/bin:/usr/bin", "LANG", "C.UTF-8", "EDITOR", "vi")));
        try (BackgroundTasks bg = h.app(APP)) {
            Map<String, String> env = run(bg, bg.newTask()).environment();
            if (!WINDOWS) {
                assertThat(env).containsEntry("PATH", "/usr/local/bin:/usr/bin").containsEntry("LANG", "C.UTF-8")
                        .doesNotContainKey("EDITOR");
            }
        }
    }

    @Test
    void aRegistrationsOwnVariablesReachOnlyItsTask() { // SPEC S5
        Map<String, String> own = new LinkedHashMap<>();
        own.put("NOTES_PROFILE", "work");
        own.put("LANG", "C");
        try (BackgroundTasks bg = h.app(APP); BackgroundTasks other = h.app(OTHER)) {
            Map<String, String> mine = run(bg, bg.newTask().environment(own)).environment();
            Map<String, String> theirs = run(other, other.newTask()).environment();

            assertThat(mine).containsEntry("NOTES_PROFILE", "work").containsEntry("LANG", "C");
            assertThat(theirs).doesNotContainKey("NOTES_PROFILE");
            assertThat(bg.allTasks().values()).singleElement().satisfies(reg ->
                    assertThat(h.broker().registrations(APP).get(0).definition().environment()).isEqualTo(own));
        }
    }

    @Test
    void aRegistrationsVariablesSurviveABrokerRestart() { // SPEC S5, R5
        try (BackgroundTasks bg = h.app(APP)) {
            bg.newTask().name("env").command(List.of("/usr/bin/env")).setTrigger(bg.applicationTrigger())
                    .environment(Map.of("NOTES_PROFILE", "work")).sessionEnvironment(true).register();
        }
        h.restart();
        TaskDefinition stored = h.broker().registrations(APP).get(0).definition();
        assertThat(stored.environment()).isEqualTo(Map.of("NOTES_PROFILE", "work"));
        assertThat(stored.sessionEnvironment()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"BGTASKS_RUN_TOKEN", "BGTASKS_SOCKET", "BGTASKS_ANYTHING", "LD_PRELOAD",
            "LD_LIBRARY_PATH", "LD_AUDIT", "DYLD_INSERT_LIBRARIES", "", "A=B", "NUL\0NAME"})
    void aRefusedNameIsAClearErrorAndNothingIsStored(String name) { // SPEC S5, R1
        try (BackgroundTasks bg = h.app(APP)) {
            BackgroundTaskBuilder builder = bg.newTask().name("env").command(List.of("/usr/bin/env"))
                    .setTrigger(bg.applicationTrigger()).environment(Map.of(name, "x"));
            assertThatThrownBy(builder::register).isInstanceOfSatisfying(InvalidRegistrationException.class, e -> {
                assertThat(e.field()).isEqualTo("environment");
                assertThat(e.getMessage()).startsWith("environment: ");
            });
            assertThat(bg.allTasks()).isEmpty();
        }
    }

    @Test
    void refusalsNameTheRule() { // SPEC S5
        try (BackgroundTasks bg = h.app(APP)) {
            assertThatThrownBy(() -> bg.newTask().name("env").command(List.of("/usr/bin/env"))
                    .setTrigger(bg.applicationTrigger()).environment(Map.of("LD_PRELOAD", "/tmp/x.so")).register())
                    .hasMessageContaining("LD_PRELOAD").hasMessageContaining("dynamic loader");
            assertThatThrownBy(() -> bg.newTask().name("env").command(List.of("/usr/bin/env"))
                    .setTrigger(bg.applicationTrigger()).environment(Map.of("BGTASKS_HOME", "/tmp")).register())
                    .hasMessageContaining("BGTASKS_HOME").hasMessageContaining("reserved");
            assertThatThrownBy(() -> bg.newTask().name("env").command(List.of("/usr/bin/env"))
                    .setTrigger(bg.applicationTrigger()).environment(Map.of("A", "x\0y")).register())
                    .hasMessage("environment: the value of A contains a NUL character");
        }
    }

    @Test
    void theEnvironmentIsBoundedInCountAndSize() { // SPEC S5
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 257; i++) {
            many.put("V" + i, "x");
        }
        Map<String, String> large = Map.of("BIG", "x".repeat(32 * 1024));
        Map<String, String> justFits = Map.of("BIG", "x".repeat(32 * 1024 - "BIG".length() - 2));
        try (BackgroundTasks bg = h.app(APP)) {
            assertThatThrownBy(() -> register(bg, many)).isInstanceOf(InvalidRegistrationException.class)
                    .hasMessage("environment: at most 256 variables, got 257");
            assertThatThrownBy(() -> register(bg, large)).isInstanceOf(InvalidRegistrationException.class)
                    .hasMessageContaining("at most 32768 bytes");
            assertThat(bg.allTasks()).isEmpty();
            register(bg, justFits);
            assertThat(bg.allTasks()).hasSize(1);
        }
    }

    private void register(BackgroundTasks bg, Map<String, String> env) {
        bg.newTask().name("env").command(List.of("/usr/bin/env")).setTrigger(bg.applicationTrigger())
                .environment(env).register();
    }

    @Test
    void theWorkingDirectoryIsTheRegistrationsElseTheUsersHomeNeverTheBrokers() throws Exception { // SPEC S5
        Path work = Files.createDirectory(dir.resolve("work"));
        try (BackgroundTasks bg = h.app(APP)) {
            assertThat(run(bg, bg.newTask().workingDirectory(work)).workingDirectory()).isEqualTo(work);
        }
        // A definition without a directory, as a client may send one.
        h.broker().register(OTHER, new TaskDefinition("env", "", new TaskTarget.Command(List.of("/usr/bin/env")),
                Set.of(), false, ResourceLimits.defaults(), false, null, null));
        try (BackgroundTasks other = h.app(OTHER)) {
            other.applicationTrigger().requestAsync().join();
            Path workDir = h.platform.lastProcess().spec().workingDirectory();
            assertThat(workDir).isNotEqualTo(h.broker().config().home())
                    .isNotEqualTo(Path.of(System.getProperty("user.dir")));
            if (!WINDOWS) {
                assertThat(workDir).isEqualTo(userHome);
            }
        }
    }
}
