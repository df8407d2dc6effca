package dev.bgtasks.nativetests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A JVM running a main class of these tests, with this test JVM's classpath, as a separate app process. */
final class JavaProcess {
    private JavaProcess() {
    }

    static Process start(Path brokerHome, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        builder.environment().put("BGTASKS_HOME", brokerHome.toString());
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
