package dev.bgtasks.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bgtask service}: registers the broker with the OS service manager so it starts at login and restarts on
 * failure (a systemd user unit, a launchd agent, a Task Scheduler logon task).
 */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = {"Register the broker with the OS so it starts at login and restarts when it fails:",
                "Linux: systemd user unit ~/.config/systemd/user/bgtasks.service;",
                "macOS: launchd agent ~/Library/LaunchAgents/dev.bgtasks.broker.plist;",
                "Windows: Task Scheduler logon task bgtasks-broker (schtasks /XML).",
                "The service runs `bgtask daemon` with the Java runtime and jar of this command."},
        subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class, ServiceCommand.Status.class},
        footer = {"", "Examples:", "  bgtask service install --dry-run", "  bgtask service install",
                "  bgtask service install --keep-ended 20 --max-age 7d",
                "  bgtask service status --json", "  bgtask service install --dry-run --os windows"})
final class ServiceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** Tests replace these to fix the host, the launch command and the commands run. */
    static ServiceHost host = null;
    static ServiceLaunch launch = null;
    static ServiceRunner runner = null;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The options every service subcommand takes. */
    static class Common {
        @Option(names = "--os", paramLabel = "linux|macos|windows", converter = OsConverter.class,
                description = "The OS to write for (default: this one, from os.name). With --dry-run, shows another "
                        + "OS's files.")
        ServiceOs os;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        ServiceOs os() {
            return os != null ? os : ServiceOs.fromOsName(System.getProperty("os.name", ""));
        }

        ServiceManager manager() {
            ServiceOs target = os();
            ServiceHost where = host != null ? host : ServiceHost.current(target);
            ServiceLaunch how = launch != null ? launch : ServiceLaunch.ofThisProcess(target);
            return ServiceManager.of(target, where, how.withDaemonArguments(daemonArguments()),
                    target == ServiceOs.LINUX ? systemdVersion() : OptionalInt.empty());
        }

        /** The user manager's systemd version, where it shapes the file written; none but install's. */
        OptionalInt systemdVersion() {
            return OptionalInt.empty();
        }

        /** The {@code bgtask daemon} options the service passes on; none but install's. */
        List<String> daemonArguments() {
            return List.of();
        }

        ServiceRunner runner() {
            return runner != null ? runner : ServiceRunner.system(System.getenv());
        }
    }

    /** Converts the {@code --os} value. */
    static final class OsConverter implements picocli.CommandLine.ITypeConverter<ServiceOs> {
        @Override
        public ServiceOs convert(String value) {
            return ServiceOs.parse(value);
        }
    }

    /** {@code bgtask service install}. */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Write the service file, register it and start the broker under the service manager.")
    static final class Install extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        /** What the broker keeps and where it logs (SPEC B7): only the options given are written. */
        @Mixin
        DaemonCommand.Settings daemon = new DaemonCommand.Settings();

        @Override
        List<String> daemonArguments() {
            return daemon.arguments();
        }

        /** Asked of {@code systemctl --version} (read-only, so a dry run asks too): it decides the unit's layout. */
        @Override
        OptionalInt systemdVersion() {
            return ServiceSystemdUnit.systemdVersion(runner());
        }

        @Option(names = "--dry-run", description = "Print the file path, its content and the commands, and change "
                + "nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            ServiceManager manager = manager();
            boolean replacing = Files.exists(manager.file())
                    && !Arrays.equals(Files.readAllBytes(manager.file()), manager.bytes());
            List<ServiceStep> steps = manager.installSteps(replacing);
            if (dryRun) {
                printPlan(out, manager, steps, json, true);
                return 0;
            }
            ServiceRunner tools = runner();
            requireTool(manager, tools);
            perform(manager, steps, tools, out);
            if (json) {
                Output.json(out, planJson(manager, steps, true, false));
            } else {
                out.println("installed " + manager.os().kind() + ": " + manager.file());
                out.println("it runs: " + display(manager.os(), manager.launch.command()));
                out.flush();
            }
            return 0;
        }
    }

    /** {@code bgtask service uninstall}. */
    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = "Stop the broker under the service manager, unregister it and delete the service file.")
    static final class Uninstall extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dry-run", description = "Print the file that would be deleted and the commands, and "
                + "change nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            ServiceManager manager = manager();
            List<ServiceStep> steps = manager.uninstallSteps();
            if (dryRun) {
                printPlan(out, manager, steps, json, false);
                return 0;
            }
            ServiceRunner tools = runner();
            requireTool(manager, tools);
            boolean wasThere = Files.exists(manager.file());
            perform(manager, steps, tools, out);
            if (json) {
                Output.json(out, planJson(manager, steps, false, false));
            } else {
                out.println(wasThere ? "uninstalled " + manager.os().kind() + ": " + manager.file() + " deleted"
                        : "no " + manager.os().kind() + " file at " + manager.file() + "; unregistered anything left");
                out.flush();
            }
            return 0;
        }
    }

    /** {@code bgtask service status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Say whether the service file is installed, where, and whether the service manager "
                    + "reports the broker running (when its tool is present).")
    static final class Status extends Common implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            ServiceManager manager = manager();
            ServiceRunner tools = runner();
            boolean installed = Files.exists(manager.file());
            Boolean running = null;
            String detail;
            Optional<Path> tool = tools.find(manager.os().tool());
            if (tool.isEmpty()) {
                detail = manager.os().tool() + " not found on PATH, so the service manager was not asked";
            } else {
                ServiceManager.ServiceStatus status = manager.interpret(tools.run(manager.statusCommand()));
                running = status.running();
                detail = status.detail();
            }
            if (json) {
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("os", manager.os().optionValue());
                report.put("kind", manager.os().kind());
                report.put("file", manager.file().toString());
                report.put("installed", installed);
                report.put("running", running);
                report.put("detail", detail);
                Output.json(out, report);
            } else {
                out.println((installed ? "installed: " : "not installed: no ") + manager.os().kind() + " at "
                        + manager.file());
                out.println("running:   " + (running == null ? "unknown" : running ? "yes" : "no") + " (" + detail
                        + ")");
                out.flush();
            }
            return 0;
        }
    }

    private static void requireTool(ServiceManager manager, ServiceRunner tools) {
        String tool = manager.os().tool();
        if (tools.find(tool).isEmpty()) {
            throw new IllegalStateException(tool + " not found on PATH: this host has no " + manager.os().kind()
                    + " manager to register with; nothing was written. Run `bgtask daemon` from your session "
                    + "startup instead, or see the files with `bgtask service install --dry-run`.");
        }
    }

    private static void perform(ServiceManager manager, List<ServiceStep> steps, ServiceRunner tools,
                                PrintWriter out) throws IOException {
        for (ServiceStep step : steps) {
            if (step instanceof ServiceStep.Write write) {
                writeAtomically(write.file(), manager.bytes());
            } else if (step instanceof ServiceStep.Delete delete) {
                Files.deleteIfExists(delete.file());
            } else if (step instanceof ServiceStep.Run run) {
                ServiceRunner.Result result = tools.run(run.command());
                if (!result.succeeded() && !run.mayFail()) {
                    throw new IllegalStateException(manager.explainFailure(run.command(), result));
                }
            }
        }
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void printPlan(PrintWriter out, ServiceManager manager, List<ServiceStep> steps, boolean json,
                                  boolean install) {
        if (json) {
            Output.json(out, planJson(manager, steps, install, true));
            return;
        }
        for (ServiceStep step : steps) {
            if (step instanceof ServiceStep.Write write) {
                out.println("would write " + write.file() + (manager.os() == ServiceOs.WINDOWS
                        ? " (UTF-16LE with byte-order mark):" : ":"));
                out.print(manager.content());
            } else if (step instanceof ServiceStep.Delete delete) {
                out.println("would delete " + delete.file());
            } else if (step instanceof ServiceStep.Run run) {
                out.println("would run: " + display(manager.os(), run.command())
                        + (run.mayFail() ? "   (may fail: nothing to remove)" : ""));
            }
        }
        out.flush();
    }

    private static Map<String, Object> planJson(ServiceManager manager, List<ServiceStep> steps, boolean install,
                                                boolean dryRun) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("os", manager.os().optionValue());
        plan.put("kind", manager.os().kind());
        plan.put("action", install ? "install" : "uninstall");
        plan.put("dryRun", dryRun);
        plan.put("file", manager.file().toString());
        plan.put("encoding", manager.os() == ServiceOs.WINDOWS ? "UTF-16LE with BOM" : "UTF-8");
        plan.put("content", install ? manager.content() : null);
        plan.put("command", manager.launch.command());
        List<List<String>> commands = new ArrayList<>();
        steps.stream().filter(ServiceStep.Run.class::isInstance)
                .forEach(step -> commands.add(((ServiceStep.Run) step).command()));
        plan.put("commands", commands);
        return plan;
    }

    /** A command as the user would type it in that OS's shell. */
    static String display(ServiceOs os, List<String> command) {
        if (os == ServiceOs.WINDOWS) {
            return command.stream().map(ServiceWindowsTask::quoteArgument).collect(Collectors.joining(" "));
        }
        return command.stream().map(ServiceCommand::posixQuote).collect(Collectors.joining(" "));
    }

    private static String posixQuote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./:=@+,".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
