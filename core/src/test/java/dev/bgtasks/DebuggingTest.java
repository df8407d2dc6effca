package dev.bgtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.testing.BrokerHarness;
import dev.bgtasks.testing.SampleTasks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 16: a Java task's own JVM options (checked), and its JVM waiting for a debugger (bgtask trigger --debug). */
class DebuggingTest {
    private static final String APP = "com.example.notes";
    private static final long LIMIT = 256L << 20; // the broker gives a 160 MiB heap under it
    @TempDir
    Path dir;
    private BrokerHarness h;
    private BackgroundTasks bg;

    @BeforeEach
    void start() {
        h = new BrokerHarness(dir);
        bg = h.app(APP);
        bg.executionManager().requestAccess().join();
    }

    @AfterEach
    void stop() {
        bg.close();
        h.close();
    }

    private BackgroundTaskBuilder javaTask(List<String> options) {
        return bg.newTask().name("export").taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .limits(ResourceLimits.builder().memoryBytes(LIMIT).build()).jvmOptions(options)
                .setTrigger(bg.applicationTrigger());
    }

    @Test
    void allowedOptionsReachTheTaskJvmAfterTheBrokersHeapSize() {
        List<String> options = List.of("-Xmx64m", "-XX:+DisableAttachMechanism", "-Dapp.trace=true", "-Xlog:gc",
                "-ea", "-Xss1m", "--add-opens=java.base/java.lang=ALL-UNNAMED");
        javaTask(options).register();
        bg.applicationTrigger().requestAsync().join();
        List<String> argv = h.platform.lastProcess().spec().command();
        assertThat(argv).containsSubsequence("-Xmx160m", "-Xmx64m", "-XX:+DisableAttachMechanism", "-cp");
        assertThat(argv).containsAll(options);
        assertThat(argv).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
        // Stored with the registration: the next broker starts the same JVM.
        h.restart();
        try (BackgroundTasks again = h.app(APP)) {
            assertThat(again.allTasks()).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-Xmx512m", "-Xms1g", "-XX:MaxRAM=8g", "-XX:MaxHeapSize=1g", "-XX:-UseContainerSupport",
            "-XX:OnOutOfMemoryError=rm -rf ~", "-XX:Flags=/tmp/f", "-XX:+EnableDynamicAgentLoading",
            "-javaagent:/tmp/a.jar", "-agentlib:jdwp=transport=dt_socket", "-agentpath:/tmp/a.so", "-cp",
            "--class-path=/tmp", "--module-path=/tmp", "--patch-module=java.base=/tmp", "-Xbootclasspath/a:/tmp",
            "-Djava.system.class.loader=evil.Loader", "-Djava.class.path=/tmp", "-Dbgtasks.home=/tmp",
            "@/tmp/args", "-Xshare:off", "-jar", ""})
    void optionsThatDefeatTheSandboxOrChangeWhatLoadsAreRefused(String option) {
        assertThatThrownBy(() -> javaTask(List.of(option)).register())
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("jvmOptions");
        assertThat(bg.allTasks()).isEmpty();
    }

    @Test
    void aHeapWithinTheLimitIsFineAndWithoutALimitAnyHeapIs() {
        javaTask(List.of("-Xmx160m")).register().unregister(true);
        bg.newTask().name("free").taskEntryPoint(SampleTasks.Valid.class.getName())
                .classpath(BrokerHarness.testClasspath().stream().map(Path::of).toList())
                .jvmOptions(List.of("-Xmx4g")).setTrigger(bg.applicationTrigger()).register();
        assertThat(bg.allTasks()).hasSize(1);
    }

    @Test
    void jvmOptionsAreForJavaTasksOnly() {
        assertThatThrownBy(() -> bg.newTask().name("cmd").command(List.of("/bin/true")).jvmOptions(List.of("-ea"))
                .setTrigger(bg.applicationTrigger()).register())
                .isInstanceOf(InvalidRegistrationException.class).hasMessageContaining("jvmOptions");
    }

    @Test
    void aDebugRequestStartsThatInstancesJvmWaitingForADebuggerOnTheLoopback() {
        javaTask(List.of()).register();
        var response = h.broker().requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()), null,
                IfRunning.KEEP, 45_123));
        assertThat(response.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        List<String> argv = h.platform.lastProcess().spec().command();
        assertThat(argv).contains("-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:45123");
        assertThat(argv).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));

        // Only that instance: the next one starts as usual.
        h.succeed(h.platform.lastProcess());
        bg.applicationTrigger().requestAsync().join();
        assertThat(h.platform.lastProcess().spec().command()).noneMatch(a -> a.startsWith("-agentlib"));
    }

    @Test
    void aDebugRequestForACommandOrABadPortIsRefused() {
        bg.newTask().name("cmd").command(List.of("/bin/true")).setTrigger(bg.applicationTrigger()).register();
        assertThatThrownBy(() -> h.broker().requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()),
                null, IfRunning.KEEP, 45_123))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Java task");
        assertThatThrownBy(() -> h.broker().requestTrigger(new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of()),
                null, IfRunning.KEEP, 70_000))).isInstanceOf(IllegalArgumentException.class);
        assertThat(h.platform.processes()).isEmpty();
    }
}
