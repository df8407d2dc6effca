package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The quick calls' options and parser (issue 18) against the annotated commands whose help, completion and man
 * pages the build makes: the same options with the same arity, labels and defaults, and for every command line
 * the quick parser takes, the values picocli parses from it; so a call one of them accepts the other reads alike.
 */
class QuickCallsTest {
    private static CommandLine annotated(List<String> words) {
        CommandLine command = Bgtask.newCommandLine();
        for (String word : words) {
            command = command.getSubcommands().get(word);
        }
        return command;
    }

    /** What decides which arguments an option takes and what it holds when they are absent, from picocli's model. */
    private static TreeMap<String, String> options(CommandSpec spec) {
        TreeMap<String, String> options = new TreeMap<>();
        for (OptionSpec o : spec.options()) {
            String kind = o.usageHelp() || o.versionHelp() ? "HELP"
                    : o.arity().max() == 0 ? "FLAG"
                    : o.isMultiValue() ? "REPEATED"
                    : o.arity().min() == 0 && (o.type() == Integer.class || o.type() == int.class)
                    && "0".equals(o.fallbackValue()) ? "OPTIONAL_PORT"
                    : o.arity().min() == 1 && o.arity().max() == 1 ? "VALUE" : "other " + o.arity();
            boolean valueType = List.of("VALUE", "REPEATED").contains(kind)
                    && (o.isMultiValue() ? o.auxiliaryTypes()[0] == String.class : o.type() == String.class);
            options.put(String.join(",", o.names()), kind + (kind.equals("VALUE") || kind.equals("REPEATED")
                    ? " of strings " + valueType : "") + " label=" + (o.arity().max() == 0 ? "" : o.paramLabel())
                    + " required=" + o.required() + " default=" + o.defaultValue() + " negatable=" + o.negatable()
                    + " interactive=" + o.interactive() + " split=" + o.splitRegex());
        }
        return options;
    }

    /** The same, from the quick declarations. */
    private static TreeMap<String, String> options(List<QuickArgs.Option> quick) {
        TreeMap<String, String> options = new TreeMap<>();
        for (QuickArgs.Option o : quick) {
            String kind = o.kind().name();
            options.put(String.join(",", o.names()), kind + (kind.equals("VALUE") || kind.equals("REPEATED")
                    ? " of strings true" : "") + " label=" + o.label() + " required=" + o.required()
                    + " default=" + o.defaultValue() + " negatable=false interactive=false split=");
        }
        return options;
    }

    @Test
    void eachQuickCommandTakesTheOptionsOfItsAnnotatedCommand() {
        assertThat(QuickCalls.COMMANDS).hasSize(6);
        QuickCalls.COMMANDS.forEach((words, quick) -> {
            CommandSpec full = annotated(words).getCommandSpec();
            assertThat(options(quick)).as(String.join(" ", words)).isEqualTo(options(full)).isNotEmpty();
            assertThat(full.positionalParameters()).as(String.join(" ", words)).isEmpty();
            assertThat(full.subcommands()).as(String.join(" ", words)).isEmpty();
        });
    }

    /** Command lines of every form, the plain ones and those the quick parser leaves to picocli. */
    private static List<List<String>> lines() {
        List<List<String>> lines = new ArrayList<>();
        for (List<String> args : List.of(List.<String>of(), List.of("--app", "x"), List.of("--app=x"),
                List.of("--app", "x", "--json"), List.of("--json", "--app", "x"), List.of("--app", ""),
                List.of("--app=a=b"), List.of("--app", "x", "--app", "y"), List.of("--app"), List.of("--app", "-x"),
                List.of("--app", "--json"), List.of("--app", "x", "extra"), List.of("--app", "x", "--no-such"),
                List.of("-h"), List.of("--help", "--app", "x"), List.of("--version"), List.of("--app", "x", "--"),
                List.of("--app", "@file"), List.of("--json=true", "--app", "x"), List.of("--watch"),
                List.of("--watch", "--json"), List.of("--app", "x", "--arg", "a=1", "--arg", "b=2"),
                List.of("--app", "x", "--arg=a=1", "--trigger", "nightly", "--if-running", "queue"),
                List.of("--app", "x", "--debug"), List.of("--app", "x", "--debug=5005"),
                List.of("--app", "x", "--debug", "5005"), List.of("--app", "x", "--debug=050"),
                List.of("--app", "x", "--debug=x"), List.of("--app", "x", "--wait", "--json"),
                List.of("--app", "x", "--if-running"), List.of("--app", "x", "--trigger", ""))) {
            lines.add(args);
        }
        return lines;
    }

    @Test
    void whatTheQuickParserReadsPicocliReadsAlike() {
        int taken = 0;
        for (Map.Entry<List<String>, List<QuickArgs.Option>> command : QuickCalls.COMMANDS.entrySet()) {
            for (List<String> args : lines()) {
                Map<String, Object> quick = QuickArgs.parse(command.getValue(), args);
                if (quick == null) {
                    continue;
                }
                taken++;
                String as = command.getKey() + " " + args;
                List<String> line = new ArrayList<>(command.getKey());
                line.addAll(args);
                CommandLine.ParseResult parsed = Bgtask.newCommandLine().parseArgs(line.toArray(String[]::new));
                for (int depth = 0; depth < command.getKey().size(); depth++) {
                    parsed = parsed.subcommand();
                }
                assertThat(parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()).as(as).isFalse();
                Map<String, Object> picocli = new HashMap<>();
                for (OptionSpec o : parsed.commandSpec().options()) {
                    if (!o.usageHelp() && !o.versionHelp()) {
                        Object value = o.getValue();
                        picocli.put(o.longestName(), value instanceof List<?> list ? List.copyOf(list) : value);
                    }
                }
                Map<String, Object> withoutHelp = new HashMap<>(quick);
                withoutHelp.keySet().removeAll(List.of("--help", "--version"));
                assertThat(withoutHelp).as(as).isEqualTo(picocli);
            }
        }
        assertThat(taken).as("command lines the quick parser takes").isGreaterThan(20);
    }

    @Test
    void helpErrorsAndWhatOnlyTheAnnotatedCommandsDoAreLeftToThem() {
        // Nothing is printed and no broker is asked: these return before connecting.
        for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"runs", "--help"},
                new String[] {"runs", "-h", "--app", "x"}, new String[] {"runs", "--version"},
                new String[] {"runs"}, new String[] {"runs", "--app"}, new String[] {"runs", "--app", "x", "extra"},
                new String[] {"runs", "--app", "x", "--no-such-option"}, new String[] {"tasks", "--app", "x"},
                new String[] {"trigger", "--app", "x", "--wait"},
                new String[] {"trigger", "--app", "x", "--if-running", "sometimes"},
                new String[] {"access", "request", "--app", "x"}, new String[] {"access"},
                new String[] {"register", "--app", "x"}, new String[] {"help", "runs"})) {
            assertThat(QuickCalls.run(args, null, null)).as(String.join(" ", args)).isNull();
        }
        assertThat(Arrays.asList(QuickCalls.COMMANDS.keySet().toArray())).doesNotContain(List.of("register"));
    }
}
