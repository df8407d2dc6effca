package dev.bgtasks.cli;

import picocli.CommandLine.Option;

/** The {@code --app APP} every app-scoped command takes. */
final class AppOption {
    @Option(names = "--app", required = true, paramLabel = "APP",
            description = "The app id, e.g. com.example.notes.")
    String appId;
}
