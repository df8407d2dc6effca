package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 7, service wrappers: {@code bgtask service install|uninstall|status [--dry-run]} with a scripted runner. */
class ServiceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path home;
    private ServiceFixtures.ScriptedRunner runner;

    private record Result(int code, String out, String err) {
    }

    @BeforeEach
    void fixedHost() {
        runner = new ServiceFixtures.ScriptedRunner();
        ServiceCommand.host = ServiceFixtures.host(home, false);
        ServiceCommand.launch = ServiceFixtures.launch();
        ServiceCommand.runner = runner;
    }

    @AfterEach
    void realHost() {
        ServiceCommand.host = null;
        ServiceCommand.launch = null;
        ServiceCommand.runner = null;
    }

    private static Result run(String... args) {
        CommandLine cli = Bgtask.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Path unit() {
        return home.resolve(".config/systemd/user/bgtasks.service");
    }

    @Test
    void aDryRunForAnotherOsNamesThatOsesBrokerLog() {
        // This user's real host and environment, but the file is written for macOS: its log is macOS's.
        ServiceCommand.host = null;
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getenv().containsKey("BGTASKS_HOME")
                || System.getProperty("bgtasks.home") != null, "BGTASKS_HOME moves every location");
        Result result = run("service", "install", "--dry-run", "--os", "macos");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains(Path.of(System.getProperty("user.home"), "Library", "Logs", "bgtasks",
                "broker.log").toString());
    }

    @Test
    void dryRunPrintsPathContentAndCommandsAndWritesNothing() {
        for (String os : List.of("linux", "macos", "windows")) {
            Result result = run("service", "install", "--dry-run", "--os", os);
            assertThat(result.code()).as(result.err()).isZero();
            ServiceManager manager = ServiceManager.of(ServiceOs.parse(os), ServiceCommand.host, ServiceCommand.launch);
            assertThat(result.out()).contains("would write " + manager.file()).contains(manager.content());
            assertThat(Files.exists(manager.file())).isFalse();
        }
        assertThat(run("service", "install", "--dry-run", "--os", "linux").out())
                .contains("would run: systemctl --user daemon-reload")
                .contains("would run: systemctl --user enable --now bgtasks.service");
        assertThat(run("service", "install", "--dry-run", "--os", "windows").out())
                .contains("would run: schtasks /Create /TN bgtasks-broker /XML " + home.resolve("state/bgtasks-broker.xml")
                        + " /F");
        // Only the read-only version question, for the Linux unit's layout.
        assertThat(runner.ran).containsOnly(List.of("systemctl", "--version"));
    }

    @Test
    void dryRunJsonHasTheFileTheContentAndTheCommandVectors() throws Exception {
        Result result = run("service", "install", "--dry-run", "--json", "--os", "macos");
        JsonNode plan = JSON.readTree(result.out());
        assertThat(plan.get("os").asText()).isEqualTo("macos");
        assertThat(plan.get("dryRun").asBoolean()).isTrue();
        assertThat(plan.get("file").asText()).isEqualTo(home.resolve("Library/LaunchAgents/dev.bgtasks.broker.plist")
                .toString());
        assertThat(plan.get("content").asText()).isEqualTo(
                new ServiceLaunchdAgent(ServiceCommand.host, ServiceCommand.launch).content());
        assertThat(plan.get("commands").get(1).toString())
                .isEqualTo("[\"launchctl\",\"bootstrap\",\"gui/501\",\"" + plan.get("file").asText() + "\"]");
        assertThat(runner.ran).isEmpty();
    }

    @Test
    void installWritesTheUnitAndEnablesIt() throws Exception {
        Result result = run("service", "install", "--os", "linux");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(Files.readString(unit())).isEqualTo(
                new ServiceSystemdUnit(ServiceCommand.host, ServiceCommand.launch).content());
        assertThat(runner.ran).containsExactly(List.of("systemctl", "--version"),
                List.of("systemctl", "--user", "daemon-reload"),
                List.of("systemctl", "--user", "enable", "--now", "bgtasks.service"));
        assertThat(result.out()).contains("installed systemd user unit: " + unit());
    }

    @Test
    void retentionAndLogOptionsGivenToInstallAreCarriedIntoEveryServiceFile() throws Exception { // SPEC B7
        String[] options = {"--keep-ended", "20", "--max-age", "7d", "--run-log-max", "256K", "--log-file",
            "--log-max-size", "2M", "--log-files", "4"};
        for (String os : List.of("linux", "macos", "windows")) {
            List<String> args = new java.util.ArrayList<>(List.of("service", "install", "--dry-run", "--json", "--os",
                    os));
            args.addAll(List.of(options));
            Result result = run(args.toArray(String[]::new));
            assertThat(result.code()).as(result.err()).isZero();
            List<String> command = new java.util.ArrayList<>();
            JSON.readTree(result.out()).get("command").forEach(word -> command.add(word.asText()));
            assertThat(command.subList(command.indexOf("daemon") + 1, command.size())).containsExactly(options);
            assertThat(JSON.readTree(result.out()).get("content").asText()).contains("7d", "--keep-ended");
        }
        // With --log-file the broker rotates broker.log itself; launchd's own output goes beside it.
        Result mac = run("service", "install", "--dry-run", "--json", "--os", "macos", "--log-file");
        assertThat(JSON.readTree(mac.out()).get("content").asText()).contains("broker.out</string>")
                .doesNotContain("broker.log</string>");
        // Defaults are not spelled out: the service runs plain `bgtask daemon`.
        Result plain = run("service", "install", "--dry-run", "--json", "--os", "linux");
        assertThat(JSON.readTree(plain.out()).get("command").get(ServiceCommand.launch.command().size() - 1)
                .asText()).isEqualTo("daemon");
    }

    @Test
    void aBadRetentionOptionWritesNoServiceFile() { // SPEC B7
        Result result = run("service", "install", "--os", "linux", "--keep-ended", "0");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("keepEnded must be at least 1");
        assertThat(Files.exists(unit())).isFalse();
    }

    @Test
    void reinstallingADifferentUnitRestartsARunningBroker() throws Exception {
        Files.createDirectories(unit().getParent());
        Files.writeString(unit(), "[Service]\nExecStart=/old/java\n");
        assertThat(run("service", "install", "--os", "linux").code()).isZero();
        assertThat(runner.ran).last().isEqualTo(List.of("systemctl", "--user", "try-restart", "bgtasks.service"));
    }

    @Test
    void withoutAUserManagerTheUnitIsWrittenAndTheErrorSaysWhatToDo() {
        runner.answer("systemctl --user daemon-reload", 1, "Failed to connect to bus: No medium found");
        Result result = run("service", "install", "--os", "linux");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("systemd user instance not running: the unit is written to " + unit())
                .contains("systemctl --user enable --now bgtasks.service").contains("bgtask daemon");
        assertThat(Files.exists(unit())).isTrue();
    }

    @Test
    void withoutTheToolNothingIsWritten() {
        runner.toolsOnPath.clear();
        Result result = run("service", "install", "--os", "linux");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("systemctl not found on PATH").contains("nothing was written");
        assertThat(Files.exists(unit())).isFalse();
        assertThat(runner.ran).isEmpty();
    }

    @Test
    void aFailingManagerCommandIsReportedWithItsOutput() {
        runner.answer("schtasks /Create", 1, "ERROR: Access is denied.");
        Result result = run("service", "install", "--os", "windows");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("schtasks /Create /TN bgtasks-broker").contains("exit 1")
                .contains("Access is denied");
    }

    @Test
    void uninstallStopsUnregistersAndDeletes() throws Exception {
        assertThat(run("service", "install", "--os", "macos").code()).isZero();
        Path plist = home.resolve("Library/LaunchAgents/dev.bgtasks.broker.plist");
        assertThat(plist).exists();
        runner.ran.clear();
        // Not loaded any more: bootout fails, which uninstall expects.
        runner.answer("launchctl bootout", 113, "Could not find service");
        Result result = run("service", "uninstall", "--os", "macos");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(plist).doesNotExist();
        assertThat(runner.ran).containsExactly(List.of("launchctl", "bootout", "gui/501/dev.bgtasks.broker"));
    }

    @Test
    void statusSaysInstalledWhereAndRunning() throws Exception {
        runner.answer("systemctl --user is-active", 0, "active");
        JsonNode before = JSON.readTree(run("service", "status", "--json", "--os", "linux").out());
        assertThat(before.get("installed").asBoolean()).isFalse();
        assertThat(run("service", "install", "--os", "linux").code()).isZero();
        JsonNode after = JSON.readTree(run("service", "status", "--json", "--os", "linux").out());
        assertThat(after.get("installed").asBoolean()).isTrue();
        assertThat(after.get("file").asText()).isEqualTo(unit().toString());
        assertThat(after.get("running").asBoolean()).isTrue();
        runner.answer("systemctl --user is-active", 3, "failed");
        assertThat(run("service", "status", "--os", "linux").out()).contains("installed: systemd user unit at " + unit())
                .contains("running:   no (failed)");
    }

    @Test
    void statusWithoutTheToolSaysTheManagerWasNotAsked() throws Exception {
        runner.toolsOnPath.remove("launchctl");
        JsonNode status = JSON.readTree(run("service", "status", "--json", "--os", "macos").out());
        assertThat(status.get("running").isNull()).isTrue();
        assertThat(status.get("detail").asText()).contains("launchctl not found");
    }

    @Test
    void statusReadsEachManagersAnswer() {
        ServiceManager windows = ServiceManager.of(ServiceOs.WINDOWS, ServiceCommand.host, ServiceCommand.launch);
        assertThat(windows.interpret(new ServiceRunner.Result(0,
                "\"\\bgtasks-broker\",\"N/A\",\"Running\"")).running()).isTrue();
        assertThat(windows.interpret(new ServiceRunner.Result(0,
                "\"\\bgtasks-broker\",\"N/A\",\"Ready\"")).running()).isFalse();
        assertThat(windows.interpret(new ServiceRunner.Result(1, "ERROR: not found")).running()).isFalse();
        ServiceManager mac = ServiceManager.of(ServiceOs.MACOS, ServiceCommand.host, ServiceCommand.launch);
        assertThat(mac.interpret(new ServiceRunner.Result(0, "gui/501/dev.bgtasks.broker = {\n\tstate = running\n}"))
                .running()).isTrue();
        assertThat(mac.interpret(new ServiceRunner.Result(0, "x = {\n\tstate = not running\n}")).running()).isFalse();
        ServiceManager linux = ServiceManager.of(ServiceOs.LINUX, ServiceCommand.host, ServiceCommand.launch);
        assertThat(linux.interpret(new ServiceRunner.Result(1, "Failed to connect to bus: No medium found"))
                .running()).isNull();
    }

    @Test
    void helpDocumentsEverySubcommandAndOption() {
        CommandLine service = Bgtask.newCommandLine().getSubcommands().get("service");
        assertThat(service).isNotNull();
        for (String name : List.of("install", "uninstall", "status")) {
            CommandLine sub = service.getSubcommands().get(name);
            assertThat(sub.getCommandSpec().usageMessage().description()).as(name).isNotEmpty();
            sub.getCommandSpec().options().forEach(option -> assertThat(option.description())
                    .as(name + " " + option.longestName()).isNotEmpty());
        }
        assertThat(run("service", "install", "--os", "beos").err()).contains("valid: linux, macos, windows");
    }

    @Test
    void theRealRunnerRunsAnArgumentVectorAndFindsToolsOnPath() throws Exception {
        ServiceRunner real = ServiceRunner.system(System.getenv());
        ServiceRunner.Result result = real.run(List.of("sh", "-c", "printf '%s|' \"$@\"; exit 3", "sh",
                "two words", "$HOME", "a\"b"));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).isEqualTo("two words|$HOME|a\"b|");
        assertThat(real.find("sh")).isPresent();
        assertThat(real.find("no-such-tool-bgtasks")).isEmpty();
    }
}
