package dev.bgtasks.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class-data-sharing archives that let a Java task's JVM start in about half the time (issue 8's first figure).
 *
 * <p>Before {@code run}, a task JVM loads some 2,000 classes: the task host, its wire codec (Jackson) and the JDK
 * classes they use. For each java and classpath, the broker trains one archive of them in the background: a JVM on
 * the task's classpath runs the task host's warm-up ({@code TaskHost --warm-up <entry point>}) and dumps the classes
 * it loaded when it exits ({@code -XX:ArchiveClassesAtExit}, JDK 13 and later). Later tasks on that classpath start
 * with {@code -XX:SharedArchiveFile}. The training JVM runs outside any task's sandbox and budget, so a task never
 * pays for it, and a failed training costs only the speed-up.
 *
 * <p>The JVM checks an archive against the JDK and the size and time of every jar, and ignores it when they differ,
 * so a stale archive costs speed, never correctness. The key of an archive covers the same facts, so an updated app
 * or JDK gets a new archive. Only classpaths made of jar files qualify: JDK 17 refuses to dump with a non-empty
 * directory on the classpath.
 *
 * <p>{@link JavaLauncher} is its only user in the broker; {@code bgtask doctor} reads {@link #summary}.
 *
 * <pre>{@code
 * JavaStartArchives archives = JavaStartArchives.in(home.resolve("java-archives"), javaExecutable);
 * archives.prepare(classpath, "tasks.ExportTask");          // at registration: trains in the background
 * List<String> options = archives.optionsFor(classpath, "tasks.ExportTask"); // at launch
 * }</pre>
 */
public final class JavaStartArchives implements AutoCloseable {
    static final String ARCHIVE_SUFFIX = ".jsa";
    static final String FAILED_SUFFIX = ".failed";
    static final String TRAINING_LOG_SUFFIX = ".log";
    /** Where a training or check JVM that crashes writes its report, instead of the broker's directory. */
    static final String CRASH_LOG_SUFFIX = ".crash.log";
    /**
     * Where the training leaves the class of the selector provider its classpath ends up with, when that is the JDK's
     * own (no provider named as a service on the classpath). Named to the task's JVM, it spares every task the JDK's
     * lookup of that service across the whole classpath (about 0.6 ms a jar, on the way to the first socket) and
     * changes nothing: the class is the one the lookup would have fallen back to (issue 15).
     */
    static final String SELECTOR_PROVIDER_SUFFIX = ".selector-provider";
    /** The task host's property for that file; the host spells it too, a test checks they agree. */
    public static final String SELECTOR_PROVIDER_FILE_PROPERTY = "bgtasks.warmUp.selectorProviderFile";
    /** The JDK's property that names the selector provider, read before it looks one up as a service. */
    static final String SELECTOR_PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";
    private static final String PARTIAL_SUFFIX = ".partial";
    /** Archives are about 10 MB each; the least recently used beyond this many are deleted. */
    static final int KEPT_ARCHIVES = 8;
    static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(2);
    /** A partial file older than this belongs to a training that died with its broker. */
    private static final Duration ABANDONED_PARTIAL = Duration.ofHours(1);

    /** Runs one training JVM to its end; the default starts a process, tests put a fake here. */
    interface Trainer extends AutoCloseable {
        /**
         * Runs {@code command} with its output appended to {@code log}.
         *
         * @return its exit code, or empty when it ran past {@code timeout} and was killed
         */
        Optional<Integer> run(List<String> command, Path log, Duration timeout) throws IOException, InterruptedException;

        @Override
        void close();
    }

    private final Path dir;
    private final Path javaExecutable;
    private final ExecutorService executor;
    private final Trainer trainer;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    JavaStartArchives(Path dir, Path javaExecutable, ExecutorService executor, Trainer trainer) {
        this.dir = dir;
        this.javaExecutable = javaExecutable;
        this.executor = executor;
        this.trainer = trainer;
    }

    /** Archives kept in {@code dir}, trained one at a time on a daemon thread with {@code javaExecutable}. */
    static JavaStartArchives in(Path dir, Path javaExecutable) {
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-java-archive-training");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
        return new JavaStartArchives(dir, javaExecutable, executor, new ProcessTrainer());
    }

    /** No archives: tasks start as the JVM starts by default. */
    static JavaStartArchives off() {
        return new JavaStartArchives(null, null, null, null);
    }

    boolean enabled() {
        return dir != null;
    }

    Path directory() {
        return dir;
    }

    /**
     * The JVM options that make a task on {@code classpath} start from its archive: none until the archive is
     * trained (then training starts, in the background), or when the classpath does not qualify.
     */
    List<String> optionsFor(List<String> classpath, String entryPoint) {
        Optional<String> key = keyOf(classpath);
        if (key.isEmpty()) {
            return List.of();
        }
        Optional<Path> archive = installed(key.get());
        if (archive.isPresent()) {
            markUsed(archive.get());
            Optional<String> provider = selectorProvider(key.get());
            return provider.isEmpty() ? List.of("-XX:SharedArchiveFile=" + archive.get())
                    : List.of("-XX:SharedArchiveFile=" + archive.get(), "-D" + SELECTOR_PROVIDER_PROPERTY + "="
                            + provider.get());
        }
        train(key.get(), classpath, entryPoint);
        return List.of();
    }

    /** The JDK's own selector provider class that the training of {@code key} found its classpath ends up with. */
    private Optional<String> selectorProvider(String key) {
        Path file = dir.resolve(key + SELECTOR_PROVIDER_SUFFIX);
        try {
            if (Files.isRegularFile(file) && Files.size(file) < 256) {
                String name = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (name.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+")) {
                    return Optional.of(name);
                }
            }
        } catch (IOException e) {
            Log.LOG.debug("no selector provider for {}: {}", key, e.toString());
        }
        return Optional.empty();
    }

    /** Starts training for {@code classpath} unless its archive exists, is being trained, or failed before. */
    void prepare(List<String> classpath, String entryPoint) {
        keyOf(classpath).filter(key -> installed(key).isEmpty()).ifPresent(key -> train(key, classpath, entryPoint));
    }

    /**
     * The archive's name for this java and classpath, or empty when archives are off or the classpath does not
     * qualify (an entry that is not a jar file, or cannot be read).
     */
    Optional<String> keyOf(List<String> classpath) {
        if (!enabled() || classpath.isEmpty()) {
            return Optional.empty();
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, javaExecutable.toAbsolutePath().normalize().toString());
            // The JDK's release file names its version and build: an updated JDK gets a new key.
            Path release = javaExecutable.toAbsolutePath().normalize().getParent().resolveSibling("release");
            if (Files.isRegularFile(release) && Files.size(release) < 64 * 1024) {
                digest.update(Files.readAllBytes(release));
            }
            for (String entry : classpath) {
                Path jar = Path.of(entry).toAbsolutePath().normalize();
                if (!jar.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")
                        || !Files.isRegularFile(jar)) {
                    return Optional.empty();
                }
                update(digest, jar.toString());
                stamp(digest, jar);
            }
            return Optional.of(HexFormat.of().formatHex(digest.digest(), 0, 16));
        } catch (IOException | RuntimeException e) {
            Log.LOG.debug("no start archive for classpath {}: {}", classpath, e.toString());
            return Optional.empty();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void stamp(MessageDigest digest, Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        update(digest, attributes.size() + "@" + attributes.lastModifiedTime().toMillis());
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    /**
     * The installed archive of {@code key}, named {@code <key>.<size>.jsa}: empty when there is none, or when its
     * size is not the size it was checked at. The JVM maps an archive without checking its length, and a truncated
     * one kills every JVM that starts from it (SIGBUS), so a damaged archive is deleted and trained again.
     */
    Optional<Path> installed(String key) {
        String prefix = key + ".";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*" + ARCHIVE_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String size = name.substring(prefix.length(), name.length() - ARCHIVE_SUFFIX.length());
                if (size.matches("[0-9]{1,18}") && Files.size(file) == Long.parseLong(size)) {
                    return Optional.of(file);
                }
                Log.LOG.warn("deleting the damaged start archive {} ({} bytes); it will be trained again", file,
                        Files.size(file));
                deleteQuietly(file);
            }
        } catch (IOException e) {
            Log.LOG.debug("no start archive for {}: {}", key, e.toString());
        }
        return Optional.empty();
    }

    private void train(String key, List<String> classpath, String entryPoint) {
        if (closed || Files.exists(dir.resolve(key + FAILED_SUFFIX)) || !inFlight.add(key)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    trainNow(key, classpath, entryPoint);
                } finally {
                    inFlight.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(key);
        }
    }

    /**
     * The command of a training JVM that dumps into {@code partial}, with checksums ({@code VerifySharedSpaces}) for
     * the check run.
     */
    List<String> trainingCommand(String key, Path partial, List<String> classpath, String entryPoint) {
        return warmUp(key, classpath, entryPoint, "-XX:ArchiveClassesAtExit=" + partial, "-Xshare:auto");
    }

    /**
     * The command of the check run: the same warm-up started from {@code partial} with sharing required
     * ({@code -Xshare:on}) and its checksums verified, so an archive this JVM cannot map (truncated, damaged, or
     * not matching the classpath) fails here instead of in a task.
     */
    List<String> checkCommand(String key, Path partial, List<String> classpath, String entryPoint) {
        return warmUp(key, classpath, entryPoint, "-XX:SharedArchiveFile=" + partial, "-Xshare:on");
    }

    private List<String> warmUp(String key, List<String> classpath, String entryPoint, String archive,
                                String share) {
        // Dumped with the task's native access: on JDK 25 an archive dumped without it is half ignored, with an
        // "[error][cds] Mismatched values" line in every task's log.
        return List.of(javaExecutable.toString(), archive, share, "-XX:+VerifySharedSpaces",
                JvmRuntime.NATIVE_ACCESS, "-XX:ErrorFile=" + dir.resolve(key + CRASH_LOG_SUFFIX),
                "-D" + SELECTOR_PROVIDER_FILE_PROPERTY + "=" + dir.resolve(key + SELECTOR_PROVIDER_SUFFIX), "-cp",
                String.join(java.io.File.pathSeparator, classpath), JavaLauncher.TASK_HOST_CLASS,
                JavaLauncher.WARM_UP_FLAG, entryPoint);
    }

    private void trainNow(String key, List<String> classpath, String entryPoint) {
        Path partial = dir.resolve(key + "." + UUID.randomUUID() + PARTIAL_SUFFIX);
        Path log = dir.resolve(key + TRAINING_LOG_SUFFIX);
        long started = System.nanoTime();
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(log);
            Files.deleteIfExists(dir.resolve(key + SELECTOR_PROVIDER_SUFFIX));
            Optional<Integer> exit = trainer.run(trainingCommand(key, partial, classpath, entryPoint), log,
                    TRAINING_TIMEOUT);
            String step = "training";
            if (exit.isPresent() && exit.get() == 0 && Files.isRegularFile(partial) && Files.size(partial) > 0) {
                step = "check";
                exit = trainer.run(checkCommand(key, partial, classpath, entryPoint), log, TRAINING_TIMEOUT);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (step.equals("check") && exit.isPresent() && exit.get() == 0) {
                long size = Files.size(partial);
                Path archive = dir.resolve(key + "." + size + ARCHIVE_SUFFIX);
                moveIntoPlace(partial, archive);
                Files.deleteIfExists(log);
                Log.LOG.info("trained the start archive for {} in {} ms: {} ({} KiB)", entryPoint, millis, archive,
                        size / 1024);
            } else if (closed) {
                Log.LOG.debug("training for {} stopped with the broker", entryPoint);
            } else if (exit.isEmpty()) {
                // Not remembered: a busy machine may be slow once; the next launch tries again.
                Log.LOG.warn("no start archive for {} yet: the {} JVM ran past {} s; see {}", entryPoint, step,
                        TRAINING_TIMEOUT.toSeconds(), log);
            } else {
                String why = "the " + step + " JVM exited with " + exit.get();
                // Remembered, so every trigger does not start a training that fails the same way; a changed
                // classpath or JDK has another key and is tried afresh.
                Files.writeString(dir.resolve(key + FAILED_SUFFIX), why + "; its output: " + log + "\n");
                Log.LOG.warn("no start archive for {}: {}; see {}. Its tasks start without one.", entryPoint, why, log);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                Log.LOG.warn("no start archive for {}: {}. Its tasks start without one.", entryPoint, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteQuietly(partial);
            prune();
        }
    }

    private static void moveIntoPlace(Path partial, Path archive) throws IOException {
        try {
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The modification time says when an archive was last used: {@link #prune()} keeps the most recent. */
    private static void markUsed(Path archive) {
        try {
            Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            Log.LOG.debug("cannot mark {} as used: {}", archive, e.toString());
        }
    }

    /** Keeps the {@value #KEPT_ARCHIVES} most recently used archives and failure notes; deletes abandoned partials. */
    void prune() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> kept = new ArrayList<>();
        long abandonedBefore = System.currentTimeMillis() - ABANDONED_PARTIAL.toMillis();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(ARCHIVE_SUFFIX) || name.endsWith(FAILED_SUFFIX)) {
                    kept.add(file);
                } else if (name.endsWith(PARTIAL_SUFFIX) && modified(file) < abandonedBefore) {
                    deleteQuietly(file);
                }
            }
        } catch (IOException e) {
            Log.LOG.debug("cannot list {}: {}", dir, e.toString());
            return;
        }
        kept.sort(Comparator.comparingLong(JavaStartArchives::modified).reversed());
        for (Path old : kept.subList(Math.min(KEPT_ARCHIVES, kept.size()), kept.size())) {
            String name = old.getFileName().toString();
            String key = name.substring(0, name.indexOf('.'));
            deleteQuietly(old);
            deleteQuietly(dir.resolve(key + TRAINING_LOG_SUFFIX));
            deleteQuietly(dir.resolve(key + CRASH_LOG_SUFFIX));
            deleteQuietly(dir.resolve(key + SELECTOR_PROVIDER_SUFFIX));
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Log.LOG.debug("cannot delete {}: {}", file, e.toString());
        }
    }

    /**
     * What {@code bgtask doctor} says of the archives in {@code dir}: how many are trained and their size, how many
     * trainings failed and where one says why.
     *
     * @param dir the broker's archive directory
     * @return one line
     */
    public static String summary(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "none yet in " + dir + " (a Java task on a classpath of jars gets one when it registers)";
        }
        int trained = 0;
        long bytes = 0;
        List<Path> failed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(ARCHIVE_SUFFIX)) {
                    trained++;
                    bytes += Files.size(file);
                } else if (name.endsWith(FAILED_SUFFIX)) {
                    failed.add(file);
                }
            }
        } catch (IOException e) {
            return "cannot read " + dir + ": " + e;
        }
        String line = trained + " trained (" + (bytes >> 20) + " MiB) in " + dir;
        if (!failed.isEmpty()) {
            failed.sort(Comparator.naturalOrder());
            line += "; " + failed.size() + " failed, for one: " + failed.get(0);
        }
        return line;
    }

    /** Stops training: a running training JVM is killed and leaves no archive. */
    @Override
    public void close() {
        if (!enabled() || closed) {
            return;
        }
        closed = true;
        executor.shutdownNow();
        trainer.close();
    }

    /** Runs the training JVM as a child process of the broker. */
    static final class ProcessTrainer implements Trainer {
        private volatile Process current;
        private volatile boolean closed;

        @Override
        public Optional<Integer> run(List<String> command, Path log, Duration timeout)
                throws IOException, InterruptedException {
            // Appended: the training and its check share one log.
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Process process;
            synchronized (this) {
                if (closed) {
                    return Optional.empty();
                }
                process = builder.start();
                current = process;
            }
            try {
                // The warm-up reads nothing: end its stdin so it never waits on it.
                process.getOutputStream().close();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    return Optional.empty();
                }
                return Optional.of(process.exitValue());
            } finally {
                current = null;
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
            Process process = current;
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * SLF4J starts with the first line logged, not with this class: {@code bgtask doctor} reads the
     * {@link #summary} and logs nothing, and starting SLF4J was about 5 ms of it (issue 18).
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(JavaStartArchives.class);
    }
}
