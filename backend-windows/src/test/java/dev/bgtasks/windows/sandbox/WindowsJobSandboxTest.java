package dev.bgtasks.windows.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinDef;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.windows.jna.Kernel32Calls;
import dev.bgtasks.windows.jna.Kernel32Library;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

/**
 * Issue 5 over mocked kernel32: the launch sequence, its failure paths, the completion-port messages, the peak check
 * at exit, kill, polite cancel and refused re-adoption. The fake kernel behaves like the real one where it matters:
 * the main process "exits" when the test says so or when the job is terminated, and the job is empty once no
 * process of it is alive.
 */
class WindowsJobSandboxTest {
    private static final long DEADLINE_MS = 5_000;
    private static final int PID = 4242;
    private static final WinNT.HANDLE PROCESS = handle(0x10);
    private static final WinNT.HANDLE THREAD = handle(0x14);
    private static final WinNT.HANDLE JOB = handle(0x20);
    private static final WinNT.HANDLE PORT = handle(0x30);
    private static final WinNT.HANDLE LOG = handle(0x40);
    private static final WinNT.HANDLE NUL = handle(0x44);
    private static final long LIMIT = 256L << 20;

    @TempDir
    Path dir;

    private final Kernel32Library jobs = mock(Kernel32Library.class);
    private final Kernel32Calls calls = mock(Kernel32Calls.class);
    private final BlockingQueue<long[]> portMessages = new LinkedBlockingQueue<>();
    private final CountDownLatch mainExited = new CountDownLatch(1);
    private final AtomicInteger exitCode = new AtomicInteger(-12345);
    private final AtomicBoolean childrenAlive = new AtomicBoolean();
    private final AtomicLong peak = new AtomicLong();
    private final List<Structure> limitsSet = new ArrayList<>();
    private final List<Object[]> created = new ArrayList<>();
    private WindowsJobSandbox sandbox;

    private static WinNT.HANDLE handle(long value) {
        return new WinNT.HANDLE(new Pointer(value));
    }

    @BeforeEach
    void fakeKernel() {
        when(calls.GetConsoleCP()).thenReturn(0);
        when(calls.lastError()).thenReturn(5);
        when(calls.TerminateProcess(any(), anyInt())).thenReturn(true);
        when(calls.errorText(anyInt())).thenAnswer(inv -> "text of error " + inv.getArgument(0));
        when(calls.CreateIoCompletionPort(any(), isNull(), isNull(), eq(1))).thenReturn(PORT);
        when(calls.CreateFile(anyString(), anyInt(), anyInt(), any(), anyInt(), anyInt(), isNull()))
                .thenAnswer(inv -> "NUL".equals(inv.getArgument(0)) ? NUL : LOG);
        when(calls.CreateProcessW(isNull(), any(char[].class), isNull(), isNull(), anyBoolean(), anyInt(),
                any(Pointer.class), anyString(), any(WinBase.STARTUPINFO.class),
                any(WinBase.PROCESS_INFORMATION.class))).thenAnswer(inv -> {
                    created.add(inv.getArguments().clone());
                    WinBase.PROCESS_INFORMATION pi = inv.getArgument(9);
                    pi.hProcess = PROCESS;
                    pi.hThread = THREAD;
                    pi.dwProcessId = new WinDef.DWORD(PID);
                    return true;
                });
        when(calls.GetQueuedCompletionStatus(eq(PORT), any(), any(), any(), eq(WinBase.INFINITE))).thenAnswer(inv -> {
            long[] message = portMessages.take();
            if (message.length == 0) {
                return false;
            }
            ((IntByReference) inv.getArgument(1)).setValue((int) message[0]);
            ((BaseTSD.ULONG_PTRByReference) inv.getArgument(2)).setValue(new BaseTSD.ULONG_PTR(message[1]));
            return true;
        });
        when(calls.WaitForSingleObject(PROCESS, WinBase.INFINITE)).thenAnswer(inv -> {
            mainExited.await();
            return WinBase.WAIT_OBJECT_0;
        });
        when(calls.GetExitCodeProcess(eq(PROCESS), any())).thenAnswer(inv -> {
            ((IntByReference) inv.getArgument(1)).setValue(exitCode.get());
            return true;
        });
        when(jobs.CreateJobObjectW(null, null)).thenReturn(JOB);
        when(jobs.SetInformationJobObject(eq(JOB), anyInt(), any(), anyInt())).thenAnswer(inv -> {
            if ((int) inv.getArgument(1) == Kernel32Library.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION) {
                limitsSet.add(inv.getArgument(2));
            }
            return true;
        });
        when(jobs.AssignProcessToJobObject(JOB, PROCESS)).thenReturn(true);
        when(jobs.ResumeThread(THREAD)).thenReturn(1);
        when(jobs.TerminateJobObject(eq(JOB), anyInt())).thenAnswer(inv -> {
            exitCode.set(inv.getArgument(1));
            childrenAlive.set(false);
            mainExited.countDown();
            return true;
        });
        when(jobs.QueryInformationJobObject(eq(JOB), anyInt(), any(), anyInt(), isNull())).thenAnswer(inv -> {
            Structure info = inv.getArgument(2);
            if (info instanceof Kernel32Library.JobObjectBasicAccountingInformation a) {
                a.ActiveProcesses = (mainExited.getCount() > 0 ? 1 : 0) + (childrenAlive.get() ? 1 : 0);
                a.TotalUserTime = 20_000_000;
                a.TotalKernelTime = 5_000_000;
            } else if (info instanceof Kernel32Library.JobObjectExtendedLimitInformation e) {
                e.PeakJobMemoryUsed = new BaseTSD.SIZE_T(peak.get());
            } else if (info instanceof Kernel32Library.JobObjectLimitViolationInformation v) {
                v.JobMemory = 3L << 20;
            }
            return true;
        });
        sandbox = new WindowsJobSandbox(jobs, calls, Map.of("Path", "C:\\Windows", "TEMP", "C:\\t"));
    }

    @AfterEach
    void stopPortReader() {
        sandbox.close();
        portMessages.add(new long[0]);
        mainExited.countDown();
    }

    private LaunchSpec spec(List<String> command) {
        return new LaunchSpec(command, Map.of(RunToken.ENVIRONMENT_VARIABLE, "tok-1", "SystemRoot", "C:\\Windows"),
                dir, dir.resolve("logs/task.log"), "tok-1");
    }

    private SandboxedProcess launch(ResourceLimits limits) throws IOException {
        return sandbox.launch(spec(List.of("C:\\Program Files\\tool.exe", "a b", "")), limits);
    }

    private static ExitStatus exitOf(SandboxedProcess p) throws Exception {
        return p.onExit().get(DEADLINE_MS, TimeUnit.MILLISECONDS);
    }

    private void exit(int code) {
        exitCode.set(code);
        mainExited.countDown();
    }

    /** The job is built around the suspended process before it runs (SPEC X1). */
    @Test
    void launchCreatesSuspendedThenJobThenLimitsThenAssignsThenResumes() throws Exception {
        launch(ResourceLimits.builder().memoryBytes(LIMIT).build());

        InOrder order = inOrder(calls, jobs);
        order.verify(calls).CreateProcessW(isNull(), any(char[].class), isNull(), isNull(), eq(true),
                eq(0x0800_0604), any(Pointer.class), anyString(), any(), any());
        order.verify(jobs).CreateJobObjectW(null, null);
        order.verify(jobs).SetInformationJobObject(eq(JOB), eq(9), any(), eq(144));
        order.verify(jobs).SetInformationJobObject(eq(JOB), eq(7), any(), eq(16));
        order.verify(jobs).AssignProcessToJobObject(JOB, PROCESS);
        order.verify(jobs).ResumeThread(THREAD);
        order.verify(calls).CloseHandle(THREAD);
        verify(calls, never()).TerminateProcess(any(), anyInt());
        verify(calls, never()).CloseHandle(PROCESS);
    }

    @Test
    void jobGetsMemoryProcessKillOnCloseAndDieOnExceptionLimits() throws Exception {
        launch(ResourceLimits.builder().memoryBytes(LIMIT).maxProcesses(40).build());

        Kernel32Library.JobObjectExtendedLimitInformation info =
                (Kernel32Library.JobObjectExtendedLimitInformation) limitsSet.get(0);
        assertThat(info.BasicLimitInformation.LimitFlags).isEqualTo(0x200 | 0x8 | 0x2000 | 0x400);
        assertThat(info.BasicLimitInformation.ActiveProcessLimit).isEqualTo(40);
        assertThat(info.JobMemoryLimit.longValue()).isEqualTo(LIMIT);
        assertThat(info.ProcessMemoryLimit.longValue()).isZero();
    }

    @Test
    void withoutMemoryLimitTheJobHasNoMemoryFlagAndTheDefaultProcessLimit() throws Exception {
        launch(ResourceLimits.defaults());

        Kernel32Library.JobObjectExtendedLimitInformation info =
                (Kernel32Library.JobObjectExtendedLimitInformation) limitsSet.get(0);
        assertThat(info.BasicLimitInformation.LimitFlags).isEqualTo(0x8 | 0x2000 | 0x400);
        assertThat(info.BasicLimitInformation.ActiveProcessLimit).isEqualTo(512);
        assertThat(info.JobMemoryLimit.longValue()).isZero();
    }

    @Test
    void commandLineEnvironmentAndHandlesArePassed() throws Exception { // SPEC S5: the spec's environment alone
        launch(ResourceLimits.defaults());

        Object[] args = created.get(0);
        assertThat(new String((char[]) args[1])).isEqualTo("\"C:\\Program Files\\tool.exe\" \"a b\" \"\"\0");
        Memory block = (Memory) args[6];
        String env = new String(block.getByteArray(0, (int) block.size()), StandardCharsets.UTF_16LE);
        // The broker's own Path and TEMP (given to the sandbox above) are not inherited.
        assertThat(env).isEqualTo(RunToken.environmentEntry("tok-1") + "\0SystemRoot=C:\\Windows\0\0");
        assertThat(args[7]).isEqualTo(dir.toAbsolutePath().toString());
        WinBase.STARTUPINFO startup = (WinBase.STARTUPINFO) args[8];
        assertThat(startup.dwFlags).isEqualTo(0x100);
        assertThat(startup.hStdInput).isEqualTo(NUL);
        assertThat(startup.hStdOutput).isEqualTo(LOG);
        assertThat(startup.hStdError).isEqualTo(LOG);
        verify(calls).CreateFile(eq(dir.resolve("logs/task.log").toString()), eq(WinNT.FILE_APPEND_DATA), anyInt(),
                any(), eq(WinNT.OPEN_ALWAYS), anyInt(), isNull());
        // The broker's copies of the inherited handles are closed once the child has its own.
        verify(calls).CloseHandle(LOG);
        verify(calls).CloseHandle(NUL);
    }

    @Test
    void assignFailureTerminatesTheSuspendedProcessAndClosesTheJob() {
        when(jobs.AssignProcessToJobObject(JOB, PROCESS)).thenReturn(false);

        assertThatThrownBy(() -> launch(ResourceLimits.defaults())).isInstanceOf(IOException.class)
                .hasMessageContaining("could not put pid 4242")
                .hasMessageContaining("into its job object")
                .hasMessageContaining("error 5: text of error 5");
        verify(calls).TerminateProcess(PROCESS, 1);
        verify(calls).CloseHandle(JOB);
        verify(calls).CloseHandle(PROCESS);
        verify(calls).CloseHandle(THREAD);
        verify(jobs, never()).ResumeThread(any());
    }

    @Test
    void jobCreationFailureTerminatesTheProcess() {
        when(jobs.CreateJobObjectW(null, null)).thenReturn(null);

        assertThatThrownBy(() -> launch(ResourceLimits.defaults())).isInstanceOf(IOException.class)
                .hasMessageContaining("could not create a job object for pid 4242");
        verify(calls).TerminateProcess(PROCESS, 1);
        verify(jobs, never()).AssignProcessToJobObject(any(), any());
        verify(jobs, never()).ResumeThread(any());
    }

    @Test
    void limitFailureTerminatesTheProcessBeforeItIsAssigned() {
        when(jobs.SetInformationJobObject(eq(JOB), eq(9), any(), anyInt())).thenReturn(false);

        assertThatThrownBy(() -> launch(ResourceLimits.defaults())).isInstanceOf(IOException.class)
                .hasMessageContaining("could not set the limits");
        verify(calls).TerminateProcess(PROCESS, 1);
        verify(calls).CloseHandle(JOB);
        verify(jobs, never()).AssignProcessToJobObject(any(), any());
    }

    @Test
    void resumeFailureTerminatesTheProcessAndClosesTheJob() {
        when(jobs.ResumeThread(THREAD)).thenReturn(Kernel32Library.RESUME_THREAD_FAILED);

        assertThatThrownBy(() -> launch(ResourceLimits.defaults())).isInstanceOf(IOException.class)
                .hasMessageContaining("could not resume pid 4242");
        verify(calls).TerminateProcess(PROCESS, 1);
        verify(calls).CloseHandle(JOB);
    }

    @Test
    void createProcessFailureNamesTheProgramAndMakesNoJob() {
        when(calls.CreateProcessW(any(), any(), any(), any(), anyBoolean(), anyInt(), any(), any(), any(), any()))
                .thenReturn(false);
        when(calls.lastError()).thenReturn(2);

        assertThatThrownBy(() -> launch(ResourceLimits.defaults())).isInstanceOf(IOException.class)
                .hasMessageContaining("could not start C:\\Program Files\\tool.exe: error 2: text of error 2");
        verify(jobs, never()).CreateJobObjectW(any(), any());
        verify(calls).CloseHandle(LOG);
        verify(calls).CloseHandle(NUL);
    }

    /** SPEC X10: the job's memory-limit message stops the whole tree at once, recorded OUT_OF_MEMORY. */
    @Test
    void memoryLimitMessageTerminatesTheJobAndRecordsOutOfMemory() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.builder().memoryBytes(LIMIT).build());
        peak.set(LIMIT - (10L << 20));

        portMessages.add(new long[] {Kernel32Library.JOB_OBJECT_MSG_JOB_MEMORY_LIMIT, 1});

        verify(jobs, timeout(DEADLINE_MS)).TerminateJobObject(JOB, 1);
        ExitStatus status = exitOf(p);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.peakMemoryBytes()).isEqualTo(LIMIT - (10L << 20));
        verify(calls, timeout(DEADLINE_MS)).CloseHandle(JOB);
        verify(calls, timeout(DEADLINE_MS)).CloseHandle(PROCESS);
    }

    @Test
    void messagesForOtherKeysDoNotTouchTheTask() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.builder().memoryBytes(LIMIT).build());
        portMessages.add(new long[] {Kernel32Library.JOB_OBJECT_MSG_JOB_MEMORY_LIMIT, 99});
        portMessages.add(new long[] {Kernel32Library.JOB_OBJECT_MSG_NEW_PROCESS, 1});
        exit(0);

        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.EXITED);
        verify(jobs, never()).TerminateJobObject(any(), anyInt());
    }

    /** The message is not guaranteed: a peak at the limit when the task ends is the second proof. */
    @Test
    void peakAtTheLimitWhenTheTaskEndsRecordsOutOfMemory() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.builder().memoryBytes(LIMIT).build());
        peak.set(LIMIT - 4096);

        exit(3);

        ExitStatus status = exitOf(p);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        assertThat(status.exitCode()).isEqualTo(3);
        assertThat(status.peakMemoryBytes()).isEqualTo(LIMIT - 4096);
    }

    @Test
    void peakWellBelowTheLimitIsAnOrdinaryExit() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.builder().memoryBytes(LIMIT).build());
        peak.set(LIMIT / 2);

        exit(0);

        ExitStatus status = exitOf(p);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(status.exitCode()).isZero();
        assertThat(p.usage()).isEqualTo(new ResourceUsage(0, LIMIT / 2, Duration.ofMillis(2_500), 0));
    }

    /** SPEC X12: a refused process counts when the task then failed. */
    @Test
    void processLimitMessageThenFailureRecordsProcessLimit() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.builder().maxProcesses(4).build());
        portMessages.add(new long[] {Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT, 1});
        awaitPortDrained();

        exit(1);

        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
    }

    @Test
    void processLimitMessageThenSuccessIsAnOrdinaryExit() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.builder().maxProcesses(4).build());
        portMessages.add(new long[] {Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT, 1});
        awaitPortDrained();

        exit(0);

        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.EXITED);
    }

    // The reader has taken every queued message and waits for the next one.
    private void awaitPortDrained() {
        verify(calls, timeout(DEADLINE_MS).atLeast(2)).GetQueuedCompletionStatus(eq(PORT), any(), any(), any(),
                anyInt());
        assertThat(portMessages).isEmpty();
    }

    /** SPEC X13: a kill is TerminateJobObject, which takes every process of the job. */
    @Test
    void killTerminatesTheWholeJob() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.defaults());
        childrenAlive.set(true);

        p.kill();

        verify(jobs).TerminateJobObject(JOB, 1);
        ExitStatus status = exitOf(p);
        assertThat(status.reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(childrenAlive).isFalse();
    }

    @Test
    void theTreeEndsOnlyWhenTheJobIsEmpty() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.defaults());
        childrenAlive.set(true);

        exit(0);
        // Looked at the job at least twice after the main process exited, and found a child each time.
        verify(jobs, timeout(DEADLINE_MS).atLeast(2)).QueryInformationJobObject(eq(JOB),
                eq(Kernel32Library.JOB_OBJECT_BASIC_ACCOUNTING_INFORMATION), any(), anyInt(), isNull());
        assertThat(p.onExit()).isNotDone();

        childrenAlive.set(false);
        portMessages.add(new long[] {Kernel32Library.JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO, 1});

        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.EXITED);
    }

    @Test
    void usageComesFromTheJob() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.builder().memoryBytes(LIMIT).build());
        peak.set(5L << 20);

        ResourceUsage usage = p.usage();

        assertThat(usage).isEqualTo(new ResourceUsage(3L << 20, 5L << 20, Duration.ofMillis(2_500), 1));
    }

    /** SPEC X11: a running task's memory limit is rewritten in its job. */
    @Test
    void setMemoryLimitRewritesTheJobLimit() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.builder().memoryBytes(LIMIT).maxProcesses(9).build());

        assertThat(p.setMemoryLimit(64L << 20)).isTrue();

        Kernel32Library.JobObjectExtendedLimitInformation info =
                (Kernel32Library.JobObjectExtendedLimitInformation) limitsSet.get(1);
        assertThat(info.JobMemoryLimit.longValue()).isEqualTo(64L << 20);
        assertThat(info.BasicLimitInformation.ActiveProcessLimit).isEqualTo(9);
        assertThat(info.BasicLimitInformation.LimitFlags).isEqualTo(0x200 | 0x8 | 0x2000 | 0x400);
    }

    /** Polite cancel without a broker console: attach to the task's hidden console, CTRL_BREAK, detach. */
    @Test
    void terminateSendsCtrlBreakThroughTheTasksConsole() throws Exception {
        when(calls.AttachConsole(PID)).thenReturn(true);
        when(calls.GenerateConsoleCtrlEvent(1, PID)).thenReturn(true);
        SandboxedProcess p = launch(ResourceLimits.defaults());

        p.terminate();

        InOrder order = inOrder(calls);
        order.verify(calls).AttachConsole(PID);
        order.verify(calls).GenerateConsoleCtrlEvent(1, PID);
        order.verify(calls).FreeConsole();
        exit(JobProcess.STATUS_CONTROL_C_EXIT);
        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.SIGNALED);
    }

    @Test
    void withABrokerConsoleTasksShareItAndGetCtrlBreakDirectly() throws Exception {
        when(calls.GetConsoleCP()).thenReturn(437);
        sandbox.close();
        sandbox = new WindowsJobSandbox(jobs, calls, Map.of());
        SandboxedProcess p = launch(ResourceLimits.defaults());

        p.terminate();

        verify(calls).CreateProcessW(any(), any(), any(), any(), anyBoolean(), eq(0x604), any(), any(), any(), any());
        verify(calls).GenerateConsoleCtrlEvent(1, PID);
        verify(calls, never()).AttachConsole(anyInt());
        assertThat(sandbox.describe()).contains("tasks share the broker's console");
    }

    @Test
    void terminateDoesNotKill() throws Exception {
        SandboxedProcess p = launch(ResourceLimits.defaults());
        p.terminate();
        verify(jobs, never()).TerminateJobObject(any(), anyInt());
        exit(0);
        assertThat(exitOf(p).reason()).isEqualTo(ExitStatus.Reason.EXITED);
    }

    /** SPEC B3 on Windows: tasks die with the broker (KILL_ON_JOB_CLOSE), so nothing is re-adopted. */
    @Test
    void reAdoptionIsRefusedAndSaidSo() {
        assertThat(sandbox.canReadopt()).isFalse();
        assertThat(sandbox.adopt(PID, "tok-1", ResourceLimits.defaults())).isEmpty();
        assertThat(sandbox.killOrphan(PID, "tok-1")).isFalse();
        assertThat(sandbox.describe()).contains("KILL_ON_JOB_CLOSE").contains("BROKER_LOST")
                .contains("TerminateJobObject").contains("CREATE_SUSPENDED");
        verify(jobs, never()).TerminateJobObject(any(), anyInt());
        verify(calls, never()).TerminateProcess(any(), anyInt());
    }

    @Test
    void bothLimitsAreEnforcedByTheKernel() {
        assertThat(sandbox.capabilities().memory()).isEqualTo(Enforcement.ENFORCED);
        assertThat(sandbox.capabilities().processes()).isEqualTo(Enforcement.ENFORCED);
        assertThat(sandbox.capabilities().processMechanism()).contains("threads are not counted");
    }

    @Test
    void reasonTable() {
        assertThat(JobProcess.reasonOf(0, true, false, true, false)).isEqualTo(ExitStatus.Reason.OUT_OF_MEMORY);
        assertThat(JobProcess.reasonOf(1, false, true, false, false)).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
        assertThat(JobProcess.reasonOf(0, false, true, false, false)).isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(JobProcess.reasonOf(0, false, true, true, false)).isEqualTo(ExitStatus.Reason.PROCESS_LIMIT);
        assertThat(JobProcess.reasonOf(null, false, false, false, false))
                .isEqualTo(ExitStatus.Reason.EXIT_CODE_UNKNOWN);
        assertThat(JobProcess.reasonOf(1, false, false, true, false)).isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(JobProcess.reasonOf(JobProcess.STATUS_CONTROL_C_EXIT, false, false, false, true))
                .isEqualTo(ExitStatus.Reason.SIGNALED);
        assertThat(JobProcess.reasonOf(JobProcess.STATUS_CONTROL_C_EXIT, false, false, false, false))
                .isEqualTo(ExitStatus.Reason.EXITED);
        assertThat(JobProcess.reasonOf(0xC0000005, false, false, false, false)).isEqualTo(ExitStatus.Reason.EXITED);
    }

    @Test
    void peakSlackIsOneAllocationGranule() {
        ResourceLimits limits = ResourceLimits.builder().memoryBytes(LIMIT).build();
        assertThat(JobProcess.reachedLimit(LIMIT - (64L << 10), limits)).isTrue();
        assertThat(JobProcess.reachedLimit(LIMIT - (64L << 10) - 1, limits)).isFalse();
        assertThat(JobProcess.reachedLimit(LIMIT, ResourceLimits.defaults())).isFalse();
    }
}
