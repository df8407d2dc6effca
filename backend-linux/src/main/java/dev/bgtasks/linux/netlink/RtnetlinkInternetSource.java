package dev.bgtasks.linux.netlink;

import dev.bgtasks.linux.jna.ErrnoException;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.SignalSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link HostSignal#INTERNET} from rtnetlink: one socket subscribed to link, address and route changes (IPv4 and
 * IPv6), seeded by dumps of all three, feeding an {@link RtnetlinkModel}. No polling: the reader thread blocks in
 * {@code poll(2)} and re-evaluates only when the kernel reports a change. It runs in the network namespace of the
 * process that starts it.
 *
 * <pre>{@code
 * RtnetlinkInternetSource source = new RtnetlinkInternetSource();
 * source.start(signals::recompute);
 * Boolean online = source.current().get(HostSignal.INTERNET);
 * }</pre>
 */
public final class RtnetlinkInternetSource implements SignalSource {
    static final int GROUPS = Rtnetlink.RTMGRP_LINK | Rtnetlink.RTMGRP_IPV4_IFADDR | Rtnetlink.RTMGRP_IPV6_IFADDR
            | Rtnetlink.RTMGRP_IPV4_ROUTE | Rtnetlink.RTMGRP_IPV6_ROUTE;

    private static final Logger LOG = LoggerFactory.getLogger(RtnetlinkInternetSource.class);
    // The longest single wait of a dump; between dumps the reader waits for events without a timer.
    private static final int POLL_MILLIS = 500;
    private static final long DUMP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int DUMP_ATTEMPTS = 5;
    private static final long CLOSE_WAIT_MILLIS = 3 * POLL_MILLIS;

    private final NetlinkChannel.Opener opener;
    private final Object lifecycle = new Object();
    private volatile Boolean internet;
    private volatile Set<String> linksUp;
    private volatile Runnable onLinksChanged = () -> { };
    private volatile String failure;
    private volatile boolean closed;
    private boolean started;
    private Thread reader;
    private Runnable onChange;
    // Owned by the thread in start(), then by the reader thread it starts.
    private NetlinkChannel channel;
    private RtnetlinkModel model = new RtnetlinkModel();
    private int sequence;

    /** The kernel's view of the network namespace of the process that calls {@link #start}. */
    public RtnetlinkInternetSource() {
        this(() -> NetlinkSocket.open("rtnetlink", NetlinkSocket.ROUTE, GROUPS));
    }

    RtnetlinkInternetSource(NetlinkChannel.Opener opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** INTERNET once {@link #start} has read the kernel's state; empty before, or after the socket failed. */
    @Override
    public Map<HostSignal, Boolean> current() {
        Boolean value = internet;
        return value == null ? Map.of() : Map.of(HostSignal.INTERNET, value);
    }

    /**
     * Subscribes, reads links, addresses and routes (so {@link #current()} is right when this returns), then
     * starts the reader thread.
     *
     * @throws UncheckedIOException when the socket cannot be opened or the dumps fail; {@link #describe()} keeps
     *         the cause
     */
    @Override
    public void start(Runnable onChange) {
        Objects.requireNonNull(onChange, "onChange");
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            started = true;
            this.onChange = onChange;
            try {
                channel = opener.open();
                dumpAll();
            } catch (IOException e) {
                failure = e.getMessage() != null ? e.getMessage() : e.toString();
                internet = null;
                if (channel != null) {
                    channel.close();
                }
                throw new UncheckedIOException("rtnetlink: cannot read links, addresses and routes", e);
            }
            LOG.debug("INTERNET {} at start ({})", internet, model);
            reader = new Thread(this::readLoop, "bgtasks-rtnetlink");
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void readLoop() {
        try {
            while (!closed) {
                Optional<byte[]> datagram;
                try {
                    datagram = channel.receive(NetlinkChannel.FOREVER);
                } catch (NetlinkSocket.OverflowException e) {
                    LOG.info("{}; reading links, addresses and routes again", e.getMessage());
                    dumpAll();
                    continue;
                }
                if (datagram.isEmpty() || closed) {
                    continue;
                }
                try {
                    for (NetlinkMessage message : NetlinkMessage.parseAll(datagram.get())) {
                        model.apply(message);
                    }
                } catch (IllegalArgumentException e) {
                    LOG.warn("malformed rtnetlink datagram ({}); reading links, addresses and routes again",
                            e.getMessage());
                    dumpAll();
                    continue;
                }
                publish();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("rtnetlink reader stopped; INTERNET is unknown from now on", e);
                failure = e.getMessage() != null ? e.getMessage() : e.toString();
                internet = null;
                notifyChange();
            }
        } finally {
            channel.close();
        }
    }

    // Reads the whole state into a fresh model: after an overflow, updates to the old one cannot be trusted.
    private void dumpAll() throws IOException {
        for (int attempt = 1; ; attempt++) {
            RtnetlinkModel fresh = new RtnetlinkModel();
            boolean consistent = dump(fresh, Rtnetlink.RTM_GETLINK);
            consistent &= dump(fresh, Rtnetlink.RTM_GETADDR);
            consistent &= dump(fresh, Rtnetlink.RTM_GETROUTE);
            if (consistent || attempt == DUMP_ATTEMPTS) {
                if (!consistent) {
                    LOG.warn("the kernel's tables kept changing through {} dumps; using the last", attempt);
                }
                model = fresh;
                publish();
                return;
            }
            LOG.debug("rtnetlink dump {} was interrupted by changes or lost events; dumping again", attempt);
        }
    }

    /**
     * One dump into {@code into}, applying events that arrive in between in order (the kernel writes each dump
     * chunk when we read it, so order is consistent). False when it may have missed something.
     */
    private boolean dump(RtnetlinkModel into, int type) throws IOException {
        int seq = ++sequence;
        channel.send(Rtnetlink.dumpRequest(type, seq));
        long deadline = System.nanoTime() + DUMP_TIMEOUT_NANOS;
        boolean consistent = true;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("rtnetlink: the " + Rtnetlink.typeName(type) + " dump did not end within "
                        + TimeUnit.NANOSECONDS.toSeconds(DUMP_TIMEOUT_NANOS) + " s");
            }
            if (closed) {
                throw new ClosedChannelException();
            }
            Optional<byte[]> datagram;
            try {
                datagram = channel.receive((int) Math.max(1, Math.min(POLL_MILLIS,
                        TimeUnit.NANOSECONDS.toMillis(left))));
            } catch (NetlinkSocket.OverflowException e) {
                // The dump itself is still running in the kernel (a new one would get EBUSY): finish it, redo.
                consistent = false;
                continue;
            }
            if (datagram.isEmpty()) {
                continue;
            }
            boolean done = false;
            try {
                for (NetlinkMessage message : NetlinkMessage.parseAll(datagram.get())) {
                    if (message.sequence() != seq || done) {
                        into.apply(message);
                        continue;
                    }
                    if (message.hasFlag(NetlinkMessage.NLM_F_DUMP_INTR)) {
                        consistent = false;
                    }
                    if (message.type() == NetlinkMessage.NLMSG_ERROR
                            || message.type() == NetlinkMessage.NLMSG_DONE) {
                        if (message.error() < 0) {
                            throw new IOException("rtnetlink: the " + Rtnetlink.typeName(type)
                                    + " dump failed with " + ErrnoException.name(-message.error()));
                        }
                        // An acknowledgement (error 0) is no end; we never ask for one, though.
                        done |= message.type() == NetlinkMessage.NLMSG_DONE;
                        continue;
                    }
                    into.apply(message);
                }
            } catch (IllegalArgumentException e) {
                throw new IOException("rtnetlink: malformed " + Rtnetlink.typeName(type) + " dump: "
                        + e.getMessage(), e);
            }
            if (done) {
                return consistent;
            }
        }
    }

    /**
     * The names of the links that are up, for the {@code interface-up} hardware condition (SPEC H1); empty before
     * {@link #start} has read them, or after the socket failed.
     *
     * @return the names, or empty when unknown
     */
    public Optional<Set<String>> interfacesUp() {
        return failure != null ? Optional.empty() : Optional.ofNullable(linksUp);
    }

    /**
     * Calls {@code listener} on the reader thread each time the set of links that are up changes.
     *
     * @param listener must not block
     */
    public void onLinksChanged(Runnable listener) {
        this.onLinksChanged = Objects.requireNonNull(listener, "listener");
    }

    private void publish() {
        Set<String> up = model.linksUp();
        Set<String> upBefore = linksUp;
        linksUp = up;
        if (upBefore != null && !upBefore.equals(up)) {
            LOG.info("links up: {} (were {})", up, upBefore);
            try {
                onLinksChanged.run();
            } catch (RuntimeException e) {
                LOG.error("a link change listener failed", e);
            }
        }
        boolean now = model.internetAvailable();
        Boolean before = internet;
        internet = now;
        if (before != null && before != now) {
            LOG.info("INTERNET {} ({})", now ? "available" : "not available", model);
            notifyChange();
        }
    }

    private void notifyChange() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("an INTERNET change listener failed", e);
        }
    }

    @Override
    public String describe() {
        String why = failure;
        if (why != null) {
            return "INTERNET: unknown: rtnetlink failed (" + why + ")";
        }
        return "INTERNET: rtnetlink events (links, addresses, default routes), no polling";
    }

    /** Stops the reader (within about half a second) and closes the socket; idempotent. */
    @Override
    public void close() {
        closed = true;
        Thread thread;
        synchronized (lifecycle) {
            thread = reader;
            if (thread == null && channel != null) {
                channel.close();
            } else if (channel != null) {
                channel.wakeUp();
            }
        }
        ReaderStop.await(thread, CLOSE_WAIT_MILLIS, "rtnetlink", LOG);
    }
}
