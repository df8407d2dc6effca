/**
 * The {@code bgtask} command. An application, not a library: it exports nothing.
 *
 * <pre>{@code
 * java -p mods -m dev.bgtasks.cli/dev.bgtasks.cli.Bgtask doctor
 * }</pre>
 */
module dev.bgtasks.cli {
    requires dev.bgtasks.core;
    requires info.picocli;
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

    // picocli reads the commands' annotated fields and calls their methods reflectively; Output writes its
    // records with Jackson; the task host creates the demo's ExampleBackgroundTask.
    opens dev.bgtasks.cli to info.picocli, com.fasterxml.jackson.databind, dev.bgtasks.core;
}
