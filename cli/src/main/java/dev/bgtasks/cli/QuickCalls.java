package dev.bgtasks.cli;

import dev.bgtasks.IfRunning;
import java.io.PrintWriter;
import java.lang.reflect.Modifier;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The calls scripts make in loops ({@code runs}, {@code tasks --json}, {@code signals}, {@code doctor},
 * {@code access status}, {@code trigger} without {@code --wait}), parsed with a picocli model built through its
 * programmatic API: no reflection over the command classes and no annotation proxies, which were about 70 ms of
 * each call (issue 18). Each runs the same static method its annotated command runs, so both answer alike.
 *
 * <pre>{@code
 * Integer status = QuickCalls.run(args, null, null);   // null: not a quick call; use the annotated tree
 * }</pre>
 *
 * <p>Only a call that parses cleanly, asks for no help and needs nothing else is answered here; anything else
 * (help, a version, an error, {@code --wait}, human {@code tasks}) returns null, and {@link Bgtask} hands it to the
 * annotated tree, whose usage, errors and help text are the only ones. {@code QuickCallsTest} holds each model's
 * options equal to its annotated command's, so they cannot drift.
 */
final class QuickCalls {
    /** The quick commands by their words, as {@link #spec} builds them. */
    static final List<List<String>> COMMANDS = List.of(List.of("runs"), List.of("tasks"), List.of("signals"),
            List.of("doctor"), List.of("access", "status"), List.of("trigger"));

    private QuickCalls() {
    }

    /**
     * Answers a quick call.
     *
     * @param args the whole command line
     * @param out where the answer goes; null for picocli's standard output
     * @param err where errors go; null for picocli's standard error
     * @return the exit status, or null when this is not a quick call (nothing was printed or asked)
     */
    static Integer run(String[] args, PrintWriter out, PrintWriter err) {
        List<String> words = args.length > 1 && args[0].equals("access") ? List.of("access", args[1])
                : args.length > 0 ? List.of(args[0]) : List.of();
        if (!COMMANDS.contains(words)) {
            return null;
        }
        nameTheJdkSelectorProvider();
        // Every quick call asks the broker: its connection is made meanwhile on the other core (doctor uses it only
        // when a broker answered it; it starts none). A call that turns out not to be quick (help, an error) drops
        // it unused.
        BrokerConnection.connectEarly();
        try {
            return parseAndCall(words, args, out, err);
        } finally {
            BrokerConnection.discardEarly();
        }
    }

    private static Integer parseAndCall(List<String> words, String[] args, PrintWriter out, PrintWriter err) {
        CommandSpec spec = spec(words);
        CommandLine cli = withoutUnusedConverters(spec);
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        ParseResult parsed;
        try {
            parsed = cli.parseArgs(Arrays.copyOfRange(args, words.size(), args.length));
        } catch (CommandLine.ParameterException e) {
            return null;
        }
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
            return null;
        }
        try {
            return call(words, parsed, cli.getOut());
        } catch (RuntimeException e) {
            return Bgtask.explain(e, cli, parsed);
        }
    }

    /**
     * picocli's documented {@value #CONVERTER_EXCLUDES}: a {@code CommandLine} registers a converter for every
     * type it knows, and those for {@code java.sql} and {@code java.time} initialise their classes (the JDBC driver
     * manager, the ISO formatters) through reflection, about 5 ms of every call. The quick options are strings,
     * flags, a list of strings and an integer; the annotated tree, built later if at all, keeps every converter.
     */
    static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

    private static CommandLine withoutUnusedConverters(CommandSpec spec) {
        String before = System.getProperty(CONVERTER_EXCLUDES);
        System.setProperty(CONVERTER_EXCLUDES, "java\\.sql\\..*,java\\.time\\..*");
        try {
            return new CommandLine(spec);
        } finally {
            if (before == null) {
                System.clearProperty(CONVERTER_EXCLUDES);
            } else {
                System.setProperty(CONVERTER_EXCLUDES, before);
            }
        }
    }

    /** The JDK's documented property that names the selector provider instead of looking one up. */
    static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    /**
     * Names the JDK's own selector provider of this OS in {@value #SELECTOR_PROVIDER}, so that the call's socket
     * does not first look for other providers with a service lookup over the class path, which opens and indexes
     * the whole bgtask jar: about 8 ms of CPU per call through {@code ./bgtask} (issue 18). Only when nothing set
     * the property, and only when this JDK has that class as a public provider with a public constructor (what the
     * property needs); otherwise the lookup runs as usual. {@code QuickCallsTest} holds the names to the JDK's.
     */
    static void nameTheJdkSelectorProvider() {
        String name = jdkSelectorProvider(System.getProperty("os.name", ""));
        if (name == null || System.getProperty(SELECTOR_PROVIDER) != null) {
            return;
        }
        try {
            Class<?> provider = Class.forName(name, false, null);
            if (SelectorProvider.class.isAssignableFrom(provider) && Modifier.isPublic(provider.getModifiers())
                    && Modifier.isPublic(provider.getConstructor().getModifiers())) {
                System.setProperty(SELECTOR_PROVIDER, name);
            }
        } catch (ClassNotFoundException | NoSuchMethodException | RuntimeException e) {
            // Another JDK: its own lookup finds its provider.
        }
    }

    /** The class {@code SelectorProvider.provider()} gives on an OS, by its {@code os.name}; null: not named. */
    static String jdkSelectorProvider(String osName) {
        return osName.startsWith("Linux") ? "sun.nio.ch.EPollSelectorProvider"
                : osName.startsWith("Mac") ? "sun.nio.ch.KQueueSelectorProvider" : null;
    }

    /** Null when the annotated command must answer after all. */
    private static Integer call(List<String> words, ParseResult parsed, PrintWriter out) {
        boolean json = parsed.hasMatchedOption("--json");
        String app = parsed.matchedOptionValue("--app", null);
        switch (String.join(" ", words)) {
            case "runs":
                return RunsCommand.run(app, json, out);
            case "tasks":
                return json ? TasksCommand.json(app, out) : null;
            case "signals":
                return SignalsCommand.run(parsed.hasMatchedOption("--watch"), json, out);
            case "doctor":
                return DoctorCommand.run(out);
            case "access status":
                return AccessCommand.Status.run(app, out);
            case "trigger":
                IfRunning policy = TriggerCommand.policy(parsed.matchedOptionValue("--if-running", "keep"));
                if (parsed.hasMatchedOption("--wait") || policy == null) {
                    return null;
                }
                return TriggerCommand.once(app, parsed.matchedOptionValue("--trigger", ""),
                        parsed.matchedOptionValue("--arg", List.of()), policy,
                        parsed.matchedOptionValue("--debug", null), json, out);
            default:
                return null;
        }
    }

    /**
     * The quick model of a command, with the options of its annotated one.
     *
     * @param words the command's words, e.g. {@code [access, status]}
     * @return its model, or null when it is not a quick command
     */
    static CommandSpec spec(List<String> words) {
        CommandSpec spec = CommandSpec.create().name(String.join(" ", words));
        switch (String.join(" ", words)) {
            case "runs", "tasks" -> spec.addOption(app()).addOption(flag("--json"));
            case "signals" -> spec.addOption(flag("--watch")).addOption(flag("--json"));
            case "doctor" -> { }
            case "access status" -> spec.addOption(app());
            case "trigger" -> spec.addOption(app())
                    .addOption(value("--trigger", "SLOT", String.class).defaultValue("").build())
                    .addOption(value("--arg", "KEY=VALUE", List.class).auxiliaryTypes(String.class).build())
                    .addOption(value("--if-running", "POLICY", String.class).defaultValue("keep").build())
                    .addOption(flag("--wait"))
                    .addOption(flag("--json"))
                    .addOption(value("--debug", "PORT", Integer.class).arity("0..1").fallbackValue("0").build());
            default -> {
                return null;
            }
        }
        // mixinStandardHelpOptions, as the annotated commands have them.
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class).arity("0").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class).arity("0")
                .build());
        return spec;
    }

    private static OptionSpec app() {
        return value("--app", "APP", String.class).required(true).build();
    }

    private static OptionSpec flag(String name) {
        return OptionSpec.builder(name).type(boolean.class).arity("0").build();
    }

    private static OptionSpec.Builder value(String name, String label, Class<?> type) {
        return OptionSpec.builder(name).paramLabel(label).type(type).arity("1");
    }
}
