package dev.bgtasks.nativetests.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bgtasks.linux.cgroup.CgroupSandbox;
import dev.bgtasks.linux.cgroup.CgroupUnavailableException;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.testing.contract.ShellContractTest;
import dev.bgtasks.testing.contract.ShellTasks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the cgroup v1 and cgroup v2 contract tests share: the shell task commands, a {@link CgroupSandbox} on the
 * mechanism the subclass is about (a failure under {@code BGTASKS_REQUIRE_NATIVE=1} when it cannot be made), and
 * the X1 proof: the task's own {@code /proc/self/cgroup} names the task cgroup of its run token. The sandbox makes
 * its cgroups beneath this process's own ({@code <own>/bgtasks/instances/t<hash>}) and removes them; nothing else
 * is touched.
 */
abstract class CgroupContract extends ShellContractTest {
    /** {@return the start of {@link CgroupSandbox#mechanism()} this test is about: cgroup1 or cgroup2} */
    abstract String mechanism();

    /**
     * Checks the task's {@code /proc/self/cgroup} lines that name its task cgroup.
     *
     * @param taskLines the lines that end in the task cgroup's path
     * @param all everything the task printed
     */
    abstract void assertTaskLines(List<String> taskLines, String all);

    @Override
    protected ProcessSandbox newSandbox() {
        CgroupSandbox sandbox;
        try {
            sandbox = CgroupSandbox.open();
        } catch (CgroupUnavailableException e) {
            if ("1".equals(System.getenv("BGTASKS_REQUIRE_NATIVE"))) {
                throw new AssertionError("BGTASKS_REQUIRE_NATIVE=1 but no cgroup sandbox can be made here: "
                        + e.getMessage(), e);
            }
            assumeTrue(false, "no cgroup sandbox here: " + e.getMessage());
            throw new IllegalStateException("unreachable");
        }
        if (!sandbox.mechanism().startsWith(mechanism())) {
            sandbox.close();
            throw new AssertionError("this host's cgroup sandbox is " + sandbox.mechanism() + ", not " + mechanism());
        }
        return sandbox;
    }

    @Override
    protected List<String> whereAmI() {
        return ShellTasks.ownCgroups();
    }

    @Override
    protected void assertStartedInside(LaunchSpec spec, ResourceLimits limits, String output) {
        String taskCgroup = "/bgtasks/instances/t" + RunToken.hashHex(spec.runToken(), 16);
        List<String> taskLines = output.lines().filter(l -> l.endsWith(taskCgroup)).toList();
        assertTaskLines(taskLines, output);
    }

    /** {@return whether a cgroup v1 memory and a cgroup v1 pids hierarchy hold this process} */
    static boolean v1MemoryAndPidsHoldThisProcess() {
        List<String> lines = ownCgroupLines();
        return lines.stream().anyMatch(l -> l.matches("\\d+:([^:]*,)?memory(,[^:]*)?:.*"))
                && lines.stream().anyMatch(l -> l.matches("\\d+:([^:]*,)?pids(,[^:]*)?:.*"));
    }

    /** {@return whether this process's cgroup2 cgroup has the memory and pids controllers} */
    static boolean v2MemoryAndPidsHere() {
        String own = ownCgroupLines().stream().filter(l -> l.startsWith("0::")).map(l -> l.substring(3))
                .findFirst().orElse(null);
        if (own == null) {
            return false;
        }
        try {
            for (String mount : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
                String[] halves = mount.split(" - ", 2);
                if (halves.length == 2 && halves[1].startsWith("cgroup2 ")) {
                    Path dir = Path.of(halves[0].split(" ")[4] + own);
                    String controllers = Files.readString(dir.resolve("cgroup.controllers"));
                    List<String> names = List.of(controllers.trim().split("\\s+"));
                    return names.contains("memory") && names.contains("pids");
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    private static List<String> ownCgroupLines() {
        try {
            return Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }
}
