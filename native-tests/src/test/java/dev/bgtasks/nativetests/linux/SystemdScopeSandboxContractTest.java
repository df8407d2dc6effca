package dev.bgtasks.nativetests.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bgtasks.linux.cgroup.SystemdScopeSandbox;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.testing.contract.ShellContractTest;
import dev.bgtasks.testing.contract.ShellTasks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.slf4j.LoggerFactory;

/**
 * The systemd transient-scope sandbox under the backend contract: memory and process limits held by the scope's
 * cgroup2, kill through {@code cgroup.kill}, the orphan kill through the token's scope, and re-adoption of a task
 * whose scope outlived its sandbox (SPEC B3, B6; issue 21). Runs where a systemd user manager with a cgroup2 hierarchy is reachable ({@code systemd-run} on
 * {@code PATH}, {@code $XDG_RUNTIME_DIR/systemd/private}): the Debian VM rig. The CI container has no systemd, so it
 * is disabled there with that reason.
 *
 * <p>In this package because {@link SystemdScopeSandbox} is package-private here; the Linux backend's split moves
 * it to {@code dev.bgtasks.linux.cgroup} as a public class, and this test then moves to
 * {@code dev.bgtasks.nativetests.linux}.
 */
@EnabledOnOs(OS.LINUX)
@EnabledIf(value = "systemdUserManagerHere", disabledReason = "no systemd user manager with cgroup2 here (no"
        + " systemd-run, XDG_RUNTIME_DIR or user manager socket); the systemd scope contract runs in the Debian VM rig")
class SystemdScopeSandboxContractTest extends ShellContractTest {
    static boolean systemdUserManagerHere() {
        List<String> whyNot = new ArrayList<>();
        boolean here = SystemdScopeSandbox.probe(System.getenv(), whyNot).isPresent();
        if (!here) {
            LoggerFactory.getLogger(SystemdScopeSandboxContractTest.class).info("{}", whyNot);
        }
        return here;
    }

    @Override
    protected ProcessSandbox newSandbox() {
        List<String> whyNot = new ArrayList<>();
        return SystemdScopeSandbox.probe(System.getenv(), whyNot)
                .orElseThrow(() -> new AssertionError("the systemd scope sandbox went away: " + whyNot));
    }

    @Override
    protected List<String> whereAmI() {
        return ShellTasks.ownCgroups();
    }

    /** systemd-run joins the scope and then execs the task's supervisor: cat, its child, is in the token's scope. */
    @Override
    protected void assertStartedInside(LaunchSpec spec, ResourceLimits limits, String output) {
        String scope = "/bgtasks-" + RunToken.hashHex(spec.runToken(), 8) + ".scope";
        assertThat(output.lines().filter(l -> l.startsWith("0::")).toList()).as(output).singleElement().asString()
                .endsWith(scope);
    }

}
