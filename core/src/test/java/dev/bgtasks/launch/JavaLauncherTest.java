package dev.bgtasks.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JavaLauncherTest {
    private static final long MIB = 1L << 20;
    /** A java that exists: the runtime checks that the one it is given can run. */
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @Test
    void theHeapStaysBelowTheMemoryLimit() { // SPEC X10
        assertThat(JavaLauncher.heapFor(64 * MIB)).isEqualTo(32 * MIB);
        assertThat(JavaLauncher.heapFor(256 * MIB)).isEqualTo(160 * MIB);
        assertThat(JavaLauncher.heapFor(1024 * MIB)).isEqualTo(928 * MIB);
        for (long limit = 4 * MIB; limit < 8192 * MIB; limit += 37 * MIB) {
            assertThat(JavaLauncher.heapFor(limit)).isLessThan(limit).isPositive();
        }
    }

    @Test
    void aModuleTaskRunsTheTaskHostAsCoreWithTheAppModuleAdded() {
        JavaLauncher launcher = JavaLauncher.create(JvmRuntime.ofJava(JAVA), null);
        assertThat(launcher.moduleCommand(List.of("/opt/app/mods/app.jar", "/opt/app/mods/core.jar"), "com.example.app",
                "com.example.tasks.Export", OptionalLong.of(256 * MIB)).argv()).containsExactly(JAVA.toString(),
                "-Xmx160m", JvmRuntime.MODULE_NATIVE_ACCESS, "-p", "/opt/app/mods/app.jar" + java.io.File.pathSeparator + "/opt/app/mods/core.jar",
                "--add-modules", "com.example.app", "-m", "dev.bgtasks.core/dev.bgtasks.host.TaskHost",
                "com.example.tasks.Export");
        // A jlink image has the modules inside: no module path at all.
        assertThat(launcher.moduleCommand(List.of(), "com.example.app", "com.example.tasks.Export",
                OptionalLong.empty()).argv()).containsExactly(JAVA.toString(), JvmRuntime.MODULE_NATIVE_ACCESS,
                "--add-modules", "com.example.app", "-m",
                "dev.bgtasks.core/dev.bgtasks.host.TaskHost", "com.example.tasks.Export");
    }
}
