package dev.bgtasks.nativetests;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A JVM running a main class of these tests, with this test JVM's classpath, as a separate app process. */
public final class JavaProcess {
    private JavaProcess() {
    }

    /**
     * The command of a task JVM that runs {@code main}, one of these tests' classes, on the test classes alone:
     * what a sandbox launches as a task.
     *
     * @param main the main class
     * @param jvmOptions options before {@code -cp}
     * @param args the main's arguments
     * @return the argument vector
     */
    public static List<String> command(Class<?> main, List<String> jvmOptions, String... args) {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classesOf(main).toString());
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    private static Path classesOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Process start(Path brokerHome, Class<?> main, String... args) throws IOException {
        return start(brokerHome, java.util.Map.of(), main, args);
    }

    /** As {@link #start(Path, Class, String...)}, with {@code environment} added to this JVM's for the app. */
    static Process start(Path brokerHome, java.util.Map<String, String> environment, Class<?> main, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        builder.environment().put("BGTASKS_HOME", brokerHome.toString());
        builder.environment().putAll(environment);
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        return builder.start();
    }

    /** Waits for it to exit and returns what it printed; fails with its output when it did not exit 0. */
    static String output(Process process, int timeoutSeconds) throws Exception {
        byte[] bytes = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("app process did not exit within " + timeoutSeconds + " s");
        }
        String out = new String(bytes, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError("app process exited with " + process.exitValue() + ":\n" + out);
        }
        return out;
    }
}
