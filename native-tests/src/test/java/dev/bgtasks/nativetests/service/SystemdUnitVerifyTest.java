package dev.bgtasks.nativetests.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Issue 7, service wrappers: the unit {@code bgtask service install} writes passes {@code systemd-analyze verify}
 * (Debian's {@code systemd} package; no running systemd is needed), and the same check rejects broken units, so a
 * pass means something.
 *
 * <p>The unit comes from the real command in a child JVM, with a class path entry and a {@code BGTASKS_HOME} full of
 * what systemd treats specially (space, {@code %}, {@code $}, quote, backslash). A clean result is exit code 0 and no
 * output at all: systemd-analyze only warns (exit 0) about settings it ignores, such as a bad {@code Restart=}.
 * Missing systemd-analyze skips, and fails under {@code BGTASKS_REQUIRE_NATIVE=1}.
 */
@EnabledOnOs(OS.LINUX)
class SystemdUnitVerifyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path systemdAnalyze;

    @TempDir
    Path dir;

    private record Verify(int exitCode, String output) {
        boolean clean() {
            return exitCode == 0 && output.isBlank();
        }
    }

    @BeforeAll
    static void findSystemdAnalyze() {
        Optional<Path> found = onPath("systemd-analyze");
        if (found.isEmpty()) {
            String why = "systemd-analyze is not installed (Debian package: systemd)";
            if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
                fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 forbids skipping");
            }
            throw new TestAbortedException(why);
        }
        systemdAnalyze = found.get();
    }

    private static Optional<Path> onPath(String tool) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, tool);
            if (!directory.isBlank() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String run(List<String> command, Path runtimeDir, String brokerHome) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (runtimeDir != null) {
            // systemd-analyze --user wants a runtime directory; it never needs a running user manager.
            builder.environment().put("XDG_RUNTIME_DIR", runtimeDir.toString());
        }
        if (brokerHome != null) {
            builder.environment().put("BGTASKS_HOME", brokerHome);
        }
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish in 120 s");
        }
        return process.exitValue() + "\n" + new String(output, StandardCharsets.UTF_8);
    }

    private Verify verify(String unitText) throws Exception {
        Path unitDir = Files.createTempDirectory(dir, "unit");
        Path unit = unitDir.resolve("bgtasks.service");
        Files.writeString(unit, unitText);
        Path runtime = Files.createDirectories(dir.resolve("runtime"));
        String result = run(List.of(systemdAnalyze.toString(), "verify", "--user", "--man=no", unit.toString()),
                runtime, null);
        int newline = result.indexOf('\n');
        return new Verify(Integer.parseInt(result.substring(0, newline)), result.substring(newline + 1));
    }

    /** {@code bgtask service install --dry-run --json --os linux} in a child JVM with awkward paths. */
    private JsonNode dryRun(Path oddEntry, String brokerHome) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classPath = System.getProperty("java.class.path") + File.pathSeparator + oddEntry;
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", classPath, "dev.bgtasks.cli.Bgtask",
                "service", "install", "--dry-run", "--json", "--os", "linux"));
        String result = run(command, null, brokerHome);
        int newline = result.indexOf('\n');
        assertThat(result.substring(0, newline)).as(result).isEqualTo("0");
        return JSON.readTree(result.substring(newline + 1));
    }

    @Test
    void theGeneratedUnitPassesSystemdAnalyzeVerify() throws Exception {
        Path odd = Files.createDirectories(dir.resolve("class path 100% $HOME a\"b back\\slash"));
        String brokerHome = dir.resolve("home 50% $USER \"q\"").toString();
        JsonNode plan = dryRun(odd, brokerHome);
        String unit = plan.get("content").asText();
        assertThat(unit).contains("Restart=on-failure", "WantedBy=default.target", "Environment=\"BGTASKS_HOME=");
        // The command in the unit is the command this JVM would use: its java, its class path, the daemon.
        List<String> command = new ArrayList<>();
        plan.get("command").forEach(word -> command.add(word.asText()));
        assertThat(command.get(0)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(command).endsWith("dev.bgtasks.cli.Bgtask", "daemon");
        assertThat(command.get(command.indexOf("-cp") + 1)).endsWith(odd.toString());

        Verify result = verify(unit);
        assertThat(result.clean()).as("systemd-analyze verify said: exit %d, %s", result.exitCode(), result.output())
                .isTrue();
    }

    @Test
    void verifyRejectsBrokenUnitsSoAPassMeansSomething() throws Exception {
        Path odd = Files.createDirectories(dir.resolve("one \" quote"));
        String unit = dryRun(odd, dir.resolve("home").toString()).get("content").asText();
        assertThat(verify(unit).clean()).isTrue();

        // Without the escaper the lone quote leaves ExecStart unbalanced: a fatal error.
        Verify unescaped = verify(unit.replace("\\\"", "\""));
        assertThat(unescaped.clean()).isFalse();
        assertThat(unescaped.output()).contains("Unbalanced quoting");

        Verify badRestart = verify(unit.replace("Restart=on-failure", "Restart=sometimes"));
        assertThat(badRestart.clean()).isFalse();
        assertThat(badRestart.output()).contains("sometimes");

        String relative = unit.replaceFirst("ExecStart=\"[^\"]*\"", "ExecStart=\"bin/java\"");
        assertThat(relative).isNotEqualTo(unit);
        assertThat(verify(relative).exitCode()).isNotZero();
    }

    @Test
    void systemdAnalyzeIsTheDebianOne() throws IOException {
        // A guard that the tool found is real: it prints its version (systemd NNN) and exits 0.
        Process version = new ProcessBuilder(systemdAnalyze.toString(), "--version").redirectErrorStream(true)
                .start();
        String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("systemd ");
    }
}
