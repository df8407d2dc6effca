package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {
    private static final List<String> COMMANDS = List.of("daemon", "access", "register", "tasks", "trigger", "runs",
            "cancel", "unregister", "progress", "signals", "simulate", "doctor", "demo");

    private static String run(String... args) {
        CommandLine cli = Bgtask.newCommandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void topLevelHelpListsEveryCommand() {
        String help = run("--help");
        for (String command : COMMANDS) {
            assertThat(help).contains(command);
        }
    }

    @Test
    void everyCommandHasADescriptionAndDocumentsItsOptions() {
        CommandLine cli = Bgtask.newCommandLine();
        for (String name : COMMANDS) {
            CommandLine sub = cli.getSubcommands().get(name);
            assertThat(sub).as(name).isNotNull();
            assertThat(sub.getCommandSpec().usageMessage().description()).as(name).isNotEmpty();
            sub.getCommandSpec().options().forEach(option -> assertThat(option.description())
                    .as(name + " " + option.longestName()).isNotEmpty());
        }
        assertThat(run("access", "--help")).contains("request", "status", "remove", "allow", "always", "deny");
    }
}
