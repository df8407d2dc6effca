package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The quick calls' models, built through picocli's programmatic API (issue 18), against the annotated commands
 * whose help, completion and man pages the build makes: the same options, the same arity, the same defaults, so a
 * call one of them accepts the other accepts too.
 */
class QuickCallsTest {
    private static CommandSpec annotated(List<String> words) {
        CommandLine command = Bgtask.newCommandLine();
        for (String word : words) {
            command = command.getSubcommands().get(word);
        }
        return command.getCommandSpec();
    }

    /** What decides which arguments an option takes and what it holds when they are absent. */
    private static TreeMap<String, String> options(CommandSpec spec) {
        TreeMap<String, String> options = new TreeMap<>();
        for (OptionSpec o : spec.options()) {
            options.put(String.join(",", o.names()), "arity=" + o.arity() + " required=" + o.required()
                    + " label=" + (o.arity().max() == 0 ? "" : o.paramLabel()) + " type=" + o.type().getName()
                    + " aux=" + Arrays.toString(o.auxiliaryTypes()) + " default=" + o.defaultValue()
                    + " fallback=" + (o.arity().min() == 0 && o.arity().max() > 0 ? o.fallbackValue() : "")
                    + " usageHelp=" + o.usageHelp() + " versionHelp=" + o.versionHelp()
                    + " negatable=" + o.negatable() + " interactive=" + o.interactive());
        }
        return options;
    }

    @Test
    void eachQuickModelTakesTheOptionsOfItsAnnotatedCommand() {
        for (List<String> words : QuickCalls.COMMANDS) {
            CommandSpec quick = QuickCalls.spec(words);
            CommandSpec full = annotated(words);
            assertThat(options(quick)).as(String.join(" ", words)).isEqualTo(options(full)).isNotEmpty();
            assertThat(quick.positionalParameters()).as(String.join(" ", words))
                    .hasSameSizeAs(full.positionalParameters()).isEmpty();
            assertThat(full.subcommands()).as(String.join(" ", words)).isEmpty();
        }
    }

    @Test
    void onlyTheQuickCommandsHaveAQuickModel() {
        for (String name : Bgtask.newCommandLine().getSubcommands().keySet()) {
            assertThat(QuickCalls.spec(List.of(name)) != null).as(name)
                    .isEqualTo(QuickCalls.COMMANDS.contains(List.of(name)));
        }
        assertThat(QuickCalls.spec(List.of("access", "request"))).isNull();
    }

    @Test
    void helpErrorsAndWhatOnlyTheAnnotatedCommandsDoAreLeftToThem() {
        // Nothing is printed and nothing is asked of a broker: these return before any request (a quick command's
        // early connection, when one was begun, is closed unused).
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
    }

    @Test
    void theSelectorProviderItNamesIsTheOneTheJdkPicks() { // issue 18
        String named = QuickCalls.jdkSelectorProvider(System.getProperty("os.name"));
        if (named != null) {
            assertThat(java.nio.channels.spi.SelectorProvider.provider().getClass().getName()).isEqualTo(named);
        }
        QuickCalls.nameTheJdkSelectorProvider();
        assertThat(System.getProperty(QuickCalls.SELECTOR_PROVIDER)).isEqualTo(named);
        System.clearProperty(QuickCalls.SELECTOR_PROVIDER);
    }
}
