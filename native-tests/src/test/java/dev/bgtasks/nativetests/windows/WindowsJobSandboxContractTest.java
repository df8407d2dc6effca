package dev.bgtasks.nativetests.windows;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.testing.contract.BackendContractTest;
import dev.bgtasks.testing.contract.ContractRule;
import dev.bgtasks.testing.contract.ContractTasks;
import dev.bgtasks.windows.sandbox.WindowsJobSandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Job objects under the backend contract, on the Windows runner: the task starts suspended, joins its job and only
 * then resumes (X1: it finds itself in a job with its own limits); the job's memory and process limits and
 * {@code TerminateJobObject} hold X10, X12 and X13. It declares that tasks die with the broker
 * ({@code KILL_ON_JOB_CLOSE}), so there is nothing to re-adopt or to kill as an orphan. Children are {@code PING.EXE}
 * and {@code cmd.exe}; only the X1 proof, the memory hog and the spawner run in a JVM.
 */
@EnabledOnOs(OS.WINDOWS)
class WindowsJobSandboxContractTest extends BackendContractTest {
    private static final Path SYSTEM32 = Path.of(System.getenv().getOrDefault("SystemRoot", "C:\\Windows"),
            "System32");

    @Override
    protected ProcessSandbox newSandbox() {
        return WindowsJobSandbox.open();
    }

    @Override
    protected Map<ContractRule, String> declaredGaps() {
        return Map.of(ContractRule.ADOPT, "re-adoption: none",
                ContractRule.ORPHAN_KILL, "tasks die with the broker",
                ContractRule.EXIT_RECORD, "tasks die with the broker");
    }

    private static List<String> ping(int seconds) {
        return List.of(SYSTEM32.resolve("PING.EXE").toString(), "-n", Integer.toString(seconds), "127.0.0.1");
    }

    @Override
    protected List<String> sleeper() {
        return ping(300);
    }

    @Override
    protected List<String> exitWith(int code) {
        return List.of(SYSTEM32.resolve("cmd.exe").toString(), "/c", "exit " + code);
    }

    @Override
    protected ResourceLimits whereAmILimits() {
        // A JVM commits more than 64 MiB; the proof runs in one.
        return ResourceLimits.builder().memoryBytes(512 * MIB).maxProcesses(16).build();
    }

    @Override
    protected List<String> whereAmI() {
        return ContractTasks.javaMain(InJob.class, List.of("-Xmx64m", "-XX:+UseSerialGC"));
    }

    @Override
    protected void assertStartedInside(LaunchSpec spec, ResourceLimits limits, String output) {
        assertThat(output).contains("inJob=true", "queried=true",
                "activeProcessLimit=" + limits.effectiveMaxProcesses(),
                "jobMemoryLimit=" + limits.memoryLimit().orElseThrow());
    }

    @Override
    protected long hogMemoryLimit() {
        return 192 * MIB;
    }

    @Override
    protected List<String> memoryHog() {
        return ContractTasks.command(List.of("-Xms16m", "-Xmx1g", "-XX:+UseSerialGC"), "hog");
    }

    @Override
    protected List<String> childBurst(int children) {
        List<String> args = new ArrayList<>(List.of("burst", Integer.toString(children)));
        args.addAll(ping(30));
        return ContractTasks.command(List.of("-XX:+UseSerialGC"), args.toArray(String[]::new));
    }

    /** A JVM whose child {@code cmd.exe} runs {@code PING.EXE}: Windows has no sessions to escape into. */
    @Override
    protected List<String> setsidGrandchild() {
        List<String> args = new ArrayList<>(List.of("grandchild", SYSTEM32.resolve("cmd.exe").toString(), "/c"));
        args.addAll(ping(300));
        return ContractTasks.command(List.of("-XX:+UseSerialGC"), args.toArray(String[]::new));
    }

    /**
     * Prints whether this process is in a job and the limits of that job, as {@code QueryInformationJobObject} with
     * a null handle (the caller's job) reads them.
     */
    public static final class InJob {
        /** JOBOBJECTINFOCLASS JobObjectExtendedLimitInformation. */
        private static final int EXTENDED_LIMIT_INFORMATION = 9;
        /** sizeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION) on x64, with the offsets below (winnt.h). */
        private static final int EXTENDED_LIMIT_SIZE = 144;
        private static final int ACTIVE_PROCESS_LIMIT_OFFSET = 40;
        private static final int JOB_MEMORY_LIMIT_OFFSET = 120;

        private InJob() {
        }

        /** The two kernel32 calls the proof needs, mapped here so the task depends on no backend class. */
        interface Kernel32Jobs extends Library {
            Pointer GetCurrentProcess();

            boolean IsProcessInJob(Pointer process, Pointer job, IntByReference result);

            boolean QueryInformationJobObject(Pointer job, int infoClass, Pointer info, int length,
                                              IntByReference returned);
        }

        public static void main(String[] args) {
            Kernel32Jobs kernel32 = Native.load("kernel32", Kernel32Jobs.class);
            IntByReference inJob = new IntByReference();
            boolean asked = kernel32.IsProcessInJob(kernel32.GetCurrentProcess(), null, inJob);
            try (Memory info = new Memory(EXTENDED_LIMIT_SIZE)) {
                info.clear();
                boolean queried = kernel32.QueryInformationJobObject(null, EXTENDED_LIMIT_INFORMATION, info,
                        EXTENDED_LIMIT_SIZE, null);
                System.out.println("inJob=" + (asked && inJob.getValue() != 0) + " queried=" + queried
                        + " activeProcessLimit=" + info.getInt(ACTIVE_PROCESS_LIMIT_OFFSET)
                        + " jobMemoryLimit=" + info.getLong(JOB_MEMORY_LIMIT_OFFSET));
            }
        }
    }
}
