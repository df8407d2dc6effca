package dev.bgtasks.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.store.RegistrationRow;
import dev.bgtasks.task.BackgroundTask;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC R1 for an entry point in a named module: the broker checks descriptors, so nothing of the app runs in it. */
class ModuleEntryPointCheckTest {
    @TempDir
    Path dir;

    /** A module {@code m} with an exported {@code m.tasks.Export} and a {@code m.hidden.Secret} it keeps. */
    private Path compileModule() throws IOException {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("m/tasks"));
        Files.createDirectories(src.resolve("m/hidden"));
        Files.writeString(src.resolve("module-info.java"), "module m { exports m.tasks to dev.bgtasks.core; }");
        Files.writeString(src.resolve("m/tasks/Export.java"), "package m.tasks; public class Export {}");
        Files.writeString(src.resolve("m/hidden/Secret.java"), "package m.hidden; public class Secret {}");
        Path out = dir.resolve("m");
        int code = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-nowarn", "-Xlint:none", "-d",
                out.toString(), src.resolve("module-info.java").toString(),
                src.resolve("m/tasks/Export.java").toString(), src.resolve("m/hidden/Secret.java").toString());
        assertThat(code).isZero();
        return out;
    }

    private static String core() {
        try {
            return Path.of(BackgroundTask.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anExportedClassOfAModuleOnTheModulePathIsAccepted() throws IOException {
        Path module = compileModule();
        assertThatCode(() -> ModuleEntryPointCheck.validate(
                new TaskTarget.JavaEntryPoint("m.tasks.Export", List.of(module.toString(), core()), "m")))
                .doesNotThrowAnyException();
    }

    @Test
    void eachWrongPartIsNamed() throws IOException {
        String module = compileModule().toString();
        assertThatThrownBy(() -> ModuleEntryPointCheck.validate(
                new TaskTarget.JavaEntryPoint("m.tasks.Export", List.of(core()), "m")))
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("module m is neither");
        assertThatThrownBy(() -> ModuleEntryPointCheck.validate(
                new TaskTarget.JavaEntryPoint("m.tasks.Export", List.of(module), "m")))
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("does not contain dev.bgtasks.core");
        assertThatThrownBy(() -> ModuleEntryPointCheck.validate(
                new TaskTarget.JavaEntryPoint("m.tasks.Import", List.of(module, core()), "m")))
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("m.tasks.Import is not in module m");
        assertThatThrownBy(() -> ModuleEntryPointCheck.validate(
                new TaskTarget.JavaEntryPoint("m.hidden.Secret", List.of(module, core()), "m")))
                .isInstanceOf(InvalidRegistrationException.class)
                .hasMessageContaining("add 'exports m.hidden to dev.bgtasks.core;'");
        assertThatThrownBy(() -> ModuleEntryPointCheck.validate(
                new TaskTarget.JavaEntryPoint("m.tasks.Export", List.of(dir.resolve("gone").toString()), "m")))
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("does not exist");
    }

    @Test
    void theModuleIsStoredWithTheDefinition() {
        TaskDefinition definition = new TaskDefinition("export", "", new TaskTarget.JavaEntryPoint("m.tasks.Export",
                List.of("/opt/app/mods"), "m"), Set.of(), false, ResourceLimits.defaults(), false,
                TaskDefinition.DEFAULT_GRACE, null);
        RegistrationRow row = new RegistrationRow(UUID.randomUUID(), "com.example.app", "export", "",
                DefinitionCodec.encode(definition), Instant.EPOCH);
        assertThat(DefinitionCodec.decode(row).target()).isEqualTo(definition.target());
        // Rows stored before modules existed have no module: a classpath task.
        String old = DefinitionCodec.encode(new TaskDefinition("export", "", new TaskTarget.JavaEntryPoint(
                "tasks.Export", List.of("/opt/app/app.jar")), Set.of(), false, ResourceLimits.defaults(), false,
                TaskDefinition.DEFAULT_GRACE, null)).replace(",\"module\":null", "");
        assertThat(old).doesNotContain("module");
        assertThat(DefinitionCodec.decode("export", "", old).target())
                .isEqualTo(new TaskTarget.JavaEntryPoint("tasks.Export", List.of("/opt/app/app.jar")));
    }
}
