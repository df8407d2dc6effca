package dev.bgtasks.macos.signals;

import dev.bgtasks.macos.jna.SystemCalls;
import dev.bgtasks.macos.jna.SystemLib;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Darwin notifications (notify(3)) delivered to one file descriptor and read by a daemon thread of its own, which
 * calls a listener once per delivered notification. No timer: the thread sleeps in {@code read(2)}.
 *
 * <pre>{@code
 * NotifyWatch watch = new NotifyWatch(SystemCalls.open(), "bgtasks-macos-network");
 * watch.start(List.of("com.apple.system.config.network_change"), store::reread);
 * watch.close();   // wakes the thread, joins it, cancels every registration
 * }</pre>
 *
 * <p>Closing must wake a thread blocked in {@code read}, and closing a descriptor does not reliably do that. So the
 * watch also registers a private name of its own on the same descriptor and posts it to wake the reader.
 */
final class NotifyWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyWatch.class);
    private static final AtomicLong WATCHES = new AtomicLong();
    private static final long JOIN_MILLIS = 5_000;

    private final SystemCalls notify;
    private final String threadName;
    private final String wakeName;
    private final List<Integer> tokens = new ArrayList<>();
    private final Object lifecycle = new Object();
    private int descriptor = -1;
    private int wakeToken;
    private Thread reader;
    private volatile boolean closing;
    private volatile String failure;

    NotifyWatch(SystemCalls notify, String threadName) {
        this.notify = Objects.requireNonNull(notify, "notify");
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.wakeName = "dev.bgtasks.notify-wake." + ProcessHandle.current().pid() + "." + WATCHES.incrementAndGet();
    }

    /**
     * Registers every name on one descriptor and starts the reader thread.
     *
     * @throws IOException when a registration fails; what was registered is cancelled again
     */
    void start(List<String> names, Runnable onNotification) throws IOException {
        Objects.requireNonNull(onNotification, "onNotification");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no notification names");
        }
        synchronized (lifecycle) {
            if (reader != null || closing) {
                throw new IllegalStateException(closing ? "closed" : "already started");
            }
            int fd = -1;
            try {
                for (String name : names) {
                    fd = register(name, fd);
                }
                fd = register(wakeName, fd);
                wakeToken = tokens.get(tokens.size() - 1);
            } catch (IOException e) {
                cancelAll();
                throw e;
            }
            descriptor = fd;
            List<Integer> watched = List.copyOf(tokens.subList(0, names.size()));
            reader = new Thread(() -> readLoop(watched, onNotification), threadName);
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Registers {@code name} on descriptor {@code fd} (a new one for the first name); returns the descriptor. */
    private int register(String name, int fd) throws IOException {
        int flags = tokens.isEmpty() ? 0 : SystemLib.NOTIFY_REUSE;
        SystemCalls.NotifyRegistration registration = notify.notifyRegister(name, fd, flags);
        if (registration.status() != SystemLib.NOTIFY_STATUS_OK) {
            throw new IOException("notify_register_file_descriptor(" + name + ") failed with status "
                    + registration.status());
        }
        tokens.add(registration.token());
        return registration.descriptor();
    }

    private void readLoop(List<Integer> watched, Runnable onNotification) {
        byte[] buffer = new byte[Integer.BYTES];
        while (!closing) {
            long read = notify.read(descriptor, buffer);
            if (closing) {
                return;
            }
            if (read != Integer.BYTES) {
                failure = "read on the notify descriptor returned " + read;
                LOG.warn("stopped watching notifications ({}): {}", threadName, failure);
                return;
            }
            int token = ByteBuffer.wrap(buffer).order(ByteOrder.BIG_ENDIAN).getInt();
            if (token != wakeToken && watched.contains(token)) {
                try {
                    onNotification.run();
                } catch (RuntimeException e) {
                    LOG.error("a notification listener failed ({})", threadName, e);
                }
            }
        }
    }

    /** Why the reader stopped early, or null while it runs. */
    String failure() {
        return failure;
    }

    /** Wakes and joins the reader, then cancels every registration, which closes the descriptor. */
    @Override
    public void close() {
        Thread thread;
        synchronized (lifecycle) {
            if (closing) {
                return;
            }
            closing = true;
            thread = reader;
        }
        if (thread != null) {
            notify.notifyPost(wakeName);
            try {
                thread.join(TimeUnit.MILLISECONDS.toMillis(JOIN_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("the notify reader {} did not stop within {} ms", threadName, JOIN_MILLIS);
            }
        }
        synchronized (lifecycle) {
            cancelAll();
        }
    }

    private void cancelAll() {
        for (int token : tokens) {
            int status = notify.notifyCancel(token);
            if (status != SystemLib.NOTIFY_STATUS_OK) {
                LOG.warn("notify_cancel({}) failed with status {}", token, status);
            }
        }
        tokens.clear();
    }
}
