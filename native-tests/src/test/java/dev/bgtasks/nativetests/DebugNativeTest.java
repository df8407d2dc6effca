package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.cli.Bgtask;
import dev.bgtasks.spi.ResourceLimits;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Debugging a task on real processes: {@code bgtask trigger --debug} (the CLI in its own JVM) prints where the
 * task's JVM waits for a debugger, and the JDK's {@code jdb -attach} connects there, lets it go on, and the task
 * completes.
 */
@Timeout(180)
class DebugNativeTest {
    private static final String APP = "com.example.debug";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void triggerDebugPrintsAnAddressJdbAttachesTo() throws Exception { // issue 16: debugging a task (no SPEC rule; docs/cli.md)
        Path jdb = Path.of(System.getProperty("java.home"), "bin", "jdb");
        if (!Files.isExecutable(jdb)) {
            String why = "no jdb in " + jdb.getParent() + " (a JRE, not a JDK)";
            if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
                Assertions.fail(why + ", and BGTASKS_REQUIRE_NATIVE=1 says this host must run the jdb test");
            }
            Assumptions.abort(why);
        }
        try (RealBroker broker = new RealBroker()) {
            broker.client().requestAccess(APP);
            List<String> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .filter(e -> Files.exists(Path.of(e))).toList();
            broker.client().register(APP, new TaskDefinition("debugged", "",
                    new TaskTarget.JavaEntryPoint(ResultTask.class.getName(), classpath), Set.of(), false,
                    ResourceLimits.defaults(), false, null, null));

            String printed = JavaProcess.output(JavaProcess.start(broker.home, Bgtask.class,
                    "trigger", "--app", APP, "--debug"), 60);
            Matcher attach = Pattern.compile("jdb -attach (127\\.0\\.0\\.1:\\d+)").matcher(printed);
            assertThat(attach.find()).as(printed).isTrue();
            Matcher allowed = Pattern.compile("ALLOWED (\\S+)").matcher(printed);
            assertThat(allowed.find()).as(printed).isTrue();
            UUID id = UUID.fromString(allowed.group(1));
            InstanceInfo running = broker.awaitState(APP, id, InstanceState.RUNNING, WAIT);
            broker.track(running.pid());

            String session = attachAndContinue(jdb, attach.group(1));
            assertThat(session).as("jdb's session").containsAnyOf("VM Started", "Initializing jdb");
            InstanceInfo done = broker.awaitState(APP, id, InstanceState.COMPLETED, WAIT);
            assertThat(done.outcome()).as(broker.runLog(id)).isEqualTo(TaskOutcome.SUCCEEDED);
        }
    }

    /**
     * Runs {@code jdb -attach address} until it attaches (the task's JVM may not listen yet when the instance is
     * RUNNING), tells the suspended JVM to go on, and returns what jdb printed once it has ended.
     */
    private static String attachAndContinue(Path jdb, String address) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        String seen = "";
        while (System.nanoTime() < end) {
            Process process = new ProcessBuilder(jdb.toString(), "-attach", address).redirectErrorStream(true).start();
            StringBuffer output = new StringBuffer();
            Thread reader = new Thread(() -> copy(process.getInputStream(), output), "jdb-output");
            reader.start();
            // Attached once jdb says the VM started; it exits at once when nothing listens yet.
            RealBroker.await(() -> !process.isAlive() || output.toString().contains("VM Started"), WAIT,
                    "jdb to attach or give up");
            if (process.isAlive()) {
                process.getOutputStream().write("cont\n".getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
                // The task ends, its JVM exits, and jdb with it; quit in case it lingers.
                if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    process.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
                    process.getOutputStream().flush();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
                reader.join(TimeUnit.SECONDS.toMillis(10));
                return output.toString();
            }
            reader.join(TimeUnit.SECONDS.toMillis(10));
            seen = output.toString();
        }
        throw new AssertionError("jdb did not attach to " + address + " within " + WAIT + "; it said: " + seen);
    }

    private static void copy(InputStream in, StringBuffer into) {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            into.append(e);
        }
    }
}
