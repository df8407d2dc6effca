package dev.bgtasks.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * One OS's service manager: the file that registers the broker, the steps that install and remove it, and how to
 * ask whether it runs.
 */
abstract class ServiceManager {
    final ServiceHost host;
    final ServiceLaunch launch;

    ServiceManager(ServiceHost host, ServiceLaunch launch) {
        this.host = host;
        this.launch = launch;
    }

    static ServiceManager of(ServiceOs os, ServiceHost host, ServiceLaunch launch) {
        return of(os, host, launch, OptionalInt.empty());
    }

    /** @param systemdVersion the user manager's version (it shapes the Linux unit); empty when unknown */
    static ServiceManager of(ServiceOs os, ServiceHost host, ServiceLaunch launch, OptionalInt systemdVersion) {
        return switch (os) {
            case LINUX -> new ServiceSystemdUnit(host, launch, systemdVersion);
            case MACOS -> new ServiceLaunchdAgent(host, launch);
            case WINDOWS -> new ServiceWindowsTask(host, launch);
        };
    }

    abstract ServiceOs os();

    /** Where the service file goes. */
    abstract Path file();

    /** The file's text. */
    abstract String content();

    /** The file's bytes: UTF-8 unless the manager needs otherwise. */
    byte[] bytes() {
        return content().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the file, registers it and starts the broker.
     *
     * @param replacing true when a different file is already installed
     */
    abstract List<ServiceStep> installSteps(boolean replacing);

    /** Stops and unregisters the broker and deletes the file. */
    abstract List<ServiceStep> uninstallSteps();

    /** The command that asks the manager about the service. */
    abstract List<String> statusCommand();

    /** Reads the status command's result: is the broker running under the manager? */
    abstract ServiceStatus interpret(ServiceRunner.Result result);

    /** A clear message for a failed step, naming what is already done and what to do next. */
    String explainFailure(List<String> command, ServiceRunner.Result result) {
        return ServiceCommand.display(os(), command) + " failed (exit " + result.exitCode() + "): " + result.output();
    }

    /**
     * What the manager says about the service.
     *
     * @param running true when the broker runs under it; null when the manager could not be asked
     * @param detail the manager's own words
     */
    record ServiceStatus(Boolean running, String detail) {
    }
}
