package dev.bgtasks.nativetests.macos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.macos.sandbox.MacWatchdogSandbox;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.testing.contract.ShellContractTest;
import dev.bgtasks.testing.contract.ContractTasks;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The macOS watchdog under the backend contract, on the macOS runner. Both limits are best effort: the watchdog
 * must stop the memory hog and the burst by itself. X1: the task's supervisor is spawned suspended as the leader of
 * its own process group and resumed after the first sample, so the command's first instruction runs in that group. The setsid
 * grandchild is made by {@code perl} (macOS has no {@code setsid} command); the memory hog is a JVM, since no
 * stock tool holds memory as it grows there.
 */
@EnabledOnOs(OS.MAC)
class MacWatchdogSandboxContractTest extends ShellContractTest {
    /** Forks; the fork calls setsid, prints its pid and becomes a sleep; the parent exits at once. */
    private static final String PERL_SETSID = "$| = 1; defined(my $pid = fork) or die \"fork: $!\";"
            + " if ($pid == 0) { POSIX::setsid(); print \"grandchild=$$\\n\"; exec \"sleep\", \"300\"; } exit 0;";

    @Override
    protected ProcessSandbox newSandbox() {
        return MacWatchdogSandbox.open();
    }

    @Override
    protected List<String> whereAmI() {
        return List.of("/bin/sh", "-c", "echo \"pid=$$ ppid=$PPID pgid=$(/bin/ps -o pgid= -p $$)\"");
    }

    @Override
    protected void assertStartedInside(LaunchSpec spec, ResourceLimits limits, String output) {
        Matcher m = Pattern.compile("pid=(\\d+) ppid=(\\d+) pgid=\\s*(\\d+)").matcher(output);
        assertThat(m.find()).as(output).isTrue();
        // The supervisor (SPEC B5) leads the task's own process group, and the command is born in it.
        assertThat(m.group(3)).as("the task's group is led by its supervisor, its parent").isEqualTo(m.group(2));
    }

    @Override
    protected long hogMemoryLimit() {
        return 256 * MIB;
    }

    @Override
    protected List<String> memoryHog() {
        return ContractTasks.command(List.of("-Xmx1g", "-XX:+UseSerialGC"), "hog");
    }

    @Override
    protected List<String> setsidGrandchild() {
        return List.of("/bin/sh", "-c", "/usr/bin/perl -MPOSIX -e \"$1\"; exec sleep 300", "bgtasks-contract",
                PERL_SETSID);
    }
}
