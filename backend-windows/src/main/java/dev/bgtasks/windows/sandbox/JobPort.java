package dev.bgtasks.windows.sandbox;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.bgtasks.windows.jna.Kernel32Calls;
import dev.bgtasks.windows.jna.Win32Errors;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O completion port every task's job reports to, and the daemon thread that reads it: each job is associated
 * with a key of its own, and its messages ({@code JOB_OBJECT_MSG_*}) go to the task registered under that key.
 *
 * <pre>{@code
 * JobPort port = JobPort.open(calls);
 * long key = port.newKey();
 * port.register(key, task);
 * port.start();
 * }</pre>
 */
final class JobPort implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobPort.class);

    private final Kernel32Calls calls;
    private final WinNT.HANDLE port;
    private final Map<Long, JobProcess> byKey = new ConcurrentHashMap<>();
    private final AtomicLong nextKey = new AtomicLong(1);
    private volatile boolean closed;
    private Thread thread;

    private JobPort(Kernel32Calls calls, WinNT.HANDLE port) {
        this.calls = calls;
        this.port = port;
    }

    static JobPort open(Kernel32Calls calls) throws IOException {
        WinNT.HANDLE port = calls.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
        if (port == null) {
            throw Win32Errors.failure("could not create the completion port for job messages", calls);
        }
        return new JobPort(calls, port);
    }

    WinNT.HANDLE handle() {
        return port;
    }

    /** Starts the reader thread once. */
    synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::run, "bgtasks-job-port");
            thread.setDaemon(true);
            thread.start();
        }
    }

    long newKey() {
        return nextKey.getAndIncrement();
    }

    void register(long key, JobProcess task) {
        byKey.put(key, task);
    }

    void unregister(long key) {
        byKey.remove(key);
    }

    int registered() {
        return byKey.size();
    }

    private void run() {
        while (pollOnce()) {
            // each turn handles one message
        }
        LOG.debug("job completion port reader stopped");
    }

    /**
     * Waits for one message and hands it on.
     *
     * @return false once the port is closed or broken, when the reader stops
     */
    boolean pollOnce() {
        IntByReference message = new IntByReference();
        BaseTSD.ULONG_PTRByReference key = new BaseTSD.ULONG_PTRByReference();
        PointerByReference data = new PointerByReference();
        if (!calls.GetQueuedCompletionStatus(port, message, key, data, WinBase.INFINITE)) {
            int error = calls.lastError();
            if (!closed && error != WinError.ERROR_ABANDONED_WAIT_0) {
                LOG.error("reading the job completion port failed ({}); memory-limit messages are no longer seen,"
                        + " only the peak at exit", Win32Errors.describe(error, calls.errorText(error)));
            }
            return false;
        }
        long k = key.getValue() == null ? 0 : key.getValue().longValue();
        dispatch(message.getValue(), k, Pointer.nativeValue(data.getValue()));
        return true;
    }

    /** One message: for process messages {@code data} is the process id. */
    void dispatch(int message, long key, long data) {
        JobProcess task = byKey.get(key);
        if (task == null) {
            LOG.debug("job message {} for key {}, which no running task has", message, key);
            return;
        }
        task.onJobMessage(message, data);
    }

    /** Closes the port; the reader stops. Tasks keep running, each in its job. */
    @Override
    public void close() {
        closed = true;
        calls.CloseHandle(port);
    }
}
