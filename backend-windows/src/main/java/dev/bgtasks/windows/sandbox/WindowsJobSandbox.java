package dev.bgtasks.windows.sandbox;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.windows.jna.Kernel32Calls;
import dev.bgtasks.windows.jna.Kernel32Library;
import dev.bgtasks.windows.jna.Win32Errors;
import dev.bgtasks.windows.jna.Win32Libraries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Windows sandbox: every task runs in a job object of its own with {@code JOB_OBJECT_LIMIT_JOB_MEMORY} (when
 * the registration sets a memory limit), {@code JOB_OBJECT_LIMIT_ACTIVE_PROCESS} (default 512),
 * {@code JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE} and {@code JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION}.
 *
 * <p>The task is created suspended ({@code CreateProcessW} with {@code CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP
 * | CREATE_UNICODE_ENVIRONMENT}), put in its job, and only then resumed: it runs no instruction outside its job
 * (SPEC X1). Its arguments are quoted by the C runtime's rules ({@link WindowsCommandLine}), never through
 * {@code cmd.exe}; its output is appended to the log file; its standard input is {@code NUL}.
 *
 * <p>Memory: a job memory limit makes a commit fail inside the task; the job's message on the completion port makes
 * the broker terminate the whole job and record {@code OUT_OF_MEMORY}, and the job's peak is compared with the
 * limit at the end in case the message was lost. A kill is {@code TerminateJobObject}: grandchildren that moved to
 * another process group or console go too (SPEC X13).
 *
 * <p>Crash safety instead of re-adoption: only the broker holds a task's job handle, so when the broker dies the
 * kernel closes it and {@code KILL_ON_JOB_CLOSE} kills the task tree. A job cannot be opened again once its last
 * handle is gone, so a restarted broker cannot re-adopt anything: {@link #adopt} always refuses, and the broker
 * records such tasks {@code BROKER_LOST}.
 *
 * <pre>{@code
 * WindowsJobSandbox sandbox = WindowsJobSandbox.open();
 * SandboxedProcess p = sandbox.launch(spec, ResourceLimits.builder().memoryBytes(256L << 20).build());
 * ExitStatus status = p.onExit().get();   // OUT_OF_MEMORY when the job hit its memory limit
 * }</pre>
 */
public final class WindowsJobSandbox implements ProcessSandbox, AutoCloseable {
    /** The flags of every task's {@code CreateProcessW} call (the console mode may add {@code CREATE_NO_WINDOW}). */
    static final int CREATION_FLAGS = WinBase.CREATE_SUSPENDED | WinBase.CREATE_NEW_PROCESS_GROUP
            | WinBase.CREATE_UNICODE_ENVIRONMENT;
    /** The limit flags every job gets; {@code JOB_MEMORY} is added when there is a memory limit. */
    static final int ALWAYS_LIMITS = Kernel32Library.JOB_OBJECT_LIMIT_ACTIVE_PROCESS
            | Kernel32Library.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
            | Kernel32Library.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    /** The exit code of a task the sandbox stops because it could not be put in its job. */
    static final int ABANDONED_EXIT_CODE = 1;

    private static final Logger LOG = LoggerFactory.getLogger(WindowsJobSandbox.class);

    private final Kernel32Library jobs;
    private final Kernel32Calls calls;
    private final Map<String, String> inherited;
    private final ConsoleBreak consoles;
    private final ScheduledThreadPoolExecutor scheduler;
    private JobPort port;

    WindowsJobSandbox(Kernel32Library jobs, Kernel32Calls calls, Map<String, String> inherited) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.inherited = Map.copyOf(inherited);
        this.consoles = ConsoleBreak.detect(calls);
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "bgtasks-job-watch");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * The sandbox of this Windows host, for tasks that inherit this process's environment. The completion port
     * and its reader thread start with the first launch.
     *
     * @return a sandbox that has started nothing yet
     * @throws UnsupportedOperationException when this is not Windows
     */
    public static WindowsJobSandbox open() {
        if (!System.getProperty("os.name", "").startsWith("Windows")) {
            throw new UnsupportedOperationException("job objects need Windows, this is "
                    + System.getProperty("os.name"));
        }
        return new WindowsJobSandbox(Win32Libraries.kernel32(), Kernel32Calls.system(), System.getenv());
    }

    @Override
    public SandboxCapabilities capabilities() {
        return new SandboxCapabilities(
                Enforcement.ENFORCED, "job object JobMemoryLimit (committed memory of the whole job; a commit past"
                        + " it fails, then the broker terminates the job on JOB_OBJECT_MSG_JOB_MEMORY_LIMIT)",
                Enforcement.ENFORCED, "job object ActiveProcessLimit (processes of the job; threads are not"
                        + " counted)");
    }

    @Override
    public SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(limits, "limits");
        String commandLine = WindowsCommandLine.quote(spec.command());
        // The whole environment, never the broker's with additions (SPEC S5); TaskEnvironment puts SystemRoot in it.
        String environment = WindowsEnvironment.block(spec.environment());
        Path log = spec.logFile().toAbsolutePath();
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        JobPort jobPort = port();
        WinBase.PROCESS_INFORMATION started = createSuspended(spec, commandLine, environment, log);
        return contain(started, limits, jobPort, spec.command().get(0));
    }

    private WinBase.PROCESS_INFORMATION createSuspended(LaunchSpec spec, String commandLine, String environment,
                                                        Path log) throws IOException {
        WinBase.SECURITY_ATTRIBUTES inheritable = new WinBase.SECURITY_ATTRIBUTES();
        inheritable.bInheritHandle = true;
        WinNT.HANDLE output = calls.CreateFile(log.toString(), WinNT.FILE_APPEND_DATA,
                WinNT.FILE_SHARE_READ | WinNT.FILE_SHARE_WRITE | WinNT.FILE_SHARE_DELETE, inheritable,
                WinNT.OPEN_ALWAYS, WinNT.FILE_ATTRIBUTE_NORMAL, null);
        if (output == null || WinBase.INVALID_HANDLE_VALUE.equals(output)) {
            throw failure("could not open the task's log file " + log);
        }
        WinNT.HANDLE input = null;
        try {
            input = calls.CreateFile("NUL", WinNT.GENERIC_READ, WinNT.FILE_SHARE_READ | WinNT.FILE_SHARE_WRITE,
                    inheritable, WinNT.OPEN_EXISTING, WinNT.FILE_ATTRIBUTE_NORMAL, null);
            if (input == null || WinBase.INVALID_HANDLE_VALUE.equals(input)) {
                input = null;
                throw failure("could not open NUL for the task's standard input");
            }
            WinBase.STARTUPINFO startup = new WinBase.STARTUPINFO();
            startup.dwFlags = WinBase.STARTF_USESTDHANDLES;
            startup.hStdInput = input;
            startup.hStdOutput = output;
            startup.hStdError = output;
            WinBase.PROCESS_INFORMATION info = new WinBase.PROCESS_INFORMATION();
            Memory block = WindowsEnvironment.toMemory(environment);
            // CreateProcessW may write into the command line: it gets a terminated copy of its own.
            char[] line = (commandLine + '\0').toCharArray();
            boolean created = calls.CreateProcessW(null, line, null, null, true,
                    CREATION_FLAGS | consoles.creationFlags(), block,
                    spec.workingDirectory().toAbsolutePath().toString(), startup, info);
            if (!created) {
                throw failure("could not start " + spec.command().get(0));
            }
            return info;
        } finally {
            calls.CloseHandle(output);
            if (input != null) {
                calls.CloseHandle(input);
            }
        }
    }

    /**
     * Puts the suspended process in a new job with its limits, then resumes it. On any failure the process is
     * terminated before it ran, its handles and the job are closed, and the error says which step failed.
     */
    private SandboxedProcess contain(WinBase.PROCESS_INFORMATION started, ResourceLimits limits, JobPort jobPort,
                                     String program) throws IOException {
        long pid = started.dwProcessId.longValue();
        WinNT.HANDLE job = jobs.CreateJobObjectW(null, null);
        if (job == null) {
            IOException e = failure("could not create a job object for pid " + pid + " (" + program + ")");
            abandon(started, null);
            throw e;
        }
        long key = jobPort.newKey();
        try {
            Kernel32Library.JobObjectExtendedLimitInformation info = limitInformation(limits);
            if (!jobs.SetInformationJobObject(job, Kernel32Library.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION, info,
                    info.size())) {
                throw failure("could not set the limits of pid " + pid + "'s job object");
            }
            Kernel32Library.JobObjectAssociateCompletionPort association =
                    new Kernel32Library.JobObjectAssociateCompletionPort();
            association.CompletionKey = new Pointer(key);
            association.CompletionPort = jobPort.handle();
            if (!jobs.SetInformationJobObject(job, Kernel32Library.JOB_OBJECT_ASSOCIATE_COMPLETION_PORT_INFORMATION,
                    association, association.size())) {
                throw failure("could not connect pid " + pid + "'s job object to the completion port");
            }
            JobProcess task = new JobProcess(jobs, calls, job, started.hProcess, pid, limits, scheduler, consoles,
                    () -> jobPort.unregister(key));
            jobPort.register(key, task);
            if (!jobs.AssignProcessToJobObject(job, started.hProcess)) {
                throw failure("could not put pid " + pid + " (" + program + ") into its job object (a broker"
                        + " inside a job that forbids nested jobs or breakaway cannot make jobs of its own)");
            }
            if (jobs.ResumeThread(started.hThread) == Kernel32Library.RESUME_THREAD_FAILED) {
                throw failure("could not resume pid " + pid + " after putting it into its job object");
            }
            calls.CloseHandle(started.hThread);
            task.startWatching();
            LOG.debug("launched pid {} in its job object: {}", pid, program);
            return task;
        } catch (IOException | RuntimeException e) {
            jobPort.unregister(key);
            abandon(started, job);
            throw e;
        }
    }

    // The process never ran an instruction: terminate it, close everything.
    private void abandon(WinBase.PROCESS_INFORMATION started, WinNT.HANDLE job) {
        if (!calls.TerminateProcess(started.hProcess, ABANDONED_EXIT_CODE)) {
            LOG.warn("could not terminate suspended pid {}: error {}", started.dwProcessId, calls.lastError());
        }
        calls.CloseHandle(started.hThread);
        calls.CloseHandle(started.hProcess);
        if (job != null) {
            calls.CloseHandle(job);
        }
    }

    private IOException failure(String what) {
        return Win32Errors.failure(what, calls);
    }

    /** The job limits of a task: flags and values of {@code JOBOBJECT_EXTENDED_LIMIT_INFORMATION}. */
    static Kernel32Library.JobObjectExtendedLimitInformation limitInformation(ResourceLimits limits) {
        Kernel32Library.JobObjectExtendedLimitInformation info =
                new Kernel32Library.JobObjectExtendedLimitInformation();
        int flags = ALWAYS_LIMITS;
        if (limits.memoryLimit().isPresent()) {
            flags |= Kernel32Library.JOB_OBJECT_LIMIT_JOB_MEMORY;
            info.JobMemoryLimit = new BaseTSD.SIZE_T(limits.memoryLimit().getAsLong());
        }
        info.BasicLimitInformation.LimitFlags = flags;
        info.BasicLimitInformation.ActiveProcessLimit = limits.effectiveMaxProcesses();
        return info;
    }

    private synchronized JobPort port() throws IOException {
        if (port == null) {
            port = JobPort.open(calls);
            port.start();
        }
        return port;
    }

    /**
     * Always refuses: the task's job died with the broker that held its only handle ({@code KILL_ON_JOB_CLOSE}),
     * and with it the task, so there is nothing to take back.
     */
    @Override
    public Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits) {
        Objects.requireNonNull(runToken, "runToken");
        LOG.info("not re-adopting pid {}: on Windows a task dies with the broker that held its job", pid);
        return Optional.empty();
    }

    @Override
    public boolean canReadopt() {
        return false;
    }

    /**
     * Finds nothing to kill: the kernel killed the task tree when the previous broker's job handle closed, and no
     * process of a job can leave it (breakaway is not allowed). A process now holding that pid is someone else's.
     */
    @Override
    public boolean killOrphan(long pid, String runToken) {
        Objects.requireNonNull(runToken, "runToken");
        LOG.debug("pid {}: its job was killed with the previous broker (KILL_ON_JOB_CLOSE); nothing to kill", pid);
        return false;
    }

    @Override
    public String describe() {
        return "windows job objects: one job per task with JOB_MEMORY (when a memory limit is set), ACTIVE_PROCESS"
                + " (default " + ResourceLimits.DEFAULT_MAX_PROCESSES + " processes; threads not counted),"
                + " KILL_ON_JOB_CLOSE, DIE_ON_UNHANDLED_EXCEPTION; tasks start suspended (CreateProcessW"
                + " CREATE_SUSPENDED|CREATE_NEW_PROCESS_GROUP|CREATE_UNICODE_ENVIRONMENT), join their job, then"
                + " resume; memory: a commit past the limit fails in the task, and on JOB_OBJECT_MSG_JOB_MEMORY_LIMIT"
                + " (or a PeakJobMemoryUsed at the limit when the task ends) the broker terminates the job and"
                + " records OUT_OF_MEMORY; tree kill: TerminateJobObject; polite cancel: " + consoles.describe()
                + "; re-adoption: none - tasks die with the broker (KILL_ON_JOB_CLOSE on the only job handle) and"
                + " are recorded BROKER_LOST; no task outlives its broker, so none ends unobserved with a true"
                + " outcome to keep (SPEC B5)";
    }

    /** Stops reading job messages; running tasks keep their jobs (and die when this process exits). */
    @Override
    public synchronized void close() {
        if (port != null) {
            port.close();
        }
        scheduler.shutdownNow();
    }
}
