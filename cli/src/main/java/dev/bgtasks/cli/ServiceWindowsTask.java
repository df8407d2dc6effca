package dev.bgtasks.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Task Scheduler task {@code bgtasks-broker}: started at this user's logon in the user's interactive session
 * (where the broker sees the user's signals and the apps' pipes), restarted on failure, with no time limit and one
 * instance at a time. {@code BGTASKS_HOME} travels as {@code -Dbgtasks.home}, since a task action has no
 * environment of its own.
 *
 * <p>The file is UTF-16 little-endian with a byte-order mark and says {@code encoding="UTF-16"}: that is what Task
 * Scheduler exports, and {@code schtasks /Create /XML} rejects UTF-8 files (with or without a BOM) as malformed.
 */
final class ServiceWindowsTask extends ServiceManager {
    static final String TASK_NAME = "bgtasks-broker";
    static final String NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    ServiceWindowsTask(ServiceHost host, ServiceLaunch launch) {
        super(host, host.brokerHome().map(launch::withHomeProperty).orElse(launch));
    }

    @Override
    ServiceOs os() {
        return ServiceOs.WINDOWS;
    }

    /** Task Scheduler keeps its own copy; this one, in the broker's state directory, is what was imported. */
    @Override
    Path file() {
        return host.location().stateDirectory().resolve(TASK_NAME + ".xml");
    }

    @Override
    String content() {
        String user = host.windowsUserId();
        return ServiceXml.document("UTF-16")
                .start("Task", "version", "1.2", "xmlns", NAMESPACE)
                .start("RegistrationInfo")
                .element("Description", "bgtasks broker: the background tasks of this user's applications")
                .element("URI", "\\" + TASK_NAME)
                .end()
                .start("Triggers")
                .start("LogonTrigger").element("Enabled", "true").element("UserId", user).end()
                .end()
                .start("Principals")
                .start("Principal", "id", "Author")
                .element("UserId", user)
                .element("LogonType", "InteractiveToken")
                .element("RunLevel", "LeastPrivilege")
                .end()
                .end()
                .start("Settings")
                .element("MultipleInstancesPolicy", "IgnoreNew")
                .element("DisallowStartIfOnBatteries", "false")
                .element("StopIfGoingOnBatteries", "false")
                .element("AllowHardTerminate", "true")
                .element("StartWhenAvailable", "true")
                .element("RunOnlyIfNetworkAvailable", "false")
                .start("IdleSettings").element("StopOnIdleEnd", "false").element("RestartOnIdle", "false").end()
                .element("AllowStartOnDemand", "true")
                .element("Enabled", "true")
                .element("Hidden", "false")
                .element("RunOnlyIfIdle", "false")
                .element("ExecutionTimeLimit", "PT0S")
                .element("Priority", "7")
                .start("RestartOnFailure").element("Interval", "PT1M").element("Count", "999").end()
                .end()
                .start("Actions", "Context", "Author")
                .start("Exec")
                .element("Command", launch.java().toString())
                .element("Arguments", arguments(launch.arguments()))
                .end()
                .end()
                .end()
                .finish();
    }

    /** UTF-16 little-endian with a byte-order mark, the only Unicode form {@code schtasks /XML} accepts. */
    @Override
    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xFE);
        out.writeBytes(content().getBytes(StandardCharsets.UTF_16LE));
        return out.toByteArray();
    }

    /** The arguments as one string that the Microsoft C runtime of {@code javaw.exe} splits back into the vector. */
    static String arguments(List<String> arguments) {
        return arguments.stream().map(ServiceWindowsTask::quoteArgument).collect(Collectors.joining(" "));
    }

    /**
     * One argument for the C runtime's parser: bare when it has no space, tab or quote; else in quotes, with each
     * quote escaped and the backslashes before a quote (or before the closing quote) doubled.
     */
    static String quoteArgument(String argument) {
        if (!argument.isEmpty() && argument.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"' || c == '\n')) {
            return argument;
        }
        StringBuilder out = new StringBuilder("\"");
        int backslashes = 0;
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            if (c == '\\') {
                backslashes++;
                continue;
            }
            if (c == '"') {
                out.append("\\".repeat(backslashes * 2 + 1)).append('"');
            } else {
                out.append("\\".repeat(backslashes)).append(c);
            }
            backslashes = 0;
        }
        return out.append("\\".repeat(backslashes * 2)).append('"').toString();
    }

    @Override
    List<ServiceStep> installSteps(boolean replacing) {
        // /Run starts it now, as at logon; with IgnoreNew it leaves a running broker alone.
        return List.of(new ServiceStep.Write(file()),
                ServiceStep.run("schtasks", "/Create", "/TN", TASK_NAME, "/XML", file().toString(), "/F"),
                ServiceStep.run("schtasks", "/Run", "/TN", TASK_NAME));
    }

    @Override
    List<ServiceStep> uninstallSteps() {
        return List.of(ServiceStep.runMayFail("schtasks", "/Delete", "/TN", TASK_NAME, "/F"),
                new ServiceStep.Delete(file()));
    }

    @Override
    List<String> statusCommand() {
        return List.of("schtasks", "/Query", "/TN", TASK_NAME, "/FO", "CSV", "/NH");
    }

    @Override
    ServiceStatus interpret(ServiceRunner.Result result) {
        if (!result.succeeded()) {
            return new ServiceStatus(false, "not registered with Task Scheduler (" + result.output() + ")");
        }
        // One CSV row: "\bgtasks-broker","next run time","Status"; the status word is in the user's language.
        String row = result.output().lines().filter(line -> line.contains(TASK_NAME)).findFirst().orElse("");
        String[] columns = row.split("\",\"");
        String status = columns.length >= 3 ? columns[2].replace("\"", "").strip() : row;
        Boolean running = status.equalsIgnoreCase("Running") ? Boolean.TRUE
                : status.equalsIgnoreCase("Ready") || status.equalsIgnoreCase("Disabled") ? Boolean.FALSE : null;
        return new ServiceStatus(running, "Task Scheduler status: " + status);
    }
}
