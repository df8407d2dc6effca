package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.InstanceState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Results on real processes: an app registers a Java task that calls {@code setResult} and a command task that runs
 * {@code bgtask result KEY=VALUE} (the CLI, as a process of the task), triggers both and exits; the app started
 * next receives both completions with their result maps.
 */
@Timeout(180)
class ResultNativeTest {
    private static final String APP = "com.example.results";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void resultsOfAJavaAndACommandTaskReachTheRelaunchedApp() throws Exception { // SPEC P2, X5
        try (RealBroker broker = new RealBroker()) {
            List<String> bgtaskResult = new ArrayList<>(bgtask());
            bgtaskResult.addAll(List.of("result", "rows=7", "source=command"));
            List<String> appArgs = new ArrayList<>(List.of("register-results", APP));
            appArgs.addAll(bgtaskResult);
            String first = JavaProcess.output(JavaProcess.start(broker.home, AppMain.class,
                    appArgs.toArray(new String[0])), 60);
            UUID java = triggered(first, "java");
            UUID command = triggered(first, "command");
            for (UUID id : List.of(java, command)) {
                broker.awaitState(APP, id, InstanceState.COMPLETED, WAIT);
            }

            String next = JavaProcess.output(JavaProcess.start(broker.home, AppMain.class,
                    "receive-results", APP, "2", "60"), 90);
            List<String> completed = next.lines().filter(l -> l.startsWith("COMPLETED")).toList();
            assertThat(completed).as(next + "\ncommand task log:\n" + broker.runLog(command))
                    .containsExactlyInAnyOrder(
                    "COMPLETED " + java + " SUCCEEDED {rows=1200, source=java}",
                    "COMPLETED " + command + " SUCCEEDED {rows=7, source=command}");
        }
    }

    /**
     * The CLI as a user runs it: the runnable {@code cli/target/bgtask.jar} the reactor built, or, when this module
     * runs alone, the CLI's classes on this JVM's classpath.
     */
    private static List<String> bgtask() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Path.of(System.getProperty("user.dir")).resolveSibling("cli").resolve("target/bgtask.jar");
        return Files.isRegularFile(jar) ? List.of(java, "-jar", jar.toAbsolutePath().toString())
                : List.of(java, "-cp", System.getProperty("java.class.path"), "dev.bgtasks.cli.Bgtask");
    }

    private static UUID triggered(String output, String slot) {
        Matcher m = Pattern.compile("TRIGGERED " + slot + " ALLOWED (\\S+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return UUID.fromString(m.group(1));
    }
}
