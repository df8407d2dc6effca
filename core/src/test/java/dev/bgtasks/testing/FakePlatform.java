package dev.bgtasks.testing;

import dev.bgtasks.spi.ExitStatus;
import dev.bgtasks.spi.HardwareReadings;
import dev.bgtasks.spi.HardwareSignal;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.ResourceLimits;
import dev.bgtasks.spi.ResourceUsage;
import dev.bgtasks.spi.SandboxCapabilities;
import dev.bgtasks.spi.SandboxCapabilities.Enforcement;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.TaskEndRecords;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A platform whose signals a test sets and whose processes a test drives: nothing real is started. Keep one
 * instance across broker restarts to model processes that outlive their broker.
 */
public final class FakePlatform implements HostPlatform {
    private final FakeSignals signals = new FakeSignals();
    private final FakeSandbox sandbox = new FakeSandbox();
    private final FakeHardware hardware = new FakeHardware();

    /** Internet up, on AC power, user present, session connected, nothing low, energy saver off. */
    public static FakePlatform withGoodConditions() {
        FakePlatform platform = new FakePlatform();
        platform.signals.snapshot = SignalSnapshot.empty()
                .with(HostSignal.INTERNET, true).with(HostSignal.UNMETERED_NETWORK, true)
                .with(HostSignal.USER_PRESENT, true).with(HostSignal.SESSION_CONNECTED, true)
                .with(HostSignal.AC_POWER, true).with(HostSignal.BATTERY_LOW, false)
                .with(HostSignal.STORAGE_LOW, false).with(HostSignal.ENERGY_SAVER, false);
        return platform;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public FakeSignals signals() {
        return signals;
    }

    @Override
    public FakeHardware hardware() {
        return hardware;
    }

    @Override
    public FakeSandbox sandbox() {
        return sandbox;
    }

    /** Sets a host signal and tells listeners at once, on this thread. */
    public void set(HostSignal signal, Boolean value) {
        signals.set(signal, value);
    }

    public List<FakeProcess> processes() {
        return List.copyOf(sandbox.launched);
    }

    /**
     * The {@code count}th process launched (1: the first), waited for with a deadline: a trigger relayed over the
     * socket is answered before its launch (SPEC B4), so a test that triggers through a client waits for it.
     */
    public FakeProcess awaitProcess(int count) {
        return sandbox.awaitLaunched(count);
    }

    /** The one process launched last. */
    public FakeProcess lastProcess() {
        if (sandbox.launched.isEmpty()) {
            throw new AssertionError("no process was launched");
        }
        return sandbox.launched.get(sandbox.launched.size() - 1);
    }

    /** Host signals a test sets. */
    public static final class FakeSignals implements HostSignals {
        private final List<Consumer<SignalSnapshot>> listeners = new CopyOnWriteArrayList<>();
        private volatile SignalSnapshot snapshot = SignalSnapshot.empty();
        private volatile Set<HostSignal> needed = Set.of();

        public void set(HostSignal signal, Boolean value) {
            snapshot = snapshot.with(signal, value);
            listeners.forEach(listener -> listener.accept(snapshot));
        }

        @Override
        public SignalSnapshot current() {
            return snapshot;
        }

        @Override
        public AutoCloseable subscribe(Consumer<SignalSnapshot> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        public int listenerCount() {
            return listeners.size();
        }

        @Override
        public void need(Set<HostSignal> signals) {
            needed = Set.copyOf(signals);
        }

        /** {@return the signals the broker last said the registrations need} */
        public Set<HostSignal> needed() {
            return needed;
        }

        @Override
        public String describe() {
            return "  all signals: set by the test\n";
        }
    }

    /** Hardware readings a test sets; every reading readable unless the test says otherwise. */
    public static final class FakeHardware implements HardwareSource {
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
        private volatile HardwareReadings readings = HardwareReadings.UNKNOWN;
        private volatile Set<HardwareSignal> readable = EnumSet.allOf(HardwareSignal.class);
        private volatile Set<HardwareSignal> needed = Set.of();

        /** Changes the readings and tells listeners at once, on this thread. */
        public void set(UnaryOperator<HardwareReadings> change) {
            readings = change.apply(readings);
            listeners.forEach(Runnable::run);
        }

        public void setReadable(Set<HardwareSignal> signals) {
            readable = signals.isEmpty() ? Set.of() : EnumSet.copyOf(signals);
        }

        /** What the broker said it needs last. */
        public Set<HardwareSignal> needed() {
            return needed;
        }

        @Override
        public HardwareReadings current() {
            return readings;
        }

        @Override
        public AutoCloseable subscribe(Runnable listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public Set<HardwareSignal> readable() {
            return readable;
        }

        @Override
        public void need(Set<HardwareSignal> signals) {
            needed = Set.copyOf(signals);
        }

        @Override
        public String describe() {
            return "  hardware: set by the test\n";
        }
    }

    /** A sandbox that records launches instead of starting processes. */
    public static final class FakeSandbox implements ProcessSandbox {
        private static final Duration LAUNCH_DEADLINE = Duration.ofSeconds(10);
        private final List<FakeProcess> launched = new CopyOnWriteArrayList<>();
        private final List<Long> orphansKilled = new CopyOnWriteArrayList<>();
        private final AtomicLong nextPid = new AtomicLong(1000);
        private SandboxCapabilities capabilities = new SandboxCapabilities(
                Enforcement.ENFORCED, "fake memory limit", Enforcement.ENFORCED, "fake process limit");
        private boolean canReadopt = true;
        private IOException nextLaunchFailure;
        private int mostAliveAtALaunch;
        private volatile Consumer<FakeProcess> onLaunch = process -> { };

        /** Runs on the launching thread once a process is launched (a fake standby host says hello there). */
        public void onLaunch(Consumer<FakeProcess> action) {
            this.onLaunch = action;
        }

        @Override
        public SandboxCapabilities capabilities() {
            return capabilities;
        }

        public void setCapabilities(SandboxCapabilities value) {
            this.capabilities = value;
        }

        public void setCanReadopt(boolean value) {
            this.canReadopt = value;
        }

        /** The next launch throws this. */
        public void failNextLaunch(IOException failure) {
            this.nextLaunchFailure = failure;
        }

        @Override
        public synchronized SandboxedProcess launch(LaunchSpec spec, ResourceLimits limits) throws IOException {
            if (nextLaunchFailure != null) {
                IOException failure = nextLaunchFailure;
                nextLaunchFailure = null;
                throw failure;
            }
            FakeProcess process = new FakeProcess(nextPid.incrementAndGet(), spec, limits);
            mostAliveAtALaunch = Math.max(mostAliveAtALaunch,
                    (int) launched.stream().filter(FakeProcess::isAlive).count());
            launched.add(process);
            notifyAll();
            onLaunch.accept(process);
            return process;
        }

        synchronized FakeProcess awaitLaunched(int count) {
            long end = System.nanoTime() + LAUNCH_DEADLINE.toNanos();
            while (launched.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("process " + count + " was not launched within " + LAUNCH_DEADLINE
                            + " (" + launched.size() + " were)");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for process " + count, e);
                }
            }
            return launched.get(count - 1);
        }

        @Override
        public Optional<SandboxedProcess> adopt(long pid, String runToken, ResourceLimits limits) {
            if (!canReadopt) {
                return Optional.empty();
            }
            return launched.stream()
                    .filter(p -> p.pid() == pid && p.runToken().equals(runToken) && p.isAlive())
                    .<SandboxedProcess>map(FakeProcess::newHandle)
                    .findFirst();
        }

        @Override
        public OptionalLong findByToken(String runToken) {
            if (!canReadopt) {
                return OptionalLong.empty();
            }
            return launched.stream().filter(p -> p.runToken().equals(runToken) && p.isAlive())
                    .mapToLong(FakeProcess::pid).findFirst();
        }

        @Override
        public boolean canReadopt() {
            return canReadopt;
        }

        @Override
        public boolean killOrphan(long pid, String runToken) {
            for (FakeProcess p : launched) {
                if (p.pid() == pid && p.runToken().equals(runToken) && p.isAlive()) {
                    orphansKilled.add(pid);
                    p.kill();
                    return true;
                }
            }
            return false;
        }

        /** The most processes found alive when another was launched (SPEC F1: 0 when they share a fixture). */
        public synchronized int mostAliveAtALaunch() {
            return mostAliveAtALaunch;
        }

        public List<Long> orphansKilled() {
            return List.copyOf(orphansKilled);
        }

        @Override
        public String describe() {
            return "fake sandbox";
        }
    }

    /**
     * A task process the test drives: it exits, runs out of memory or is killed when the test says so. A broker
     * that re-adopts it gets a fresh handle with its own exit future, like a real re-adoption would.
     */
    public static final class FakeProcess implements SandboxedProcess {
        private final long pid;
        private final LaunchSpec spec;
        private final ResourceLimits limits;
        private final List<CompletableFuture<ExitStatus>> exitWatchers = new ArrayList<>();
        private volatile ResourceUsage usage = ResourceUsage.NONE;
        private volatile int terminateCalls;
        private volatile int killCalls;
        private volatile boolean alive = true;

        FakeProcess(long pid, LaunchSpec spec, ResourceLimits limits) {
            this.pid = pid;
            this.spec = spec;
            this.limits = limits;
            exitWatchers.add(new CompletableFuture<>());
        }

        synchronized FakeProcess newHandle() {
            exitWatchers.add(new CompletableFuture<>());
            return this;
        }

        @Override
        public long pid() {
            return pid;
        }

        public LaunchSpec spec() {
            return spec;
        }

        public ResourceLimits limits() {
            return limits;
        }

        public String runToken() {
            return spec.runToken();
        }

        /** Started as a standby task host (SPEC W1), whether or not it has taken an instance since. */
        public boolean isStandby() {
            return "1".equals(spec.environment().get("BGTASKS_STANDBY"));
        }

        public boolean isAlive() {
            return alive;
        }

        public int terminateCalls() {
            return terminateCalls;
        }

        public int killCalls() {
            return killCalls;
        }

        public void setUsage(long memoryBytes, long peakMemoryBytes) {
            usage = new ResourceUsage(memoryBytes, peakMemoryBytes, Duration.ZERO, 1);
        }

        @Override
        public ResourceUsage usage() {
            return usage;
        }

        private volatile Long memoryLimitSet;

        /** The limit the broker set at run time, if it did (SPEC X11). */
        public Long memoryLimitSet() {
            return memoryLimitSet;
        }

        @Override
        public boolean setMemoryLimit(long bytes) {
            memoryLimitSet = bytes;
            return true;
        }

        @Override
        public void terminate() {
            terminateCalls++;
        }

        @Override
        public void kill() {
            killCalls++;
            end(new ExitStatus(137, ExitStatus.Reason.SIGNALED, usage.peakMemoryBytes()));
        }

        /** The main process exits with this code. */
        public void exit(int code) {
            end(new ExitStatus(code, ExitStatus.Reason.EXITED, usage.peakMemoryBytes()));
        }

        /**
         * The tree ends while watched by a sandbox that is not its parent (a re-adopted task): the exit code cannot
         * be known.
         */
        public void exitUnobserved() {
            end(new ExitStatus(-1, ExitStatus.Reason.EXIT_CODE_UNKNOWN, usage.peakMemoryBytes()));
        }

        /**
         * The task's supervisor (SPEC B5) records how its command ended, as the shell supervisor does beside the
         * run log, and the process exits with that code.
         */
        public void exitRecorded(int code, long peakMemoryBytes, java.time.Instant at) {
            try {
                TaskEndRecords.writeExit(TaskEndRecords.exitFile(spec.logFile()),
                        new TaskEndRecords.Exit(code, peakMemoryBytes, 0, 0, at));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            end(new ExitStatus(code, code > 128 ? ExitStatus.Reason.SIGNALED : ExitStatus.Reason.EXITED,
                    peakMemoryBytes));
        }

        /** The Java task host records how run ended (SPEC B5), as it does before it reports it. */
        public void resultRecorded(Throwable thrown, java.time.Instant at) {
            resultRecorded(thrown, at, false);
        }

        /** As {@link #resultRecorded(Throwable, java.time.Instant)}, with the task's retry request (SPEC P1). */
        public void resultRecorded(Throwable thrown, java.time.Instant at, boolean retryRequested) {
            String errorClass = thrown == null ? null : thrown.getClass().getName();
            String message = thrown == null ? null : String.valueOf(thrown.getMessage());
            try {
                java.nio.file.Files.createDirectories(spec.logFile().getParent());
                TaskEndRecords.writeResult(TaskEndRecords.resultFile(spec.logFile()),
                        new TaskEndRecords.Result(errorClass, message, at, retryRequested));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The sandbox stops the tree for passing its memory limit. */
        public void outOfMemory(long peakBytes) {
            end(new ExitStatus(137, ExitStatus.Reason.OUT_OF_MEMORY, peakBytes));
        }

        /** The sandbox stops the tree for passing its process limit. */
        public void processLimitHit() {
            end(new ExitStatus(137, ExitStatus.Reason.PROCESS_LIMIT, usage.peakMemoryBytes()));
        }

        private void end(ExitStatus status) {
            List<CompletableFuture<ExitStatus>> watchers;
            synchronized (this) {
                if (!alive) {
                    return;
                }
                alive = false;
                watchers = List.copyOf(exitWatchers);
            }
            watchers.forEach(w -> w.complete(status));
        }

        @Override
        public synchronized CompletableFuture<ExitStatus> onExit() {
            return exitWatchers.get(exitWatchers.size() - 1);
        }
    }
}
