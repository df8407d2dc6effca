package dev.bgtasks.spi;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SignalSource} that polls because its OS sends no event for what it reads (free space, input idle time):
 * it reads once in {@link #start}, then every period on a daemon thread of its own (for a source made with signals
 * to poll on demand, only while {@link #need} names one of them), and calls the listener only when
 * the signals changed, or became known or unknown. A reading that throws makes the source's signals unknown (absent,
 * never guessed) until a later one succeeds; the failure is logged when it starts, and {@link #failure()} gives it to
 * {@link #describe()}.
 *
 * <pre>{@code
 * final class IdleSource extends PolledSignalSource {
 *     IdleSource() {
 *         super("input-idle", Duration.ofSeconds(5));
 *     }
 *
 *     protected Map<HostSignal, Boolean> read() throws IOException {
 *         return Map.of(HostSignal.USER_PRESENT, idleMillis() < 300_000);
 *     }
 *
 *     public String describe() {
 *         return "USER_PRESENT: input idle time below 5 min; polled every " + human(period());
 *     }
 * }
 * }</pre>
 */
public abstract class PolledSignalSource implements SignalSource {
    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final Duration period;
    private final Set<HostSignal> onDemand;
    private boolean needed;
    private final Object lifecycle = new Object();
    private volatile Map<HostSignal, Boolean> state = Map.of();
    private volatile String failure;
    private String partialFailure;
    private volatile Runnable onChange = () -> { };
    private boolean started;
    private boolean closed;
    private boolean opened;
    private ScheduledExecutorService poller;

    /**
     * A source that reads every {@code period}.
     *
     * @param name what it reads, short, for its log lines and its thread ({@code bgtasks-<name>-poll})
     * @param period how often to read; positive
     */
    protected PolledSignalSource(String name, Duration period) {
        this(name, period, Set.of());
    }

    /**
     * A source that reads once at start, then every {@code period} only while a registration needs one of
     * {@code onDemand} ({@link #need}): nobody waits on free space in an idle broker, so nothing wakes it.
     *
     * @param name what it reads, short, for its log lines and its thread ({@code bgtasks-<name>-poll})
     * @param period how often to read while needed; positive
     * @param onDemand the signals whose need starts the poll; empty polls always
     */
    protected PolledSignalSource(String name, Duration period, Set<HostSignal> onDemand) {
        this.onDemand = onDemand.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(onDemand));
        this.name = Objects.requireNonNull(name, "name");
        this.period = Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the period must be positive: " + period);
        }
    }

    /**
     * One reading, on the poller's thread (the first on the caller of {@link #start}); never called concurrently or
     * after {@link #close()}.
     *
     * @return the signals this source knows now; leave out a signal it cannot tell
     * @throws Exception when nothing can be read now: every signal of this source becomes unknown
     */
    protected abstract Map<HostSignal, Boolean> read() throws Exception;

    /**
     * Takes what reading needs (a display connection, a library), before the first reading.
     *
     * @return false when this source has nothing to read on this host: it then never polls
     * @throws Exception when it cannot: the source stays unknown and never polls, and the failure is shown
     */
    protected boolean open() throws Exception {
        return true;
    }

    /** Releases what {@link #open()} took, once the poller has stopped; only called when it returned true. */
    protected void release() {
    }

    /**
     * Tells {@link #describe()} why part of a reading is unknown, for a {@link #read()} that still returns the
     * signals it could read; cleared at the next reading.
     *
     * @param why the reason, in a few words
     */
    protected final void noteFailure(String why) {
        partialFailure = why;
    }

    /** {@return why the latest reading, or {@link #open()}, failed; null when it did not} */
    protected final String failure() {
        return failure;
    }

    /** {@return whether this source polls now (always, or while needed for one polled on demand)} */
    public final boolean polling() {
        synchronized (lifecycle) {
            return poller != null;
        }
    }

    /** {@return how often this source reads} */
    protected final Duration period() {
        return period;
    }

    /**
     * A period as people write it.
     *
     * @param duration the period
     * @return {@code 30 s}, {@code 500 ms} or {@code 5 min}
     */
    public static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + " min";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /**
     * Runs {@code task} every {@code period} (the first time one period from now) on a daemon thread of its own: the
     * poll of this class, and the fallback poll of an event-driven source whose events are unavailable.
     *
     * @param threadName the thread's name, {@code bgtasks-...}
     * @param period the delay between the end of one run and the start of the next
     * @param task the reading
     * @return the executor; {@code shutdownNow()} stops it
     */
    public static ScheduledExecutorService repeat(String threadName, Duration period, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
        long millis = period.toMillis();
        executor.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
        return executor;
    }

    @Override
    public final Map<HostSignal, Boolean> current() {
        return state;
    }

    /** Opens and reads now, then every period on a daemon thread. */
    @Override
    public final void start(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
            try {
                opened = open();
            } catch (Exception | LinkageError e) {
                failure = e instanceof Unreadable ? e.getMessage() : e.toString();
                log.info("{}: cannot read here: {}", name, failure);
                return;
            }
            if (!opened) {
                return;
            }
            poll();
            this.onChange = listener;
            if (onDemand.isEmpty() || needed) {
                poller = repeat("bgtasks-" + name + "-poll", period, this::poll);
            }
        }
    }

    /**
     * For a source polled on demand: starts the poll (with a reading now, so the value is fresh before the
     * registration that needs it is answered) when one of its signals becomes needed, stops it when none is.
     */
    @Override
    public final void need(Set<HostSignal> signals) {
        if (onDemand.isEmpty()) {
            return;
        }
        boolean wanted = !Collections.disjoint(onDemand, signals);
        boolean begin = false;
        ScheduledExecutorService stop = null;
        synchronized (lifecycle) {
            if (wanted == needed) {
                return;
            }
            needed = wanted;
            if (!started || closed || !opened) {
                return;
            }
            if (wanted) {
                poller = repeat("bgtasks-" + name + "-poll", period, this::poll);
                begin = true;
            } else {
                stop = poller;
                poller = null;
            }
        }
        log.debug("{}: {} polling", name, wanted ? "needed: starts" : "no longer needed: stops");
        if (stop != null) {
            stop.shutdownNow();
        }
        if (begin) {
            poll();
        }
    }

    /** One reading now; calls the listener when the signals changed, or became known or unknown. */
    public final void poll() {
        Map<HostSignal, Boolean> now;
        synchronized (lifecycle) {
            if (closed || !opened) {
                return;
            }
            partialFailure = null;
            try {
                now = Map.copyOf(read());
                failure = partialFailure;
            } catch (Exception | LinkageError e) {
                String why = e instanceof Unreadable ? e.getMessage() : e.toString();
                if (failure == null) {
                    log.warn("{}: cannot read: {}", name, why);
                }
                failure = why;
                now = Map.of();
            }
            if (now.equals(state)) {
                return;
            }
            state = now;
        }
        log.info("{}: {}", name, now.isEmpty() ? "unknown" : now);
        try {
            onChange.run();
        } catch (RuntimeException e) {
            log.error("a {} change listener failed", name, e);
        }
    }

    /** Stops polling, waits up to 5 s for a reading under way, then releases what {@link #open()} took. */
    @Override
    public void close() {
        ScheduledExecutorService executor;
        synchronized (lifecycle) {
            closed = true;
            executor = poller;
            poller = null;
            onChange = () -> { };
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("the {} poller did not stop within 5 s", name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lifecycle) {
            if (opened) {
                opened = false;
                release();
            }
        }
    }

    /** Thrown by {@link #read()} or {@link #open()} with a message that says it all, e.g. a call's error code. */
    public static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * A reading that failed.
         *
         * @param why the reason, shown as it is by {@link #describe()}
         */
        public Unreadable(String why) {
            super(Objects.requireNonNull(why, "why"));
        }
    }
}
