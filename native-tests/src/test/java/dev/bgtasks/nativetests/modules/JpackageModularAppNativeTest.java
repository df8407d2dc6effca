package dev.bgtasks.nativetests.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bgtasks.daemon.BrokerLocation;
import dev.bgtasks.nativetests.TempHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue 13: a modular app shipped as a jpackage app image ({@code jpackage --module app/app.Main}) runs the seed
 * scenario. jpackage links the app's modules into the image's runtime and, by default, drops {@code bin/java}; the
 * broker and the Java task start from copies of the app's launcher whose cfg names bgtasks' main module
 * ({@code app.mainmodule}). The one option beyond jpackage's defaults is the one jlink needs too:
 * {@code --add-modules} with the backend and the SLF4J provider, which no module {@code requires}.
 */
@EnabledOnOs(OS.LINUX)
class JpackageModularAppNativeTest {
    @Test
    void aJpackageImageOfAModularAppRunsTheSeedScenario() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        // jpackage links the runtime from jmods/ (JDK 17) or from the JDK's own linkable image (JDK 24+, JEP 493).
        requireOrSkip(Files.isExecutable(jdk.resolve("bin/jpackage")),
                "this JDK has no jpackage (" + jdk + "; Debian 12: openjdk-17-jdk-headless)");
        Path home = TempHome.create();
        try {
            Path work = home.resolve("work");
            ModularApp app = ModularApp.compile(work);
            Path dest = home.resolve("image");
            ModularApp.run(List.of(jdk.resolve("bin/jpackage").toString(), "--type", "app-image",
                    "--module-path", app.modulePathString(), "--module", ModularApp.MAIN,
                    "--add-modules", String.join(",", ModularApp.RUNTIME_MODULES),
                    "--name", "ModApp", "--dest", dest.toString()), home, work);
            Path image = dest.resolve("ModApp");
            assertThat(image.resolve("lib/runtime/bin/java")).as("jpackage's default runtime has no bin/java")
                    .doesNotExist();

            Path touched = work.resolve("touched-by-command");
            String out = ModularApp.run(List.of(image.resolve("bin/ModApp").toString(), touched.toString()), home,
                    work);
            ModularApp.assertSeedScenario(out, home, work, touched);
            BrokerLocation location = BrokerLocation.underHome(home);
            assertThat(Files.readString(location.logFile()))
                    .contains("Java tasks start with copies of " + image.resolve("bin/ModApp"));
            Optional<String> brokerCommand = brokerOf(location).flatMap(p -> p.info().command());
            brokerCommand.ifPresent(c -> assertThat(c).as("a launcher copy, never the app's launcher")
                    .startsWith(location.stateDirectory().toString()));
        } finally {
            brokerOf(BrokerLocation.underHome(home)).ifPresent(broker -> {
                broker.descendants().forEach(ProcessHandle::destroyForcibly);
                broker.destroy();
                broker.onExit().join();
            });
            ModularApp.stopBrokers(home);
        }
    }

    /** The broker's process, from its pid file: a launcher copy's command line does not name BrokerDaemon. */
    private static Optional<ProcessHandle> brokerOf(BrokerLocation location) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(location.pidFile()).trim()));
        } catch (java.io.IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void requireOrSkip(boolean condition, String why) {
        if (!condition && "1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
            fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 forbids skipping");
        }
        assumeTrue(condition, why);
    }
}
