package dev.bgtasks.task;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The task's memory, as its sandbox measures it for the whole process tree (UWP {@code MemoryManager}, SPEC
 * X11). Inside a task process the task host wires it to the broker; elsewhere it reports this JVM's heap.
 *
 * <pre>{@code
 * if (MemoryManager.appMemoryUsageLevel() == AppMemoryUsageLevel.HIGH) { dropCaches(); }
 * try (var sub = MemoryManager.onAppMemoryUsageIncreased(() -> shrink())) { work(); }
 * }</pre>
 *
 * <p>Level-change listeners are called on a daemon thread that samples every 100 ms while any listener is
 * subscribed, so a crossing is heard within 250 ms.
 */
public final class MemoryManager {
    static final long SAMPLE_MILLIS = 100;

    private static volatile Source source = new HeapSource();
    private static final List<Runnable> INCREASED = new CopyOnWriteArrayList<>();
    private static final List<Runnable> DECREASED = new CopyOnWriteArrayList<>();
    private static AppMemoryUsageLevel lastLevel;
    private static Thread sampler;

    private MemoryManager() {
    }

    /** Where the numbers come from: the task host installs one that asks the broker. */
    public interface Source {
        /**
         * Memory of the whole task tree now, in bytes.
         *
         * @return bytes in use
         */
        long usage();

        /**
         * The limit in force, in bytes; 0 for none.
         *
         * @return bytes, 0 for none
         */
        long limit();

        /**
         * Asks for a new limit; false when refused.
         *
         * @param bytes the new limit
         * @return true when the limit was set
         */
        boolean trySetLimit(long bytes);
    }

    /**
     * Called by the task host before the task runs; not for tasks to call.
     *
     * @param newSource where readings come from in this process
     */
    public static void install(Source newSource) {
        source = Objects.requireNonNull(newSource, "source");
        synchronized (MemoryManager.class) {
            lastLevel = null;
        }
    }

    /** {@return memory of the whole task tree now, in bytes (UWP {@code AppMemoryUsage})} */
    public static long appMemoryUsage() {
        return source.usage();
    }

    /**
     * The limit in force; 0 when the task has none.
     *
     * @return bytes, 0 for none
     */
    public static long appMemoryUsageLimit() {
        return source.limit();
    }

    /** {@return the usage against the limit (UWP {@code AppMemoryUsageLevel})} */
    public static AppMemoryUsageLevel appMemoryUsageLevel() {
        return AppMemoryUsageLevel.of(source.usage(), source.limit());
    }

    /**
     * Sets a new limit for the task tree. Fails, leaving the limit as it was, for a value below the current usage,
     * above the registration's limit, or where the platform cannot change a running task's limit.
     *
     * @param bytes the new limit in bytes
     * @return true when the new limit is in force
     */
    public static boolean trySetAppMemoryUsageLimit(long bytes) {
        return bytes > 0 && source.trySetLimit(bytes);
    }

    /**
     * Called when the usage level goes up (LOW → MEDIUM → HIGH → OVER_LIMIT).
     *
     * @param listener runs on a watcher thread; must not block
     * @return closing it removes the listener
     */
    public static AutoCloseable onAppMemoryUsageIncreased(Runnable listener) {
        return subscribe(INCREASED, listener);
    }

    /**
     * Called when the usage level goes down.
     *
     * @param listener runs on a watcher thread; must not block
     * @return closing it removes the listener
     */
    public static AutoCloseable onAppMemoryUsageDecreased(Runnable listener) {
        return subscribe(DECREASED, listener);
    }

    private static AutoCloseable subscribe(List<Runnable> listeners, Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        startSampler();
        return () -> listeners.remove(listener);
    }

    private static synchronized void startSampler() {
        if (lastLevel == null) {
            lastLevel = appMemoryUsageLevel();
        }
        if (sampler != null && sampler.isAlive()) {
            return;
        }
        sampler = new Thread(MemoryManager::sampleWhileListened, "bgtasks-memory-manager");
        sampler.setDaemon(true);
        sampler.start();
    }

    private static void sampleWhileListened() {
        while (!INCREASED.isEmpty() || !DECREASED.isEmpty()) {
            sampleOnce();
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
        synchronized (MemoryManager.class) {
            sampler = null;
        }
    }

    /** One sample: fires the listeners of the direction the level moved in, if it moved. */
    static void sampleOnce() {
        AppMemoryUsageLevel now = appMemoryUsageLevel();
        AppMemoryUsageLevel before;
        synchronized (MemoryManager.class) {
            before = lastLevel;
            lastLevel = now;
        }
        if (before == null || before == now) {
            return;
        }
        for (Runnable listener : now.compareTo(before) > 0 ? INCREASED : DECREASED) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // One faulty listener must not silence the others or stop the sampling.
                System.getLogger(MemoryManager.class.getName())
                        .log(System.Logger.Level.WARNING, "a memory level listener threw", e);
            }
        }
    }

    /** Outside a task: this JVM's heap against its maximum. */
    private static final class HeapSource implements Source {
        @Override
        public long usage() {
            Runtime runtime = Runtime.getRuntime();
            return runtime.totalMemory() - runtime.freeMemory();
        }

        @Override
        public long limit() {
            long max = Runtime.getRuntime().maxMemory();
            return max == Long.MAX_VALUE ? 0 : max;
        }

        @Override
        public boolean trySetLimit(long bytes) {
            return false;
        }
    }
}
