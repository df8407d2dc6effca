package dev.bgtasks.nativetests.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh network namespace ({@code ip netns add bgt-<random>}) for one test, iproute2 commands inside it, and
 * {@link NetlinkProbeMain} running inside it with its output lines timestamped as they are read.
 * {@link #close()} kills the probe and deletes the namespace, and fails when the namespace stays.
 */
final class NetlinkNamespace implements AutoCloseable {
    private static final long COMMAND_TIMEOUT_SECONDS = 20;

    final String name;
    private Process probe;
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final StringBuffer probeErrors = new StringBuffer();

    /** One line the probe printed, and System.nanoTime() when this JVM read it. */
    record Line(String text, long readNanos) {
    }

    /** The result of a command: exit code, output, and when the process was started and seen to end. */
    record Run(int exit, String output, long startNanos, long returnNanos) {
    }

    private NetlinkNamespace(String name) {
        this.name = name;
    }

    /**
     * Creates the namespace. When that is impossible (not root, no iproute2, no netns support) the test is
     * skipped, unless {@code BGTASKS_REQUIRE_NATIVE=1}: then it fails, since CI must prove this.
     */
    static NetlinkNamespace create() {
        String name = "bgt-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        String why;
        try {
            Run add = run("ip", "netns", "add", name);
            if (add.exit() == 0) {
                return new NetlinkNamespace(name);
            }
            why = "`ip netns add " + name + "` exited " + add.exit() + ": " + add.output().strip();
        } catch (IOException e) {
            why = "cannot run `ip netns add`: " + e.getMessage();
        }
        if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
            Assertions.fail("network namespaces are unusable (" + why + "), and BGTASKS_REQUIRE_NATIVE=1 says "
                    + "this host must run the netlink native tests");
        }
        Assumptions.abort("network namespaces are unusable here: " + why);
        throw new AssertionError("unreachable");
    }

    static Run run(String... command) throws IOException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within "
                        + COMMAND_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", command), e);
        }
        return new Run(process.exitValue(), output, start, System.nanoTime());
    }

    String name() {
        return name;
    }

    /** {@code ip -n <ns> <args>}; fails the test when it does not exit 0. */
    Run ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        Run result = run(command.toArray(new String[0]));
        if (result.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exit() + ": "
                    + result.output().strip());
        }
        return result;
    }

    /** {@link #veth()} with 10.200.0.2/24 on v0. */
    void vethWithAddress() throws IOException {
        veth();
        ip("addr", "add", "10.200.0.2/24", "dev", "v0");
    }

    /**
     * lo up and a veth pair v0/v1, both up (this kernel has no dummy driver; a veth needs both ends up for
     * carrier); returns once v0 has carrier (state UP), so later steps time only their own effect.
     */
    void veth() throws IOException {
        ip("link", "set", "lo", "up");
        ip("link", "add", "v0", "type", "veth", "peer", "name", "v1");
        ip("link", "set", "v1", "up");
        ip("link", "set", "v0", "up");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // The kernel raises carrier asynchronously (linkwatch); each check is a real `ip` call, no sleeping.
        while (!ip("-o", "link", "show", "v0").output().contains("state UP")) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("v0 did not come up: " + ip("-o", "link", "show", "v0").output());
            }
        }
    }

    /** Starts the probe inside the namespace, with this JVM's java and test classpath. */
    void startProbe() throws IOException {
        List<String> command = List.of("ip", "netns", "exec", name,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                NetlinkProbeMain.class.getName());
        probe = new ProcessBuilder(command).start();
        Thread out = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(new Line(line, System.nanoTime()));
                }
            } catch (IOException e) {
                probeErrors.append("stdout: ").append(e).append('\n');
            }
        }, "probe-stdout-" + name);
        Thread err = new Thread(() -> {
            try {
                probeErrors.append(new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                probeErrors.append("stderr: ").append(e).append('\n');
            }
        }, "probe-stderr-" + name);
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    /** The probe's next line, waiting at most {@code timeoutMillis}; fails with its stderr when none comes. */
    Line nextLine(long timeoutMillis) throws InterruptedException {
        Line line = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("the probe printed nothing within " + timeoutMillis + " ms"
                    + (probe.isAlive() ? "" : " (it exited " + probe.exitValue() + ")") + "; its stderr:\n"
                    + probeErrors);
        }
        return line;
    }

    /** Lines printed but not yet taken. */
    List<Line> pendingLines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() throws Exception {
        AssertionError failure = null;
        if (probe != null) {
            probe.getOutputStream().close();
            if (!probe.waitFor(5, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                probe.waitFor(10, TimeUnit.SECONDS);
                failure = new AssertionError("the probe did not exit when its stdin closed; killed it");
            } else if (probe.exitValue() != 0) {
                failure = new AssertionError("the probe exited " + probe.exitValue() + ":\n" + probeErrors);
            }
        }
        Run del = run("ip", "netns", "del", name);
        if (del.exit() != 0 || run("ip", "netns", "list").output().contains(name)) {
            throw new AssertionError("network namespace " + name + " was not deleted: " + del.output());
        }
        if (failure != null) {
            throw failure;
        }
    }
}
