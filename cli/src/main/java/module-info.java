/**
 * The {@code bgtask} command. An application, not a library. It holds the package {@code picocli}, compiled from
 * picocli's sources (see cli/pom.xml).
 *
 * <pre>{@code
 * java -p mods -m dev.bgtasks.cli/dev.bgtasks.cli.Bgtask doctor
 * }</pre>
 */
module dev.bgtasks.cli {
    requires dev.bgtasks.core;
    requires org.apache.commons.exec;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires java.xml;
    requires org.slf4j;
    // The broker this command runs uses the native backend of its OS and logs through slf4j-simple; both are found
    // with ServiceLoader, so they are required here for the module path and jlink to bring them.
    requires dev.bgtasks.linux;
    requires dev.bgtasks.windows;
    requires dev.bgtasks.macos;
    requires org.slf4j.simple;

    // Output writes its records with Jackson; the task host creates the demo's ExampleBackgroundTask. (picocli,
    // which reads the commands' annotated fields reflectively, is in this module.)
    // Exported only to make this module a root of its runtime's boot layer: the self-contained bgtask starts
    // Bgtask by class name, not with -m, so that JDK 17 maps the archived module graph (dist/src/dist/bin/bgtask).
    exports dev.bgtasks.cli;
    opens dev.bgtasks.cli to com.fasterxml.jackson.databind, dev.bgtasks.core;
}
