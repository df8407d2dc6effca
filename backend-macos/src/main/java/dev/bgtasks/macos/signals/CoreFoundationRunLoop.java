package dev.bgtasks.macos.signals;

import com.sun.jna.Pointer;
import dev.bgtasks.macos.jna.CoreFoundationLib;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon thread running a CFRunLoop of its own with one run loop source on it, for APIs that deliver their
 * callbacks through a run loop (IOKit's power source notification). The thread sleeps in the run loop: no timer.
 *
 * <pre>{@code
 * CoreFoundationRunLoop loop = new CoreFoundationRunLoop(cf, "bgtasks-macos-power");
 * loop.start(() -> iokit.IOPSNotificationCreateRunLoopSource(callback, null));
 * loop.close();   // stops the run loop, joins the thread, invalidates and releases the source
 * }</pre>
 *
 * <p>The source is created on the run loop's own thread and released there after the loop stops. A stop that comes
 * before the loop runs is forgotten by CoreFoundation, so {@link #close()} repeats {@code CFRunLoopStop} until the
 * thread has left.
 */
final class CoreFoundationRunLoop implements AutoCloseable {
    /** kCFRunLoopDefaultMode's value: run loop modes are found by name, so an equal string is the same mode. */
    static final String DEFAULT_MODE = "kCFRunLoopDefaultMode";
    /** How long one CFRunLoopRunInMode may last: effectively forever, the loop returns when stopped. */
    static final double RUN_SECONDS = 1.0e10;

    private static final Logger LOG = LoggerFactory.getLogger(CoreFoundationRunLoop.class);
    private static final long START_MILLIS = 5_000;
    private static final long JOIN_STEP_MILLIS = 50;
    private static final int JOIN_STEPS = 100;

    private final CoreFoundationLib cf;
    private final String threadName;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile Pointer runLoop;
    private volatile boolean stopping;
    private volatile String failure;
    private volatile boolean setUp;
    private Thread thread;

    CoreFoundationRunLoop(CoreFoundationLib cf, String threadName) {
        this.cf = Objects.requireNonNull(cf, "cf");
        this.threadName = Objects.requireNonNull(threadName, "threadName");
    }

    /**
     * Starts the thread, creates the source there and adds it to the loop; returns once the loop is about to run.
     *
     * @param sourceFactory makes an owned run loop source, or null when it cannot
     * @throws IOException when the source cannot be made or the thread does not get ready in time
     */
    synchronized void start(Supplier<Pointer> sourceFactory) throws IOException {
        Objects.requireNonNull(sourceFactory, "sourceFactory");
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(() -> run(sourceFactory), threadName);
        thread.setDaemon(true);
        thread.start();
        try {
            if (!ready.await(START_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IOException("the run loop thread " + threadName + " did not start within " + START_MILLIS
                        + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + threadName, e);
        }
        if (!setUp) {
            throw new IOException(failure);
        }
    }

    private void run(Supplier<Pointer> sourceFactory) {
        Pointer mode = null;
        Pointer source = null;
        try {
            runLoop = cf.CFRunLoopGetCurrent();
            mode = cf.CFStringCreateWithCString(null, DEFAULT_MODE, CoreFoundationLib.UTF8);
            source = sourceFactory.get();
            if (runLoop == null || mode == null || source == null) {
                failure = "cannot set up the run loop of " + threadName + " (run loop " + runLoop + ", mode " + mode
                        + ", source " + source + ")";
                return;
            }
            cf.CFRunLoopAddSource(runLoop, source, mode);
            setUp = true;
            ready.countDown();
            while (!stopping) {
                int why = cf.CFRunLoopRunInMode(mode, RUN_SECONDS, (byte) 0);
                if (why == CoreFoundationLib.RUN_FINISHED) {
                    failure = "the run loop of " + threadName + " has no source left";
                    LOG.warn("{}", failure);
                    return;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            failure = "the run loop of " + threadName + " failed: " + e;
            LOG.warn("{}", failure, e);
        } finally {
            if (source != null) {
                cf.CFRunLoopSourceInvalidate(source);
                cf.CFRelease(source);
            }
            if (mode != null) {
                cf.CFRelease(mode);
            }
            ready.countDown();
        }
    }

    /** Why the loop is not running, or null while it runs. */
    String failure() {
        return failure;
    }

    /** Stops the run loop and waits (up to 5 s) for its thread to release the source and leave. */
    @Override
    public synchronized void close() {
        stopping = true;
        if (thread == null) {
            return;
        }
        try {
            for (int step = 0; step < JOIN_STEPS && thread.isAlive(); step++) {
                Pointer loop = runLoop;
                if (loop != null) {
                    cf.CFRunLoopStop(loop);
                    cf.CFRunLoopWakeUp(loop);
                }
                thread.join(JOIN_STEP_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("the run loop thread {} did not stop", threadName);
        }
    }
}
