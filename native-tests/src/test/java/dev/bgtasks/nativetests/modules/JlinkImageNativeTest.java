package dev.bgtasks.nativetests.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bgtasks.nativetests.TempHome;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A jlink image of a modular app with bgtasks ({@code jlink --add-modules app,dev.bgtasks.linux,org.slf4j.simple})
 * runs the seed scenario: jlink accepts only named modules, so this proves every jar on the way is one. The broker
 * and the task JVM run from the image's own {@code bin/java}, with no module path: their modules are in the image.
 */
class JlinkImageNativeTest {
    @Test
    void aJlinkImageOfAModularAppRunsTheSeedScenario() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        Path jmods = jdk.resolve("jmods");
        requireOrSkip(Files.isDirectory(jmods) && Files.isExecutable(jdk.resolve("bin/jlink")),
                "this JDK has no jmods/ or jlink (" + jdk + "; Debian 12: openjdk-17-jdk-headless)");
        Path home = TempHome.create();
        try {
            Path work = home.resolve("work");
            ModularApp app = ModularApp.compile(work);
            Path image = home.resolve("image");
            String modules = ModularApp.MODULE + "," + String.join(",", ModularApp.RUNTIME_MODULES);
            ModularApp.run(List.of(jdk.resolve("bin/jlink").toString(),
                    "--module-path", app.modulePathString() + File.pathSeparator + jmods,
                    "--add-modules", modules, "--no-header-files", "--no-man-pages", "--output", image.toString()),
                    home, work);
            String listed = ModularApp.run(List.of(image.resolve("bin/java").toString(), "--list-modules"), home,
                    work);
            assertThat(listed).contains("app", "dev.bgtasks.core@", "dev.bgtasks.linux@", "com.sun.jna@");

            Path touched = work.resolve("touched-by-command");
            String out = ModularApp.run(List.of(image.resolve("bin/java").toString(), "-m", ModularApp.MAIN,
                    touched.toString()), home, work);
            ModularApp.assertSeedScenario(out, home, work, touched);
            List<String> brokers = ModularApp.brokerCommandLines(home);
            assertThat(brokers).hasSize(1);
            assertThat(brokers.get(0)).startsWith(image.resolve("bin/java").toString())
                    .contains(" -m dev.bgtasks.core/dev.bgtasks.daemon.BrokerDaemon ").doesNotContain(" -p ");
        } finally {
            ModularApp.stopBrokers(home);
        }
    }

    private static void requireOrSkip(boolean condition, String why) {
        if (!condition && "1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
            fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 forbids skipping");
        }
        assumeTrue(condition, why);
    }
}
