package dev.bgtasks.cli;

import dev.bgtasks.BrokerUnavailableException;
import dev.bgtasks.InvalidRegistrationException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bgtask} command: runs the broker, inspects and triggers tasks, watches and simulates host signals.
 *
 * <pre>{@code
 * bgtask trigger --app com.example.notes --arg file=notes.db --wait
 * }</pre>
 */
@Command(name = "bgtask", mixinStandardHelpOptions = true, version = "bgtask 0.1.0",
        description = "Application-triggered background tasks: the per-user broker and its tasks.",
        subcommands = {DaemonCommand.class, AccessCommand.class, RegisterCommand.class, TasksCommand.class,
                TriggerCommand.class, RunsCommand.class, CancelCommand.class, UnregisterCommand.class,
                ProgressCommand.class, ResultCommand.class, SignalsCommand.class, SimulateCommand.class, DoctorCommand.class,
                DemoCommand.class, ServiceCommand.class, CommandLine.HelpCommand.class})
public final class Bgtask implements Runnable {
    static final String SLF4J_PROVIDER = "slf4j.provider";
    static final String SIMPLE_PROVIDER = "org.slf4j.simple.SimpleServiceProvider";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs one {@code bgtask} command and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("daemon")) {
            // A client command speaks through its output; the library's info lines belong in the broker log.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
            // logback is on the class path for the broker's own log only (DaemonCommand picks the provider).
            // SLF4J says which provider it loads when one is named, on stderr: noise in every command's output.
            System.setProperty("slf4j.internal.verbosity", "WARN");
            System.setProperty(SLF4J_PROVIDER, SIMPLE_PROVIDER);
        }
        // picocli's documented switch: its default factory otherwise looks for Groovy's Closure class as it
        // initialises, a miss that searches the class path and builds a ClassNotFoundException on every call (issue
        // 18). No command here is a Groovy closure.
        System.setProperty("picocli.disable.closures", "true");
        // The calls scripts make in loops parse with a model built without reflection; the rest, and every help
        // text and error, come from the annotated tree.
        Integer quick = QuickCalls.run(args, null, null);
        if (quick != null && quick == 0) {
            // Success ends main rather than call System.exit, which on JDK 21 and later first asks for a
            // System.Logger (to log Runtime.exit): a service lookup over the class path that opens and indexes the
            // 6,000-entry jar, about 10 ms of each call on JDK 25 (issue 18). A quick call leaves only daemon
            // threads (CheckoutLauncherTest would time out otherwise).
            return;
        }
        System.exit(quick != null ? quick : newCommandLine(args).execute(args));
    }

    /** The whole command tree: for help, completion and the man pages. */
    static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Bgtask());
        cli.setExecutionExceptionHandler(Bgtask::explain);
        return cli;
    }

    /**
     * The command tree a call needs. Scripts call {@code bgtask runs --json} in loops, and picocli reflects over
     * every command class (and loads the types of their fields) when it builds a model: when the first word names
     * a command, only that command's model is built under a bare root named {@code bgtask}. Anything else (no
     * word, an option first, {@code help}, a typo) gets the whole tree, so its errors and usage stay complete.
     */
    static CommandLine newCommandLine(String[] args) {
        Class<?> only = args.length == 0 ? null : commandNamed(args[0]);
        if (only == null || only == CommandLine.HelpCommand.class) {
            return newCommandLine();
        }
        Command root = Bgtask.class.getAnnotation(Command.class);
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(new Bgtask())
                .name(root.name()).version(root.version());
        spec.mixinStandardHelpOptions(true);
        CommandLine cli = new CommandLine(spec);
        cli.addSubcommand(args[0], new CommandLine(only));
        cli.setExecutionExceptionHandler(Bgtask::explain);
        return cli;
    }

    private static Class<?> commandNamed(String word) {
        for (Class<?> command : Bgtask.class.getAnnotation(Command.class).subcommands()) {
            if (command.getAnnotation(Command.class).name().equals(word)) {
                return command;
            }
        }
        return null;
    }

    /** Known failures get one clear line, not a stack trace. */
    static int explain(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof BrokerUnavailableException
                || e instanceof InvalidRegistrationException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            err.println("bgtask: " + e.getMessage());
            return 1;
        }
        err.println("bgtask: " + e);
        e.printStackTrace(err);
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
