package dev.bgtasks.cli;

import dev.bgtasks.IfRunning;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;

/**
 * The calls scripts make in loops ({@code runs}, {@code tasks --json}, {@code signals}, {@code doctor},
 * {@code access status}, {@code trigger} without {@code --wait}), answered without picocli and without a JSON
 * mapper (issue 18): {@link QuickArgs} parses their plain forms, and each runs the same static method its annotated
 * command runs, so both answer alike.
 *
 * <pre>{@code
 * Integer status = QuickCalls.run(args, null, null);   // null: not a quick call; use the annotated tree
 * }</pre>
 *
 * <p>Only a call that parses cleanly, asks for no help and needs nothing else is answered here; anything else
 * (help, a version, an error, {@code --wait}, human {@code tasks}) returns null before anything is printed or
 * asked, and {@link Bgtask} hands it to the annotated tree, whose usage, errors and help are the only ones.
 */
final class QuickCalls {
    /** The quick commands, by their words, with their options. */
    static final Map<List<String>, List<QuickArgs.Option>> COMMANDS = Map.of(List.of("runs"), QuickArgs.RUNS,
            List.of("tasks"), QuickArgs.TASKS, List.of("signals"), QuickArgs.SIGNALS, List.of("doctor"),
            QuickArgs.DOCTOR, List.of("access", "status"), QuickArgs.ACCESS_STATUS, List.of("trigger"),
            QuickArgs.TRIGGER);

    private QuickCalls() {
    }

    /**
     * Answers a quick call.
     *
     * @param args the whole command line
     * @param out where the answer goes; null for standard output, as picocli writes it
     * @param err where errors go; null for standard error, as picocli writes it
     * @return the exit status, or null when this is not a quick call (nothing was printed or asked)
     */
    static Integer run(String[] args, PrintWriter out, PrintWriter err) {
        List<String> all = List.of(args);
        List<String> words = all.size() > 1 && all.get(0).equals("access") ? all.subList(0, 2)
                : all.isEmpty() ? List.of() : all.subList(0, 1);
        List<QuickArgs.Option> options = COMMANDS.get(words);
        if (options == null) {
            return null;
        }
        Map<String, Object> values = QuickArgs.parse(options, all.subList(words.size(), all.size()));
        if (values == null) {
            return null;
        }
        PrintWriter stdout = out != null ? out : picocliWriter(System.out, "sun.stdout.encoding");
        try {
            return call(String.join(" ", words), values, stdout);
        } catch (RuntimeException e) {
            PrintWriter stderr = err != null ? err : picocliWriter(System.err, "sun.stderr.encoding");
            int status = Bgtask.explain(e, stderr);
            stderr.flush();
            return status;
        } finally {
            stdout.flush();
        }
    }

    /** Null when the annotated command must answer after all (before anything is printed or asked). */
    @SuppressWarnings("unchecked")
    private static Integer call(String command, Map<String, Object> values, PrintWriter out) {
        boolean json = Boolean.TRUE.equals(values.get("--json"));
        String app = (String) values.get("--app");
        switch (command) {
            case "runs":
                return RunsCommand.run(app, json, out);
            case "tasks":
                return json ? TasksCommand.json(app, out) : null;
            case "signals":
                return SignalsCommand.run(Boolean.TRUE.equals(values.get("--watch")), json, out);
            case "doctor":
                return DoctorCommand.run(out);
            case "access status":
                return AccessCommand.Status.run(app, out);
            case "trigger":
                IfRunning policy = TriggerCommand.policy((String) values.get("--if-running"));
                if (Boolean.TRUE.equals(values.get("--wait")) || policy == null) {
                    return null;
                }
                return TriggerCommand.once(app, (String) values.get("--trigger"), (List<String>) values.get("--arg"),
                        policy, (Integer) values.get("--debug"), json, out);
            default:
                return null;
        }
    }

    /** The writer picocli's {@code getOut()} and {@code getErr()} make: the JVM's console encoding, autoflush. */
    private static PrintWriter picocliWriter(PrintStream stream, String encodingProperty) {
        String name = System.getProperty(encodingProperty);
        Charset charset;
        try {
            charset = name == null ? Charset.defaultCharset()
                    : Charset.forName("cp65001".equalsIgnoreCase(name) ? "UTF-8" : name);
        } catch (RuntimeException e) {
            charset = Charset.defaultCharset();
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(stream, charset)), true);
    }
}
