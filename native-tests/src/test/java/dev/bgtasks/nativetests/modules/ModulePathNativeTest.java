package dev.bgtasks.nativetests.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.nativetests.TempHome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bgtasks on the module path: a modular app ({@code module app { requires dev.bgtasks.core; }}) started with
 * {@code java -p ... -m app/app.Main} runs the seed scenario. The broker it starts runs as
 * {@code -m dev.bgtasks.core/...} on the app's module path, and the Java task's JVM loads the task from the app's
 * module ({@code --add-modules app -m dev.bgtasks.core/dev.bgtasks.host.TaskHost}). The class-path build is
 * CrossProcessTest's.
 */
class ModulePathNativeTest {
    @Test
    void aModularAppRunsTheSeedScenarioOnTheModulePath() throws Exception {
        Path home = TempHome.create();
        try {
            Path work = home.resolve("work");
            ModularApp app = ModularApp.compile(work);
            Path touched = work.resolve("touched-by-command");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String out = ModularApp.run(List.of(java, "-p", app.modulePathString(), "-m", ModularApp.MAIN,
                    touched.toString()), home, work);
            ModularApp.assertSeedScenario(out, home, work, touched);
            List<String> brokers = ModularApp.brokerCommandLines(home);
            assertThat(brokers).hasSize(1);
            assertThat(brokers.get(0)).contains(" -p ", " -m dev.bgtasks.core/dev.bgtasks.daemon.BrokerDaemon ")
                    .doesNotContain(" -cp ");
        } finally {
            ModularApp.stopBrokers(home);
        }
    }
}
