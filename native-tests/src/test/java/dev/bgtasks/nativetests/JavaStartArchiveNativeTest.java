package dev.bgtasks.nativetests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.InstanceInfo;
import dev.bgtasks.InstanceState;
import dev.bgtasks.TaskOutcome;
import dev.bgtasks.TriggerResponse;
import dev.bgtasks.arguments.ValueMapCodec;
import dev.bgtasks.broker.TaskDefinition;
import dev.bgtasks.broker.TaskTarget;
import dev.bgtasks.broker.TriggerRequest;
import dev.bgtasks.spi.ResourceLimits;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's class-data archives for Java tasks with a real broker and real JVMs: a registration trains one, the
 * next task maps it, and an updated jar gets a task that starts without the stale archive and a new archive.
 */
@EnabledOnOs(OS.LINUX) // the task proves it through /proc/self/maps
class JavaStartArchiveNativeTest {
    private static final String APP = "com.example.indexer";
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private RealBroker broker;
    private List<String> classpath;
    private Path taskJar;

    @BeforeEach
    void start() throws Exception {
        broker = new RealBroker();
        classpath = jarsOnly();
        taskJar = Path.of(classpath.get(0));
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @Test
    void aRegistrationTrainsAnArchiveTheNextTaskMapsAndAnUpdatedJarGetsANewOne() throws Exception {
        registerIndexer();
        Path archives = broker.location.javaStartArchiveDirectory();
        List<Path> first = awaitArchives(archives, 1);

        assertThat(mappedArchives(runTask())).as(broker.log()).containsExactlyElementsOf(first);

        // An updated app: the JVM would refuse the old archive; the task starts without it and a new one is trained.
        Files.setLastModifiedTime(taskJar, FileTime.fromMillis(Files.getLastModifiedTime(taskJar).toMillis() + 2000));
        assertThat(mappedArchives(runTask())).isEmpty();
        List<Path> second = awaitArchives(archives, 2);
        assertThat(second).containsAll(first);
        Path fresh = second.stream().filter(p -> !first.contains(p)).findFirst().orElseThrow();
        assertThat(mappedArchives(runTask())).containsExactly(fresh);
        assertThat(broker.log()).contains("trained the start archive for " + MappedArchivesTask.class.getName());
    }

    @Test
    void aTruncatedArchiveNeverReachesATaskAndIsTrainedAgain() throws Exception {
        // The JVM maps an archive without checking its length: a cut one would kill the task with SIGBUS.
        registerIndexer();
        Path archives = broker.location.javaStartArchiveDirectory();
        Path archive = awaitArchives(archives, 1).get(0);
        long size = Files.size(archive);
        assertThat(archive.toFile().setWritable(true)).isTrue();
        try (FileChannel file = FileChannel.open(archive, StandardOpenOption.WRITE)) {
            file.truncate(size / 2);
        }

        // The launch finds the cut archive, deletes it and starts the task without one; training starts again.
        assertThat(mappedArchives(runTask())).isEmpty();
        assertThat(broker.log()).contains("deleting the damaged start archive " + archive);
        Path again = awaitArchives(archives, 1).get(0);
        assertThat(mappedArchives(runTask())).containsExactly(again);
    }

    private void registerIndexer() {
        broker.client().requestAccess(APP);
        broker.client().register(APP, new TaskDefinition("indexer", "",
                new TaskTarget.JavaEntryPoint(MappedArchivesTask.class.getName(), classpath), Set.of(), false,
                ResourceLimits.defaults(), false, null, null));
    }

    /** Runs the task once; returns what it wrote. */
    private String runTask() throws Exception {
        Path out = dir.resolve("maps-" + UUID.randomUUID());
        TriggerResponse response = broker.client().requestTrigger(
                new TriggerRequest(APP, "", ValueMapCodec.encode(Map.of("out", out.toString())), null));
        assertThat(response.result()).isEqualTo(ApplicationTriggerResult.ALLOWED);
        InstanceInfo done = broker.awaitState(APP, response.instanceId(), InstanceState.COMPLETED, DEADLINE);
        assertThat(done.outcome()).as(broker.log()).isEqualTo(TaskOutcome.SUCCEEDED);
        return Files.readString(out);
    }

    private List<Path> mappedArchives(String maps) {
        Path archives = broker.location.javaStartArchiveDirectory();
        return maps.lines().map(Path::of).filter(p -> p.startsWith(archives)).toList();
    }

    private List<Path> awaitArchives(Path archives, int count) throws IOException {
        RealBroker.await(() -> list(archives, ".jsa").size() >= count || !list(archives, ".failed").isEmpty(),
                DEADLINE, count + " archive(s) in " + archives);
        assertThat(list(archives, ".failed")).as("training failed: see %s", archives).isEmpty();
        return list(archives, ".jsa");
    }

    private static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * This test's classpath as an app ships it, jars only (JDK 17 archives nothing with a class directory on the
     * classpath): each directory becomes a jar of its own. The test classes' jar comes first.
     */
    private List<String> jarsOnly() throws IOException {
        List<String> jars = new ArrayList<>();
        Path testClasses = Path.of(MappedArchivesTask.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath());
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = dir.resolve(jars.size() + "-" + path.getFileName() + ".jar");
                jarUp(path, jar);
                jars.add(path.equals(testClasses) ? 0 : jars.size(), jar.toString());
            } else if (Files.isRegularFile(path) && entry.endsWith(".jar")) {
                jars.add(entry);
            }
        }
        assertThat(jars.get(0)).as("the test classes' jar").endsWith("-test-classes.jar");
        return jars;
    }

    private static void jarUp(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> tree = Files.walk(classes)) {
            for (Path path : tree.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace(File.separatorChar, '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
    }
}
