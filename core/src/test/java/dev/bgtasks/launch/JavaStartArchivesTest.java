package dev.bgtasks.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bookkeeping of Java start archives with a fake training JVM on the calling thread: which classpaths qualify,
 * when training runs, what a launch gets, what is remembered and what is deleted. The native tests train real ones.
 */
class JavaStartArchivesTest {
    @TempDir
    Path dir;

    private Path archives;
    private Path java;
    private Path appJar;
    private Path libJar;
    private FakeTrainer trainer;

    @BeforeEach
    void files() throws IOException {
        archives = dir.resolve("archives");
        Path javaHome = Files.createDirectories(dir.resolve("jdk"));
        java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        appJar = Files.writeString(dir.resolve("app.jar"), "app");
        libJar = Files.writeString(dir.resolve("lib.jar"), "lib");
        trainer = new FakeTrainer(Optional.of(0));
    }

    private JavaStartArchives archivesWith(FakeTrainer fake) {
        return new JavaStartArchives(archives, java, new CallerRuns(), fake);
    }

    private List<String> classpath() {
        return List.of(appJar.toString(), libJar.toString());
    }

    @Test
    void aClasspathOfJarsQualifiesAndItsKeyIsStable() {
        JavaStartArchives subject = archivesWith(trainer);
        assertThat(subject.keyOf(classpath())).get().asString().matches("[0-9a-f]{32}");
        assertThat(subject.keyOf(classpath())).isEqualTo(subject.keyOf(classpath()));
        assertThat(subject.keyOf(List.of(libJar.toString(), appJar.toString()))).isNotEqualTo(
                subject.keyOf(classpath()));
    }

    @Test
    void aDirectoryAMissingJarOrAnotherFileOnTheClasspathGetsNoArchive() throws IOException {
        // JDK 17 refuses to dump an archive with a non-empty directory on the classpath.
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path zip = Files.writeString(dir.resolve("lib.zip"), "zip");
        JavaStartArchives subject = archivesWith(trainer);
        assertThat(subject.keyOf(List.of(appJar.toString(), classes.toString()))).isEmpty();
        assertThat(subject.keyOf(List.of(appJar.toString(), dir.resolve("gone.jar").toString()))).isEmpty();
        assertThat(subject.keyOf(List.of(zip.toString()))).isEmpty();
        assertThat(subject.keyOf(List.of())).isEmpty();
        assertThat(subject.optionsFor(List.of(classes.toString()), "tasks.Export")).isEmpty();
        assertThat(trainer.trainings()).isEmpty();
    }

    @Test
    void anUpdatedJarOrJdkGetsANewKey() throws IOException {
        JavaStartArchives subject = archivesWith(trainer);
        String before = subject.keyOf(classpath()).orElseThrow();
        Files.setLastModifiedTime(libJar, FileTime.fromMillis(Files.getLastModifiedTime(libJar).toMillis() - 5000));
        String afterJar = subject.keyOf(classpath()).orElseThrow();
        assertThat(afterJar).isNotEqualTo(before);
        Files.writeString(java.getParent().resolveSibling("release"), "JAVA_VERSION=\"17.0.16\"\n");
        assertThat(subject.keyOf(classpath()).orElseThrow()).isNotEqualTo(afterJar);
    }

    @Test
    void theFirstLaunchStartsWithoutAnArchiveAndTrainsOneThatTheNextLaunchUses() throws IOException {
        JavaStartArchives subject = archivesWith(trainer);
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).isEmpty();

        String key = subject.keyOf(classpath()).orElseThrow();
        String crashLog = "-XX:ErrorFile=" + archives.resolve(key + JavaStartArchives.CRASH_LOG_SUFFIX);
        // Dumped with the native access the task runs with: JDK 25 half ignores an archive dumped without it.
        String providerFile = "-D" + JavaStartArchives.SELECTOR_PROVIDER_FILE_PROPERTY + "="
                + archives.resolve(key + JavaStartArchives.SELECTOR_PROVIDER_SUFFIX);
        List<String> rest = List.of("-XX:+VerifySharedSpaces", JvmRuntime.NATIVE_ACCESS, crashLog, providerFile, "-cp",
                appJar + File.pathSeparator + libJar, "dev.bgtasks.host.TaskHost", "--warm-up", "tasks.Export");
        assertThat(trainer.commands).hasSize(2);
        List<String> training = trainer.commands.get(0);
        assertThat(training.get(0)).isEqualTo(java.toString());
        assertThat(training.get(1)).startsWith("-XX:ArchiveClassesAtExit=" + archives.resolve(key + "."));
        assertThat(training.subList(2, training.size())).containsExactly(
                Stream.concat(Stream.of("-Xshare:auto"), rest.stream()).toArray(String[]::new));
        // The check run starts from the partial archive with sharing required, before it is installed.
        String partial = training.get(1).substring("-XX:ArchiveClassesAtExit=".length());
        assertThat(trainer.commands.get(1)).containsExactlyElementsOf(Stream.concat(Stream.of(java.toString(),
                "-XX:SharedArchiveFile=" + partial, "-Xshare:on"), rest.stream()).toList());

        Path archive = subject.installed(key).orElseThrow();
        assertThat(archive.getFileName().toString()).isEqualTo(key + "." + Files.size(archive) + ".jsa");
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).containsExactly("-XX:SharedArchiveFile=" + archive);
        assertThat(trainer.trainings()).hasSize(1);
        // Only the archive is left: the partial file was moved into place, the training log deleted.
        assertThat(archives.toFile().list()).containsExactly(archive.getFileName().toString());
    }

    @Test
    void theJdksOwnSelectorProviderThatTheTrainingFoundIsNamedToTheTasksJvm() throws IOException {
        // Issue 15: spares each task the lookup of the provider as a service across its whole classpath.
        JavaStartArchives subject = archivesWith(trainer);
        subject.prepare(classpath(), "tasks.Export");
        String key = subject.keyOf(classpath()).orElseThrow();
        Path archive = subject.installed(key).orElseThrow();
        Path provider = archives.resolve(key + JavaStartArchives.SELECTOR_PROVIDER_SUFFIX);
        Files.writeString(provider, "sun.nio.ch.EPollSelectorProvider\n");
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).containsExactly(
                "-XX:SharedArchiveFile=" + archive,
                "-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider");
        // Anything but a class name is not passed on: the task looks the provider up as before.
        Files.writeString(provider, "-XX:+Crash sun.nio.ch.Evil");
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).containsExactly(
                "-XX:SharedArchiveFile=" + archive);
        // A new training starts without the old answer: the classpath may have changed what it names.
        Files.writeString(provider, "sun.nio.ch.EPollSelectorProvider");
        Files.delete(archive);
        subject.optionsFor(classpath(), "tasks.Export");
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).containsExactly(
                "-XX:SharedArchiveFile=" + subject.installed(key).orElseThrow());
    }

    @Test
    void registrationTrainsAheadOfTheFirstLaunch() {
        JavaStartArchives subject = archivesWith(trainer);
        subject.prepare(classpath(), "tasks.Export");
        subject.prepare(classpath(), "tasks.Export");
        assertThat(trainer.trainings()).hasSize(1);
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).singleElement().asString()
                .startsWith("-XX:SharedArchiveFile=");
    }

    @Test
    void aTrainingThatFailsIsRememberedAndNotRepeated() throws IOException {
        FakeTrainer failing = new FakeTrainer(Optional.of(1));
        JavaStartArchives subject = archivesWith(failing);
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).isEmpty();
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).isEmpty();
        subject.prepare(classpath(), "tasks.Export");
        assertThat(failing.commands).hasSize(1);
        String key = subject.keyOf(classpath()).orElseThrow();
        assertThat(Files.readString(archives.resolve(key + JavaStartArchives.FAILED_SUFFIX)))
                .contains("the training JVM exited with 1").contains(key + JavaStartArchives.TRAINING_LOG_SUFFIX);
        assertThat(archives.resolve(key + JavaStartArchives.TRAINING_LOG_SUFFIX)).exists();
        assertThat(subject.installed(key)).isEmpty();
        // No partial archive is left behind.
        assertThat(archives.toFile().list()).noneMatch(name -> name.endsWith(".partial"));
    }

    @Test
    void anArchiveThatFailsItsCheckRunIsNeverInstalled() throws IOException {
        // A truncated archive kills the JVM that maps it (SIGBUS): the check run, not a task, must meet it.
        FakeTrainer crashing = new FakeTrainer(Optional.of(0));
        crashing.checkExit = Optional.of(134);
        JavaStartArchives subject = archivesWith(crashing);
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).isEmpty();
        String key = subject.keyOf(classpath()).orElseThrow();
        assertThat(subject.installed(key)).isEmpty();
        assertThat(Files.readString(archives.resolve(key + JavaStartArchives.FAILED_SUFFIX)))
                .contains("the check JVM exited with 134");
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).isEmpty();
        assertThat(crashing.trainings()).hasSize(1);
    }

    @Test
    void anInstalledArchiveOfTheWrongSizeIsDeletedAndTrainedAgain() throws IOException {
        JavaStartArchives subject = archivesWith(trainer);
        subject.prepare(classpath(), "tasks.Export");
        String key = subject.keyOf(classpath()).orElseThrow();
        Path archive = subject.installed(key).orElseThrow();
        archive.toFile().setWritable(true);
        Files.writeString(archive, "cut");
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).isEmpty();
        assertThat(trainer.trainings()).hasSize(2);
        Path again = subject.installed(key).orElseThrow();
        assertThat(Files.readString(again)).startsWith("archive of");
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).containsExactly("-XX:SharedArchiveFile=" + again);
    }

    @Test
    void aTrainingThatRanPastItsTimeIsTriedAgainAtTheNextLaunch() {
        FakeTrainer slow = new FakeTrainer(Optional.empty());
        JavaStartArchives subject = archivesWith(slow);
        subject.optionsFor(classpath(), "tasks.Export");
        subject.optionsFor(classpath(), "tasks.Export");
        assertThat(slow.trainings()).hasSize(2);
        assertThat(slow.timeouts).containsOnly(JavaStartArchives.TRAINING_TIMEOUT);
    }

    @Test
    void onlyTheMostRecentlyUsedArchivesAreKept() throws IOException {
        JavaStartArchives subject = archivesWith(trainer);
        List<Path> trained = new ArrayList<>();
        for (int i = 0; i < JavaStartArchives.KEPT_ARCHIVES + 3; i++) {
            Path jar = Files.writeString(dir.resolve("app-" + i + ".jar"), "v" + i);
            subject.prepare(List.of(jar.toString()), "tasks.Export");
            Path archive = subject.installed(subject.keyOf(List.of(jar.toString())).orElseThrow()).orElseThrow();
            // Older archives were used longer ago.
            Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis() - 60_000L * (20 - i)));
            trained.add(archive);
        }
        subject.prune();
        assertThat(trained.subList(0, 3)).noneMatch(Files::exists);
        assertThat(trained.subList(3, trained.size())).allMatch(Files::exists);
    }

    @Test
    void afterCloseNothingIsTrainedAndTheTrainerIsStopped() {
        JavaStartArchives subject = archivesWith(trainer);
        subject.close();
        assertThat(subject.optionsFor(classpath(), "tasks.Export")).isEmpty();
        assertThat(trainer.commands).isEmpty();
        assertThat(trainer.closed).isTrue();
    }

    @Test
    void theDoctorsSummaryCountsTrainedAndFailedArchives() throws IOException {
        assertThat(JavaStartArchives.summary(archives)).startsWith("none yet in " + archives);
        archivesWith(trainer).prepare(classpath(), "tasks.Export");
        Path other = Files.writeString(dir.resolve("other.jar"), "other");
        archivesWith(new FakeTrainer(Optional.of(1))).prepare(List.of(other.toString()), "tasks.Other");
        assertThat(JavaStartArchives.summary(archives)).startsWith("1 trained (0 MiB) in " + archives)
                .contains("; 1 failed, for one: " + archives).endsWith(JavaStartArchives.FAILED_SUFFIX);
    }

    @Test
    void offGivesNoOptionsAndTrainsNothing() {
        JavaStartArchives off = JavaStartArchives.off();
        assertThat(off.enabled()).isFalse();
        assertThat(off.optionsFor(classpath(), "tasks.Export")).isEmpty();
        off.prepare(classpath(), "tasks.Export");
        off.close();
        assertThat(trainer.commands).isEmpty();
    }

    @Test
    void theTrainingRunAsksTheTaskHostForItsWarmUp() {
        // Launch cannot see the host package (arrows point down); the flag is spelled in both, TaskHostWarmUpTest
        // checks the host's own constant against this one.
        assertThat(JavaLauncher.WARM_UP_FLAG).isEqualTo("--warm-up");
        assertThat(JavaLauncher.TASK_HOST_CLASS).isEqualTo(dev.bgtasks.host.TaskHost.class.getName());
    }

    /** Writes the partial archive the command names and exits with the given code, as a training JVM would. */
    private static final class FakeTrainer implements JavaStartArchives.Trainer {
        final List<List<String>> commands = new ArrayList<>();
        final List<Duration> timeouts = new ArrayList<>();
        static final String DUMP = "-XX:ArchiveClassesAtExit=";
        final Optional<Integer> exit;
        Optional<Integer> checkExit = Optional.of(0);
        boolean closed;

        FakeTrainer(Optional<Integer> exit) {
            this.exit = exit;
        }

        @Override
        public Optional<Integer> run(List<String> command, Path log, Duration timeout) throws IOException {
            commands.add(command);
            timeouts.add(timeout);
            Files.writeString(log, "output of " + command.get(1) + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (!command.get(1).startsWith(DUMP)) {
                return checkExit;
            }
            Files.writeString(Path.of(command.get(1).substring(DUMP.length())),
                    "archive of " + command.get(command.size() - 1));
            return exit;
        }

        List<List<String>> trainings() {
            return commands.stream().filter(c -> c.get(1).startsWith(DUMP)).toList();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Runs each task on the calling thread: the tests see training finished when the call returns. */
    private static final class CallerRuns extends AbstractExecutorService {
        private boolean shutdown;

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
