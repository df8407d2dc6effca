package dev.bgtasks.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The systemd user unit {@code bgtasks.service}: started at login by the user manager ({@code default.target}),
 * restarted when it fails. {@code Delegate=yes} gives the broker its own cgroup subtree for the task cgroups, and
 * {@code KillMode=process} leaves running tasks alone when the broker restarts, so the new broker re-adopts them.
 */
final class ServiceSystemdUnit extends ServiceManager {
    static final String UNIT = "bgtasks.service";

    ServiceSystemdUnit(ServiceHost host, ServiceLaunch launch) {
        super(host, launch);
    }

    @Override
    ServiceOs os() {
        return ServiceOs.LINUX;
    }

    /** {@code $XDG_CONFIG_HOME/systemd/user}, else {@code ~/.config/systemd/user}, as systemd.unit(5) searches. */
    @Override
    Path file() {
        String config = host.environment().get("XDG_CONFIG_HOME");
        Path base = config == null || config.isBlank() || !Path.of(config).isAbsolute()
                ? host.userHome().resolve(".config") : Path.of(config);
        return base.resolve("systemd").resolve("user").resolve(UNIT);
    }

    @Override
    String content() {
        List<String> lines = new ArrayList<>();
        lines.add("# Written by `bgtask service install`; `bgtask service uninstall` removes it.");
        lines.add("[Unit]");
        lines.add("Description=bgtasks broker: the background tasks of this user's applications");
        lines.add("");
        lines.add("[Service]");
        lines.add("Type=simple");
        lines.add("ExecStart=" + execLine(launch.command()));
        host.brokerHome().ifPresent(home -> lines.add("Environment="
                + quote("BGTASKS_HOME=" + home, false)));
        lines.add("Restart=on-failure");
        lines.add("RestartSec=5s");
        lines.add("Delegate=yes");
        lines.add("KillMode=process");
        lines.add("");
        lines.add("[Install]");
        lines.add("WantedBy=default.target");
        return String.join("\n", lines) + "\n";
    }

    /** Each argument quoted for {@code ExecStart=}: specifiers, variables and C escapes kept literal. */
    static String execLine(List<String> command) {
        return command.stream().map(argument -> quote(argument, true)).collect(Collectors.joining(" "));
    }

    /**
     * One word of a unit file setting, read back by systemd exactly as given. Inside double quotes systemd undoes C
     * escapes, so backslash and quote are escaped; {@code %} starts a specifier in every setting and becomes
     * {@code %%}; in {@code ExecStart=} {@code $} starts a variable and becomes {@code $$}. Control characters are
     * written as escapes, since a raw newline would end the setting.
     *
     * @param inExec true for {@code ExecStart=} (expands {@code $}), false for {@code Environment=} (does not)
     */
    static String quote(String word, boolean inExec) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '%' -> out.append("%%");
                case '$' -> out.append(inExec ? "$$" : "$");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    List<ServiceStep> installSteps(boolean replacing) {
        List<ServiceStep> steps = new ArrayList<>();
        steps.add(new ServiceStep.Write(file()));
        steps.add(ServiceStep.run("systemctl", "--user", "daemon-reload"));
        steps.add(ServiceStep.run("systemctl", "--user", "enable", "--now", UNIT));
        if (replacing) {
            // enable --now leaves a running broker on the old unit; a restart applies the new one.
            steps.add(ServiceStep.run("systemctl", "--user", "try-restart", UNIT));
        }
        return steps;
    }

    @Override
    List<ServiceStep> uninstallSteps() {
        return List.of(ServiceStep.runMayFail("systemctl", "--user", "disable", "--now", UNIT),
                new ServiceStep.Delete(file()),
                ServiceStep.runMayFail("systemctl", "--user", "daemon-reload"));
    }

    @Override
    List<String> statusCommand() {
        return List.of("systemctl", "--user", "is-active", UNIT);
    }

    @Override
    ServiceStatus interpret(ServiceRunner.Result result) {
        String state = result.output().strip();
        if (noUserManager(result)) {
            return new ServiceStatus(null, "systemd user instance not running (" + state + ")");
        }
        // is-active prints one word: active, inactive, failed, activating, deactivating, reloading.
        return new ServiceStatus(state.equals("active"), state);
    }

    @Override
    String explainFailure(List<String> command, ServiceRunner.Result result) {
        if (noUserManager(result)) {
            return "systemd user instance not running: the unit is written to " + file() + "; start it with "
                    + "`systemctl --user enable --now " + UNIT + "` from a login session, or run `bgtask daemon` from "
                    + "your session (" + result.output() + ")";
        }
        return super.explainFailure(command, result);
    }

    private static boolean noUserManager(ServiceRunner.Result result) {
        String output = result.output();
        return !result.succeeded() && (output.contains("Failed to connect to bus")
                || output.contains("No medium found") || output.contains("XDG_RUNTIME_DIR")
                || output.contains("DBUS_SESSION_BUS_ADDRESS"));
    }
}
