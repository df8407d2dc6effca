package dev.bgtasks.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The launchd agent {@code dev.bgtasks.broker}: loaded at login ({@code RunAtLoad}) and started again when it exits
 * with a failure ({@code KeepAlive} with {@code SuccessfulExit} false). {@code AbandonProcessGroup} keeps launchd from
 * killing running tasks with the broker, so a restarted broker re-adopts them.
 */
final class ServiceLaunchdAgent extends ServiceManager {
    static final String LABEL = "dev.bgtasks.broker";
    static final String DOCTYPE = "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">";

    ServiceLaunchdAgent(ServiceHost host, ServiceLaunch launch) {
        super(host, launch);
    }

    @Override
    ServiceOs os() {
        return ServiceOs.MACOS;
    }

    @Override
    Path file() {
        return host.userHome().resolve("Library").resolve("LaunchAgents").resolve(LABEL + ".plist");
    }

    /**
     * The launchd output file: the broker log, where the broker writes when a client starts it too; with {@code
     * --log-file} the broker writes and rotates that log itself, and its stray output goes beside it (SPEC B7).
     */
    Path logFile() {
        Path log = host.location().logFile();
        return launch.arguments().contains("--log-file") ? log.resolveSibling("broker.out") : log;
    }

    @Override
    String content() {
        ServiceXml plist = ServiceXml.document("UTF-8").doctype(DOCTYPE)
                .start("plist", "version", "1.0")
                .start("dict")
                .element("key", "Label").element("string", LABEL)
                .element("key", "ProgramArguments").start("array");
        launch.command().forEach(argument -> plist.element("string", argument));
        plist.end();
        Optional<Path> home = host.brokerHome();
        if (home.isPresent()) {
            plist.element("key", "EnvironmentVariables").start("dict")
                    .element("key", "BGTASKS_HOME").element("string", home.get().toString())
                    .end();
        }
        return plist.element("key", "RunAtLoad").empty("true")
                .element("key", "KeepAlive").start("dict")
                .element("key", "SuccessfulExit").empty("false")
                .end()
                .element("key", "AbandonProcessGroup").empty("true")
                .element("key", "ProcessType").element("string", "Background")
                .element("key", "StandardOutPath").element("string", logFile().toString())
                .element("key", "StandardErrorPath").element("string", logFile().toString())
                .end()
                .end()
                .finish();
    }

    private String domain() {
        return "gui/" + host.requireUid();
    }

    @Override
    List<ServiceStep> installSteps(boolean replacing) {
        // bootstrap refuses a label that is loaded already, so a reinstall boots the old one out first.
        return List.of(new ServiceStep.Write(file()),
                ServiceStep.runMayFail("launchctl", "bootout", domain() + "/" + LABEL),
                ServiceStep.run("launchctl", "bootstrap", domain(), file().toString()));
    }

    @Override
    List<ServiceStep> uninstallSteps() {
        return List.of(ServiceStep.runMayFail("launchctl", "bootout", domain() + "/" + LABEL),
                new ServiceStep.Delete(file()));
    }

    @Override
    List<String> statusCommand() {
        return List.of("launchctl", "print", domain() + "/" + LABEL);
    }

    @Override
    ServiceStatus interpret(ServiceRunner.Result result) {
        if (!result.succeeded()) {
            return new ServiceStatus(false, "not loaded in " + domain());
        }
        // launchctl print lists "state = running" (or "not running", "waiting") among its many lines.
        Optional<String> state = result.output().lines().map(String::strip)
                .filter(line -> line.startsWith("state = ")).findFirst();
        return new ServiceStatus(state.map(s -> s.equals("state = running")).orElse(null),
                "loaded in " + domain() + state.map(s -> ", " + s).orElse(""));
    }

    @Override
    String explainFailure(List<String> command, ServiceRunner.Result result) {
        return super.explainFailure(command, result) + "; the agent is written to " + file()
                + ", and launchd loads it at the next login";
    }
}
