package dev.bgtasks.daemon;

import dev.bgtasks.ipc.BrokerTreeClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A one-shot connection to the broker, begun on a thread of its own before the caller knows it needs it: for a
 * short-lived process with start-up work of its own and a core to spare. {@code bgtask}'s quick calls connect while
 * picocli parses their command line. Finding the broker and connecting first set up the JVM's lambdas, the JDK's
 * Unix-domain socket (whose first use seeds a {@code SecureRandom}), the protocol's JSON framing and the hello:
 * about 20 ms that used to follow the parse (issue 18).
 *
 * <pre>{@code
 * EarlyConnection early = EarlyConnection.beginForCurrentUser();
 * // ... parse the command line ...
 * try (BrokerTreeClient broker = early.take()) { ... }    // or early.discard() when the call needs no broker
 * }</pre>
 *
 * <p>The thread only makes the first attempt of {@link BrokerStarter#connectOrStartOneShot}: it connects when a
 * broker answers, and otherwise leaves why it could not. {@link #take()} goes on from that attempt on the caller's
 * thread, starting a broker when none runs, so a call that turns out not to need one never starts one, a busy broker
 * is not waited for twice, and the failures are the same, with the same messages.
 *
 * <p>What the caller's thread runs here before the other thread starts is kept to a few plain classes: no lambda
 * and no {@code CompletableFuture}, whose first use sets up machinery (about 5 ms) the other thread does meanwhile.
 */
public final class EarlyConnection {
    private final Duration deadline;
    private final BrokerStarter.Launcher launcher;
    private final Attempting attempt;
    /** Where the broker is: found on the connection's thread, read after {@link #attempt} has ended. */
    private BrokerLocation location;
    private boolean taken;
    private boolean discarded;
    private boolean closedUnused;

    private EarlyConnection(Supplier<BrokerLocation> where, Duration deadline, BrokerStarter.Launcher launcher) {
        this.deadline = deadline;
        this.launcher = launcher;
        this.attempt = new Attempting(where);
    }

    /**
     * Begins {@link BrokerStarter#connectOrStartOneShot}'s connection to the broker of
     * {@link BrokerLocation#forCurrentUser()}, which is found on the connection's thread too.
     *
     * @return the connection under way
     */
    public static EarlyConnection beginForCurrentUser() {
        return begin(null, BrokerStarter.START_DEADLINE, null);
    }

    /**
     * @param where where the broker is; null: {@link BrokerLocation#forCurrentUser()}
     * @param launcher what starts a broker; null: {@link BrokerStarter}'s own
     */
    static EarlyConnection begin(Supplier<BrokerLocation> where, Duration deadline, BrokerStarter.Launcher launcher) {
        EarlyConnection early = new EarlyConnection(where, deadline, launcher);
        Thread thread = new Thread(early.attempt, "bgtasks-early-connection");
        // A daemon: a call that ends without taking the connection must not wait for it.
        thread.setDaemon(true);
        thread.start();
        return early;
    }

    /** The first attempt, on the connection's thread; when it ends, a discarded connection is closed. */
    private final class Attempting extends FutureTask<BrokerStarter.Attempt<BrokerTreeClient>> {
        Attempting(Supplier<BrokerLocation> where) {
            super(new Callable<>() {
                @Override
                public BrokerStarter.Attempt<BrokerTreeClient> call() {
                    BrokerLocation found = where == null ? BrokerLocation.forCurrentUser() : where.get();
                    synchronized (EarlyConnection.this) {
                        location = found;
                    }
                    return BrokerStarter.tryConnect(found, deadline, BrokerTreeClient::connectOneShot);
                }
            });
        }

        @Override
        protected void done() {
            closeIfDiscarded();
        }
    }

    /**
     * The connected client: the early one, or, when no broker answered it, one made as
     * {@link BrokerStarter#connectOrStartOneShot} makes it. Waits for the early attempt to end first.
     *
     * @return the client, the caller's to close
     * @throws dev.bgtasks.BrokerUnavailableException as {@link BrokerStarter#connectOrStartOneShot} does
     * @throws IllegalStateException when it was taken or discarded already
     */
    public BrokerTreeClient take() {
        synchronized (this) {
            if (taken || discarded) {
                throw new IllegalStateException("this early connection was taken or discarded already");
            }
            taken = true;
        }
        BrokerStarter.Attempt<BrokerTreeClient> made = ended();
        BrokerLocation where;
        synchronized (this) {
            where = location;
        }
        return BrokerStarter.connectOrStart(where, deadline, launcher == null ? BrokerStarter::launch : launcher,
                BrokerTreeClient::connectOneShot, made);
    }

    /**
     * The early client when the first attempt connected, else null: for a caller that must not start a broker
     * ({@code bgtask doctor} looks and changes nothing). Waits for the attempt to end.
     *
     * @return the client, the caller's to close; null when no broker answered the attempt
     * @throws RuntimeException a broker's refusal, as its type
     * @throws IllegalStateException when it was taken or discarded already
     */
    public BrokerTreeClient takeIfConnected() {
        synchronized (this) {
            if (taken || discarded) {
                throw new IllegalStateException("this early connection was taken or discarded already");
            }
            taken = true;
        }
        return ended().client();
    }

    /** Drops the connection when nobody took it: a client it makes is closed as soon as it is there. */
    public void discard() {
        synchronized (this) {
            if (taken || discarded) {
                return;
            }
            discarded = true;
        }
        closeIfDiscarded();
    }

    private void closeIfDiscarded() {
        BrokerTreeClient unused;
        synchronized (this) {
            if (!discarded || !attempt.isDone() || closedUnused) {
                return;
            }
            // The thread's done() and discard() may both get here: one of them closes it.
            closedUnused = true;
        }
        try {
            unused = attempt.get().client();
        } catch (ExecutionException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (unused != null) {
            unused.close();
        }
    }

    /** The first attempt once it has ended; a failure of its own (a broker's refusal as its type) is thrown. */
    private BrokerStarter.Attempt<BrokerTreeClient> ended() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return attempt.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException refusal) {
                        throw refusal;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException("the early connection failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
