package dev.bgtasks.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** An auto-started broker gets the clean base, not the environment of the app that happened to start it. */
class BrokerStarterEnvironmentTest {
    @Test
    void theAppsSecretsTokenAndJvmOptionsStayWithTheApp() { // SPEC S5
        Map<String, String> app = Map.of("HOME", "/home/ann", "PATH", "/usr/bin:/bin", "FOO_SECRET", "hunter2",
                "JAVA_TOOL_OPTIONS", "-javaagent:x.jar", "BGTASKS_RUN_TOKEN", "a-task-token",
                "BGTASKS_HOME", "/tmp/bgt", "https_proxy", "http://proxy:3128");
        Map<String, String> broker = BrokerStarter.brokerEnvironment(app);
        assertThat(broker).doesNotContainKeys("FOO_SECRET", "JAVA_TOOL_OPTIONS", "BGTASKS_RUN_TOKEN", "https_proxy")
                .containsEntry("BGTASKS_HOME", "/tmp/bgt");
        assertThat(BrokerStarter.brokerEnvironment(Map.of("FOO_SECRET", "x", "HOME", "/home/ann",
                "PATH", "/usr/bin:/bin", "BGTASKS_HOME", "/tmp/bgt", "https_proxy", "http://proxy:3128",
                "JAVA_TOOL_OPTIONS", "-Dy", "BGTASKS_RUN_TOKEN", "another"))).isEqualTo(broker);
    }
}
