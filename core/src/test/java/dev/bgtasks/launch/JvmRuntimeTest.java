package dev.bgtasks.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which JVM bgtasks starts from which runtime, and the commands and cfg files it builds, on fake runtimes. The
 * native tests (PackagedAppTest) run real ones from jpackage images of JDK 17 and 25.
 */
class JvmRuntimeTest {
    private static final String MAIN = "dev.bgtasks.host.TaskHost";
    @TempDir
    Path dir;
    private Path jdk;
    private Path image;
    private Path cache;
    private final Map<String, String> properties = new HashMap<>();

    @BeforeEach
    void runtimes() throws IOException {
        jdk = Files.createDirectories(dir.resolve("jdk"));
        executable(jdk.resolve("bin").resolve("java"));
        image = Files.createDirectories(dir.resolve("image"));
        executable(image.resolve("bin").resolve("App"));
        Files.createDirectories(image.resolve("lib").resolve("runtime").resolve("lib"));
        Files.createDirectories(image.resolve("lib").resolve("app"));
        Files.writeString(image.resolve("lib").resolve("libapplauncher.so"), "library");
        cache = dir.resolve("cache");
        properties.put("os.name", "Linux");
    }

    private static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\necho launcher\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private JvmRuntime detect(Path explicit, Map<String, String> env) {
        UnaryOperator<String> props = properties::get;
        return JvmRuntime.detect(explicit, env, props, cache);
    }

    private JvmRuntime inImage() {
        properties.put("java.home", image.resolve("lib").resolve("runtime").toString());
        properties.put("jpackage.app-path", image.resolve("bin").resolve("App").toString());
        return detect(null, Map.of());
    }

    @Test
    void theRuntimesOwnJavaRunsTheMainClassWithNativeAccess() {
        properties.put("java.home", jdk.toString());
        JvmRuntime runtime = detect(null, Map.of());
        assertThat(runtime.unavailableReason()).isEmpty();
        assertThat(runtime.isAppImage()).isFalse();
        JavaCommand jvm = runtime.command(List.of("-Xmx64m"), List.of("/a.jar", "/b c.jar"), MAIN, List.of("x"));
        assertThat(jvm.argv()).containsExactly(jdk.resolve("bin/java").toString(), "-Xmx64m",
                JvmRuntime.NATIVE_ACCESS, "-cp", "/a.jar:/b c.jar", MAIN, "x");
        assertThat(jvm.environment()).isEmpty();
    }

    @Test
    void anExplicitJavaWinsOverBgtasksJavaWhichWinsOverTheRuntime() throws IOException {
        Path configured = executable(dir.resolve("configured/bin/java"));
        Path fromEnv = executable(dir.resolve("env/bin/java"));
        properties.put("java.home", jdk.toString());
        Map<String, String> env = Map.of(JvmRuntime.JAVA_VARIABLE, fromEnv.toString());
        assertThat(detect(configured, env).javaExecutable()).contains(configured);
        assertThat(detect(null, env).javaExecutable()).contains(fromEnv);
        assertThat(detect(null, Map.of()).javaExecutable()).contains(jdk.resolve("bin/java"));
    }

    @Test
    void aNamedJavaThatIsNotThereIsAnErrorNotAFallback() {
        properties.put("java.home", jdk.toString());
        JvmRuntime runtime = detect(null, Map.of(JvmRuntime.JAVA_VARIABLE, dir.resolve("nope/java").toString()));
        assertThat(runtime.unavailableReason()).get().asString().contains("BGTASKS_JAVA").contains("nope/java");
        assertThat(runtime.problemWith(List.of("/a.jar"))).isEqualTo(runtime.unavailableReason());
        assertThatThrownBy(() -> runtime.command(List.of(), List.of(), MAIN, List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no way to start a JVM");
    }

    @Test
    void aRuntimeWithoutJavaThatIsNoAppImageSaysSoAndNamesBgtasksJava() {
        properties.put("java.home", image.resolve("lib/runtime").toString());
        assertThat(detect(null, Map.of()).unavailableReason()).get().asString()
                .contains("has no bin/java").contains(JvmRuntime.JAVA_VARIABLE);
        properties.put("jpackage.app-path", dir.resolve("elsewhere/App").toString());
        assertThat(detect(null, Map.of()).unavailableReason()).get().asString()
                .contains("not the launcher of a jpackage app image");
    }

    @Test
    void inAnAppImageACopyOfItsLauncherWithItsOwnCfgRunsTheMainClass() throws IOException {
        JvmRuntime runtime = inImage();
        assertThat(runtime.unavailableReason()).isEmpty();
        assertThat(runtime.isAppImage()).isTrue();
        JavaCommand jvm = runtime.command(List.of("-Xmx64m", "-Dx=has space"), List.of("/app/a.jar", "/app/b.jar"),
                MAIN, List.of("tasks.Export"));

        Path launcher = Path.of(jvm.argv().get(0));
        assertThat(jvm.argv()).hasSize(2).endsWith("tasks.Export");
        assertThat(launcher.getParent().getFileName()).hasToString("bin");
        assertThat(launcher.getFileName().toString()).matches("h-[0-9a-f]{24}");
        assertThat(launcher).startsWith(cache);
        // A copy, never a symbolic link: a link resolves to the app's name and runs the app's main.
        assertThat(Files.isSymbolicLink(launcher)).isFalse();
        assertThat(Files.readString(launcher)).isEqualTo(Files.readString(image.resolve("bin/App")));
        assertThat(Files.isSameFile(launcher, launcher.resolveSibling(".launcher"))).isTrue();
        Path root = launcher.getParent().getParent();
        assertThat(Files.readSymbolicLink(root.resolve("lib/libapplauncher.so")))
                .isEqualTo(image.resolve("lib/libapplauncher.so"));
        assertThat(Files.readString(root.resolve("lib/app/" + launcher.getFileName() + ".cfg"))).isEqualTo(
                "[Application]\n"
                        + "app.runtime=" + image.resolve("lib/runtime") + "\n"
                        + "app.classpath=/app/a.jar\n"
                        + "app.classpath=/app/b.jar\n"
                        + "app.mainclass=" + MAIN + "\n"
                        + "\n[JavaOptions]\n"
                        + "java-options=-Xmx64m\n"
                        + "java-options=-Dx=has space\n"
                        + "java-options=" + JvmRuntime.NATIVE_ACCESS + "\n"
                        + "java-options=-D" + JvmRuntime.IMAGE_LAUNCHER_PROPERTY + "=" + image.resolve("bin/App")
                        + "\n");
        // The launcher's marker, inherited, would make the copy ignore its cfg.
        assertThat(jvm.environment()).containsEntry("_JPACKAGE_LAUNCHER", "");
    }

    /** Issue 13: a modular app's jpackage image links its modules into the runtime; the copy's cfg names the module. */
    @Test
    void inAnAppImageANamedModuleRunsFromALauncherCopyWhoseCfgNamesTheMainModule() throws IOException {
        JvmRuntime runtime = inImage();
        JavaCommand jvm = runtime.moduleCommand(List.of("-Xmx64m"), List.of(), List.of("app"), "dev.bgtasks.core",
                MAIN, List.of("tasks.Export"));
        Path launcher = Path.of(jvm.argv().get(0));
        assertThat(jvm.argv()).containsExactly(launcher.toString(), "tasks.Export");
        assertThat(launcher).startsWith(cache);
        assertThat(Files.readString(launcher.getParent().getParent().resolve("lib/app/" + launcher.getFileName()
                + ".cfg"))).isEqualTo(
                "[Application]\n"
                        + "app.runtime=" + image.resolve("lib/runtime") + "\n"
                        + "app.mainmodule=dev.bgtasks.core/" + MAIN + "\n"
                        + "\n[JavaOptions]\n"
                        + "java-options=-Xmx64m\n"
                        + "java-options=" + JvmRuntime.MODULE_NATIVE_ACCESS + "\n"
                        + "java-options=--add-modules\n"
                        + "java-options=app\n"
                        + "java-options=-D" + JvmRuntime.IMAGE_LAUNCHER_PROPERTY + "=" + image.resolve("bin/App")
                        + "\n");
        assertThat(jvm.environment()).containsEntry("_JPACKAGE_LAUNCHER", "");
        // With a module path (modules outside the runtime), the path is one more option pair.
        JavaCommand withPath = runtime.moduleCommand(List.of(), List.of("/mods/a", "/mods/b"), List.of(),
                "dev.bgtasks.core", MAIN, List.of());
        Path other = Path.of(withPath.argv().get(0));
        assertThat(Files.readString(other.getParent().getParent().resolve("lib/app/" + other.getFileName() + ".cfg")))
                .contains("java-options=--module-path\njava-options=/mods/a:/mods/b\n");
    }

    @Test
    void theSameOptionsReuseTheirLauncherAndOtherOptionsGetAnother() {
        JvmRuntime runtime = inImage();
        String first = runtime.command(List.of("-Xmx64m"), List.of("/a.jar"), MAIN, List.of()).argv().get(0);
        String again = runtime.command(List.of("-Xmx64m"), List.of("/a.jar"), MAIN, List.of("y")).argv().get(0);
        String other = runtime.command(List.of("-Xmx32m"), List.of("/a.jar"), MAIN, List.of()).argv().get(0);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(Path.of(other).getParent()).isEqualTo(Path.of(first).getParent());
    }

    @Test
    void aJvmStartedFromTheImageFindsTheImageThroughThePropertyNotItsOwnPath() {
        properties.put("java.home", image.resolve("lib/runtime").toString());
        // The shadow copy's own path: its directory holds no image, the property names the real launcher.
        properties.put("jpackage.app-path", cache.resolve("x/bin/h-abc").toString());
        properties.put(JvmRuntime.IMAGE_LAUNCHER_PROPERTY, image.resolve("bin/App").toString());
        JvmRuntime runtime = detect(null, Map.of());
        assertThat(runtime.unavailableReason()).isEmpty();
        assertThat(runtime.describe()).contains(image.resolve("bin/App").toString());
    }

    @Test
    void aDollarSignCannotGoThroughTheCfgAndRegistrationHearsWhy() {
        JvmRuntime runtime = inImage();
        assertThat(runtime.problemWith(List.of("/app/a$b.jar"))).get().asString().contains("'$'");
        assertThat(runtime.problemWith(List.of("/app/a.jar"))).isEmpty();
        assertThatThrownBy(() -> runtime.command(List.of("-Dx=$HOME"), List.of(), MAIN, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$HOME");
    }

    @Test
    void childrenOfALauncherStartedProcessLoseItsMarkerAndLibraryPath() {
        Map<String, String> inherited = Map.of("_JPACKAGE_LAUNCHER", "0",
                "LD_LIBRARY_PATH", "/opt/lib::" + image.resolve("lib/app"));
        assertThat(JvmRuntime.childEnvironment(inherited)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "_JPACKAGE_LAUNCHER", "", "LD_LIBRARY_PATH", "/opt/lib"));
        assertThat(JvmRuntime.childEnvironment(Map.of("LD_LIBRARY_PATH", "/opt/lib"))).isEmpty();
    }

    @Test
    void anEmptyValueUnsetsAVariable() {
        ProcessBuilder builder = new ProcessBuilder("true");
        builder.environment().put("_JPACKAGE_LAUNCHER", "0");
        new JavaCommand(List.of("true"), Map.of("_JPACKAGE_LAUNCHER", "", "BGT_X", "1")).applyTo(builder);
        assertThat(builder.environment()).doesNotContainKey("_JPACKAGE_LAUNCHER").containsEntry("BGT_X", "1");
    }
}
