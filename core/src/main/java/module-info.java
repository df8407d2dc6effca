/**
 * bgtasks core: what an app calls ({@code dev.bgtasks}), what a task calls ({@code dev.bgtasks.task}) and the seam
 * a backend implements ({@code dev.bgtasks.spi}). Everything else is the broker's inside: exported only to the
 * {@code bgtask} command, which runs and inspects the broker (and the task host's runner to bgtasks-junit, which
 * runs a task in a test), and opened only to Jackson, which reads and writes the records that travel over the wire
 * and into the store.
 *
 * <pre>{@code
 * module com.example.app {
 *     requires dev.bgtasks.core;
 *     exports com.example.tasks to dev.bgtasks.core;   // the task host creates the app's BackgroundTask classes
 * }
 * }</pre>
 *
 * <p>A backend is found with {@link java.util.ServiceLoader}: put {@code dev.bgtasks.linux} (or the Windows or
 * macOS one) on the module path, or name it in {@code jlink --add-modules}; without one the generic platform
 * runs.
 */
module dev.bgtasks.core {
    requires java.sql;
    requires jdk.net;
    requires org.slf4j;
    requires org.xerial.sqlitejdbc;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.github.oshi;

    exports dev.bgtasks;
    exports dev.bgtasks.task;
    exports dev.bgtasks.spi;

    // The bgtask command runs the broker in the foreground, registers and inspects tasks over the wire.
    exports dev.bgtasks.arguments to dev.bgtasks.cli, dev.bgtasks.junit;
    exports dev.bgtasks.broker to dev.bgtasks.cli;
    exports dev.bgtasks.daemon to dev.bgtasks.cli;
    exports dev.bgtasks.ipc to dev.bgtasks.cli;
    exports dev.bgtasks.launch to dev.bgtasks.cli;
    // The backends offer the generic platform's OSHI hardware readings beside their own (SPEC H4).
    exports dev.bgtasks.generic to dev.bgtasks.linux, dev.bgtasks.windows, dev.bgtasks.macos;
    // bgtasks-junit's TaskRun runs a task in the test's JVM with the task host's own runner and argument codec.
    exports dev.bgtasks.host to dev.bgtasks.junit;

    // Records and enums that travel as JSON (the wire, stored task definitions): Jackson reads their
    // constructors and accessors reflectively, and the wire's mix-ins are private interfaces.
    opens dev.bgtasks to com.fasterxml.jackson.databind;
    opens dev.bgtasks.task to com.fasterxml.jackson.databind;
    opens dev.bgtasks.spi to com.fasterxml.jackson.databind;
    opens dev.bgtasks.broker to com.fasterxml.jackson.databind;
    opens dev.bgtasks.ipc to com.fasterxml.jackson.databind;

    uses dev.bgtasks.spi.HostPlatform;
    // The broker starter looks for the app's SLF4J provider, to hand it to the broker it starts.
    uses org.slf4j.spi.SLF4JServiceProvider;

    provides dev.bgtasks.spi.HostPlatform with dev.bgtasks.generic.GenericPlatform;
}
