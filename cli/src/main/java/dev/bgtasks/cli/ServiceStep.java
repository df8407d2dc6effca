package dev.bgtasks.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * One step of installing or removing the service: write the file, delete it, or run the manager's tool. A dry run
 * prints the steps; a real run performs them in order.
 */
sealed interface ServiceStep {
    /** Writes the service file. */
    record Write(Path file) implements ServiceStep {
    }

    /** Deletes the service file if it exists. */
    record Delete(Path file) implements ServiceStep {
    }

    /**
     * Runs a command (an argument vector, never a shell line).
     *
     * @param command the tool and its arguments
     * @param mayFail true when failing is expected and harmless (removing what may not be loaded)
     */
    record Run(List<String> command, boolean mayFail) implements ServiceStep {
        public Run {
            command = List.copyOf(command);
        }
    }

    static Run run(String... command) {
        return new Run(List.of(command), false);
    }

    static Run runMayFail(String... command) {
        return new Run(List.of(command), true);
    }
}
