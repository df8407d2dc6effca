package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * SPEC S5 on real processes: apps with secrets of their own start the real broker (auto-start), their tasks print
 * their environment into their run logs, and nothing of the starting app's environment shows there.
 */
@DisabledOnOs(OS.WINDOWS) // /usr/bin/env; the Windows base is checked by TaskEnvironmentTest and the job sandbox's
class TaskEnvironmentNativeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Pattern TRIGGERED = Pattern.compile("TRIGGERED ALLOWED (\\S+)");
    /**
     * Per instance or per broker home: differ between any two runs by design. A Java task also gets
     * {@code BGTASKS_RESULT_FILE}, where its host leaves its result for a broker that is away (SPEC B5).
     */
    private static final List<String> PER_RUN = List.of("BGTASKS_RUN_TOKEN", "BGTASKS_RESULT_FILE",
            "BGTASKS_INSTANCE_ID", "BGTASKS_TASK_ID", "BGTASKS_SOCKET", "BGTASKS_HOME");
    private static final Map<String, String> APP_A_SECRETS = Map.of("FOO_SECRET", "hunter2",
            "https_proxy", "http://proxy.example:3128", "JAVA_TOOL_OPTIONS", "-Dbgtasks.leak=1");
    private static final Map<String, String> APP_B_SECRETS = Map.of("BAR_TOKEN", "s3cr3t-b");
    private final List<RealBroker> brokers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RealBroker broker : brokers) {
            broker.close();
        }
    }

    /** One app process: registers the env task of {@code kind} with its own variables, triggers it, exits. */
    private static UUID appRuns(Path home, String appId, Map<String, String> appEnvironment, String kind,
                                String... ownVariables) throws Exception {
        List<String> args = new ArrayList<>(List.of("register-env", appId, kind));
        args.addAll(List.of(ownVariables));
        String out = JavaProcess.output(JavaProcess.start(home, appEnvironment, AppMain.class,
                args.toArray(String[]::new)), 90);
        Matcher m = TRIGGERED.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return UUID.fromString(m.group(1));
    }

    /** The task's environment as it printed it, after it succeeded. */
    private static Map<String, String> environmentOf(RealBroker broker, String appId, UUID instanceId)
            throws Exception {
        InstanceInfo done = broker.awaitState(appId, instanceId, InstanceState.COMPLETED, DEADLINE);
        String log = broker.runLog(instanceId);
        assertThat(done.outcome()).as(log).isEqualTo(TaskOutcome.SUCCEEDED);
        Map<String, String> env = new TreeMap<>();
        for (String line : log.lines().toList()) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static Map<String, String> withoutPerRun(Map<String, String> env) {
        Map<String, String> rest = new TreeMap<>(env);
        PER_RUN.forEach(rest::remove);
        return rest;
    }

    /** Two apps with secrets of their own; {@code starter}'s process starts the broker. */
    private Map<String, Map<String, String>> twoApps(String kind, boolean aStarts) throws Exception {
        Path home = TempHome.create();
        Map<String, Map<String, String>> seen = new TreeMap<>();
        UUID first;
        UUID second;
        if (aStarts) {
            first = appRuns(home, "com.example.a", APP_A_SECRETS, kind, "APP_A_ONLY=alpha");
            second = appRuns(home, "com.example.b", APP_B_SECRETS, kind);
        } else {
            second = appRuns(home, "com.example.b", APP_B_SECRETS, kind);
            first = appRuns(home, "com.example.a", APP_A_SECRETS, kind, "APP_A_ONLY=alpha");
        }
        RealBroker broker = new RealBroker(home);
        brokers.add(broker);
        seen.put("a", environmentOf(broker, "com.example.a", first));
        seen.put("b", environmentOf(broker, "com.example.b", second));
        return seen;
    }

    @Test
    void neitherAppsTaskSeesTheStartingAppsVariablesAndOnlyItsOwnRegistrationsVariable() throws Exception {
        // SPEC S5
        Map<String, Map<String, String>> seen = twoApps("command", true);
        for (Map<String, String> env : seen.values()) {
            assertThat(env).doesNotContainKeys("FOO_SECRET", "https_proxy", "JAVA_TOOL_OPTIONS", "BAR_TOKEN",
                    "BGTASKS_POLICY", "MAVEN_OPTS", "JAVA_HOME");
            assertThat(env.values()).doesNotContain("hunter2", "s3cr3t-b");
            assertThat(env).containsKeys("HOME", "USER", "LOGNAME", "PATH", "PWD", "BGTASKS_RUN_TOKEN",
                    "BGTASKS_INSTANCE_ID", "BGTASKS_TASK_ID", "BGTASKS_SOCKET");
            // Only the base's names, bgtasks' own, and the registration's.
            assertThat(env.keySet()).allSatisfy(name -> assertThat(name).matches("HOME|USER|LOGNAME|SHELL|TMPDIR"
                    + "|PATH|PWD|LANG|LANGUAGE|LC_[A-Z_]+|XDG_[A-Z_]+_(HOME|DIRS)|BGTASKS_[A-Z_]+|APP_A_ONLY"));
        }
        assertThat(seen.get("a")).containsEntry("APP_A_ONLY", "alpha");
        assertThat(seen.get("b")).doesNotContainKey("APP_A_ONLY");
        assertThat(seen.get("a").get("BGTASKS_RUN_TOKEN")).isNotEqualTo(seen.get("b").get("BGTASKS_RUN_TOKEN"));
    }

    @Test
    void aTasksEnvironmentIsTheSameWhicheverAppStartedTheBroker() throws Exception { // SPEC S5
        Map<String, Map<String, String>> startedByA = twoApps("command", true);
        Map<String, Map<String, String>> startedByB = twoApps("command", false);

        assertThat(withoutPerRun(startedByA.get("a"))).isEqualTo(withoutPerRun(startedByB.get("a")));
        assertThat(withoutPerRun(startedByA.get("b"))).isEqualTo(withoutPerRun(startedByB.get("b")));
        Map<String, String> bWithoutItsOwn = withoutPerRun(startedByA.get("a"));
        bWithoutItsOwn.remove("APP_A_ONLY");
        assertThat(withoutPerRun(startedByA.get("b"))).isEqualTo(bWithoutItsOwn);
    }

    @Test
    void aJavaTasksSystemGetenvHoldsTheSameBase() throws Exception { // SPEC S5
        Map<String, Map<String, String>> seen = twoApps("java", true);
        Map<String, String> java = seen.get("a");
        assertThat(java).doesNotContainKeys("FOO_SECRET", "https_proxy", "JAVA_TOOL_OPTIONS", "BAR_TOKEN")
                .containsEntry("APP_A_ONLY", "alpha").containsKeys("HOME", "PATH", "BGTASKS_RUN_TOKEN");
        assertThat(seen.get("b")).doesNotContainKey("APP_A_ONLY");
        Map<String, Map<String, String>> command = twoApps("command", true);
        assertThat(withoutPerRun(java)).isEqualTo(withoutPerRun(command.get("a")));
    }
}
