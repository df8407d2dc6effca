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

    private static String run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return status + "\n" + out + "\n" + err;
    }

    @Test
    void theTreeBuiltForOneCommandAnswersAsTheWholeTreeDoes() {
        // main builds only the named command's model (the fast path of scripts); its help, its version and its
        // errors must be those of the whole tree.
        for (String name : Bgtask.newCommandLine().getSubcommands().keySet()) {
            for (String[] args : List.of(new String[] {name, "--help"}, new String[] {name, "--version"},
                    new String[] {name, "--no-such-option"})) {
                assertThat(run(Bgtask.newCommandLine(args), args)).as(String.join(" ", args))
                        .isEqualTo(run(Bgtask.newCommandLine(), args));
            }
            assertThat(Bgtask.newCommandLine(new String[] {name}).getSubcommands()).as(name)
                    .hasSize(name.equals("help") ? Bgtask.newCommandLine().getSubcommands().size() : 1);
        }
        assertThat(run(Bgtask.newCommandLine(new String[] {"access", "status", "--help"}), "access", "status",
                "--help")).isEqualTo(run(Bgtask.newCommandLine(), "access", "status", "--help"));
        assertThat(run(Bgtask.newCommandLine(new String[] {"nosuch"}), "nosuch"))
                .isEqualTo(run(Bgtask.newCommandLine(), "nosuch"));
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

    @Test
    void everyCommandAtEveryDepthDescribesItselfItsOptionsAndItsParameters() {
        List<String> gaps = new java.util.ArrayList<>();
        collectGaps(Bgtask.newCommandLine(), "bgtask", gaps);
        assertThat(gaps).isEmpty();
    }

    private static void collectGaps(CommandLine command, String path, List<String> gaps) {
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        if (spec.usageMessage().description().length == 0) {
            gaps.add(path + ": no description");
        }
        spec.options().forEach(option -> {
            if (option.description().length == 0) {
                gaps.add(path + " " + option.longestName() + ": no description");
            }
        });
        spec.positionalParameters().forEach(parameter -> {
            if (parameter.description().length == 0) {
                gaps.add(path + " " + parameter.paramLabel() + ": no description");
            }
        });
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                collectGaps(sub, path + " " + name, gaps);
            }
        });
    }
}
