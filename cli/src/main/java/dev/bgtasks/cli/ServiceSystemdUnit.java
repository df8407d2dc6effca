package dev.bgtasks.cli;

import dev.bgtasks.spi.TaskEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The systemd user unit {@code bgtasks.service}: started at login by the user manager ({@code default.target}),
 * restarted when it fails; {@code KillMode=process} leaves running tasks alone when the broker restarts, so the new
 * broker re-adopts them. Where the tasks' cgroups go depends on the systemd version, asked at install time
 * ({@code systemctl --version}):
 *
 * <ul>
 *   <li>systemd 254 and later: {@code Delegate=yes} gives the broker the unit's cgroup subtree for the task cgroups,
 *       and {@code DelegateSubgroup=broker} starts the broker, a restarted one too, in the leaf
 *       {@code bgtasks.service/broker}, where it would have moved itself;</li>
 *   <li>before 254, or when the version cannot be told: tasks run in transient user scopes
 *       ({@code BGTASKS_SANDBOX=systemd-scope}), which outlive the broker. A delegated unit would not do: the broker
 *       enables controllers in the unit's cgroup for the task cgroups beneath it, and cgroup v2 then lets no process
 *       join that cgroup, so systemd could not start the restarted broker there ({@code status=219/CGROUP}).</li>
 * </ul>
 *
 * <pre>{@code
 * ServiceSystemdUnit unit = new ServiceSystemdUnit(host, launch, ServiceSystemdUnit.parseVersion("systemd 252 (252.22)"));
 * Files.writeString(unit.file(), unit.content());   // tasks in user scopes: systemd 252 has no DelegateSubgroup=
 * }</pre>
 */
final class ServiceSystemdUnit extends ServiceManager {
    static final String UNIT = "bgtasks.service";
    /** The first systemd with {@code DelegateSubgroup=}. */
    static final int DELEGATE_SUBGROUP_SINCE = 254;
    /** What the broker reads to run tasks in user scopes (the Linux backend's {@code BGTASKS_SANDBOX}). */
    static final String SCOPES_SETTING = "BGTASKS_SANDBOX=systemd-scope";
    private static final Pattern VERSION = Pattern.compile("^systemd (\\d+)");

    private final OptionalInt systemdVersion;

    /** A unit for a systemd whose version is not known: tasks in user scopes, which every version restarts. */
    ServiceSystemdUnit(ServiceHost host, ServiceLaunch launch) {
        this(host, launch, OptionalInt.empty());
    }

    /** @param systemdVersion the user manager's systemd version, from {@code systemctl --version}; empty if unknown */
    ServiceSystemdUnit(ServiceHost host, ServiceLaunch launch, OptionalInt systemdVersion) {
        super(host, launch);
        this.systemdVersion = systemdVersion;
    }

    /** The version in {@code systemctl --version}'s first line ({@code systemd 252 (252.22-1~deb12u1)}). */
    static OptionalInt parseVersion(String output) {
        Matcher m = VERSION.matcher(output == null ? "" : output.strip());
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** Asks {@code systemctl --version}; empty when systemctl is not on PATH, fails or says something else. */
    static OptionalInt systemdVersion(ServiceRunner runner) {
        if (runner.find("systemctl").isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            ServiceRunner.Result result = runner.run(List.of("systemctl", "--version"));
            return result.succeeded() ? parseVersion(result.output()) : OptionalInt.empty();
        } catch (java.io.IOException e) {
            return OptionalInt.empty();
        }
    }

    private boolean delegatesSubgroup() {
        return systemdVersion.isPresent() && systemdVersion.getAsInt() >= DELEGATE_SUBGROUP_SINCE;
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
        lines.add("Environment=" + quote(TaskEnvironment.BROKER_MALLOC_ARENAS.getKey() + "="
                + TaskEnvironment.BROKER_MALLOC_ARENAS.getValue(), false));
        lines.add("Restart=on-failure");
        lines.add("RestartSec=5s");
        String version = systemdVersion.isPresent() ? "systemd " + systemdVersion.getAsInt() : "an unknown systemd";
        if (delegatesSubgroup()) {
            lines.add("# " + version + ": task cgroups beneath the unit's, the broker (restarted too) in the leaf"
                    + " bgtasks.service/broker.");
            lines.add("Delegate=yes");
            lines.add("DelegateSubgroup=broker");
        } else {
            lines.add("# " + version + " (DelegateSubgroup= came in " + DELEGATE_SUBGROUP_SINCE + "): tasks in user"
                    + " scopes, so a restarted broker can join the unit's cgroup.");
            lines.add("Environment=" + quote(SCOPES_SETTING, false));
        }
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
