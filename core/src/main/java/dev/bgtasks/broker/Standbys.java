package dev.bgtasks.broker;

import dev.bgtasks.InstanceState;
import dev.bgtasks.launch.JavaLauncher;
import dev.bgtasks.spi.HostSignal;
import dev.bgtasks.spi.LaunchSpec;
import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.SandboxedProcess;
import dev.bgtasks.spi.SignalSnapshot;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.store.InstanceRow;
import dev.bgtasks.store.RegistrationRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standby task hosts (SPEC W1-W3): for the Java registrations triggered most recently, a JVM already started in the
 * registration's sandbox, connected and waiting, so the next trigger hands its instance to it instead of starting a
 * JVM. A standby is never an instance: nothing of it is stored, it is not listed as a run and counts for no
 * {@code CURRENTLY_RUNNING}.
 *
 * <pre>{@code
 * standbys.triggered(created);                       // a trigger made an instance: keep this registration warm
 * Standbys.Taken warm = standbys.take(pending, def); // at launch: null means start cold
 * standbys.reconcile();                              // after a signal, access or registration change
 * }</pre>
 *
 * <p>The policy (W2): at most {@link BrokerConfig#standbys()} registrations, the most recently triggered, each for
 * {@link #IDLE_LIMIT} after its last trigger; only on AC power or with no battery at all, and with energy saver off;
 * not for a registration that opted out, whose app lost access, or whose classpath changed (any entry's size or
 * modification time). A standby that dies before it is taken is not started again until its registration is
 * triggered again, so a broken classpath cannot make the broker start JVMs in a loop.
 *
 * <p>The standby's token names its sandbox and is in its environment, but belongs to no instance until the take:
 * then it becomes the instance's run token (stored with the running record), so re-adoption (B3) and the search by
 * token (B6) find the process as they find a cold-started one, and only this process can speak for the instance
 * (S2). Callers hold the broker's lock; the timers and the processes' exits take it themselves.
 */
final class Standbys {
    /** How long a registration keeps its standby after its last trigger (SPEC W2). */
    static final Duration IDLE_LIMIT = Duration.ofMinutes(10);
    /**
     * How long after a trigger or a take the next standby is started: long enough that its launch (under the broker's
     * lock) and its JVM's start (on the machine's cores) stay off the path of the task that just started, whose host
     * still has to confirm its take.
     */
    static final Duration REPLENISH_DELAY = Duration.ofSeconds(1);
    /** Environment variable that makes the task host a standby: it waits for an instance before it runs anything. */
    static final String ENV_STANDBY = "BGTASKS_STANDBY";
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerContext ctx;
    private final JavaLauncher launcher;
    // Guarded by the broker's lock.
    private final Map<UUID, Standby> byTask = new HashMap<>();
    private final Map<String, Standby> byToken = new HashMap<>();
    private final Map<UUID, Instant> lastTriggered = new HashMap<>();
    /** Registrations whose standby died before it was taken: none again until their next trigger. */
    private final Set<UUID> failed = new HashSet<>();
    /** A standby's token lent to the pending instance it is meant to take ({@link #tokenFor}), by token. */
    private final Map<String, UUID> lent = new HashMap<>();
    private BrokerClock.Timer expiryTimer;
    private BrokerClock.Timer pendingReconcile;

    Standbys(BrokerContext ctx, JavaLauncher launcher) {
        this.ctx = ctx;
        this.launcher = launcher;
    }

    /**
     * What the standbys of a broker that died left: their logs and their supervisors' records. Called after
     * recovery, which has read the exit record of every instance that started on a standby and ended meanwhile
     * ({@link EndRecords}); a running instance's record to come is spared (a taken standby's log was renamed to its
     * instance's at the take, but its supervisor writes beside the standby's name).
     */
    void deleteLeftovers() {
        Path runs = ctx.config.runLogDirectory();
        if (!Files.isDirectory(runs)) {
            return;
        }
        Set<Path> running = new HashSet<>();
        for (InstanceRow row : ctx.store.read(tx -> tx.instancesInState(InstanceState.RUNNING))) {
            if (row.runToken() != null) {
                running.add(TaskEndRecords.exitFile(EndRecords.standbyLog(ctx.config, row.runToken())));
            }
        }
        try (var files = Files.newDirectoryStream(runs, "standby-*")) {
            for (Path file : files) {
                if (!running.contains(file)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not delete what earlier standbys left in {}: {}", runs, e.toString());
        }
    }

    /** One standby host: launched, and connected once its host said hello. */
    static final class Standby {
        final UUID taskId;
        final String appId;
        final TaskDefinition definition;
        final String token;
        final Path logFile;
        final String classpathFingerprint;
        final Instant startedAt;
        SandboxedProcess process;
        StandbyControl control;

        Standby(UUID taskId, String appId, TaskDefinition definition, String token, Path logFile,
                String classpathFingerprint, Instant startedAt) {
            this.taskId = taskId;
            this.appId = appId;
            this.definition = definition;
            this.token = token;
            this.logFile = logFile;
            this.classpathFingerprint = classpathFingerprint;
            this.startedAt = startedAt;
        }
    }

    /** A standby handed over for an instance: its process, token and line to its host. */
    record Taken(SandboxedProcess process, String token, StandbyControl control, Path logFile) {
    }

    /** A trigger created an instance of this registration: it becomes the most recently triggered (SPEC W2). */
    void triggered(InstanceRow created) {
        lastTriggered.put(created.taskId(), ctx.clock.now());
        failed.remove(created.taskId());
        reconcileSoon();
    }

    /**
     * SPEC W1, W3: the standby of the instance's registration, taken out of the pool, when it can take the
     * instance: connected, alive, same classpath. Null when there is none or it cannot (then the caller starts the
     * instance cold, and a standby that is unfit is ended here).
     */
    Taken take(InstanceRow pending, TaskDefinition definition) {
        Standby standby = byTask.get(pending.taskId());
        if (standby == null) {
            return null;
        }
        UUID promised = lent.get(standby.token);
        if (promised != null && !promised.equals(pending.instanceId())) {
            if (stillPending(promised)) {
                // Its token is in that instance's stored row: taking another instance would make a restarted broker
                // find this process for both (B6).
                LOG.info("standby of task {} is promised to instance {}; instance {} starts cold", standby.taskId,
                        promised, pending.instanceId());
                return null;
            }
            lent.remove(standby.token);
        }
        if (standby.control == null && standby.process != null && !standby.process.onExit().isDone()) {
            // Still starting: this instance starts cold, and the standby, once up, waits for the next trigger.
            LOG.info("standby of task {} is still starting; instance {} starts cold", standby.taskId,
                    pending.instanceId());
            return null;
        }
        String why = unfitReason(standby, definition);
        if (why != null) {
            LOG.info("standby of {} for task {} cannot take instance {} ({}); it starts cold", standby.appId,
                    standby.taskId, pending.instanceId(), why);
            end(standby, why);
            return null;
        }
        remove(standby);
        lent.remove(standby.token);
        reconcileSoon();
        return new Taken(standby.process, standby.token, standby.control, standby.logFile);
    }

    /**
     * SPEC B4 (amended), W1: the run token of a new pending instance of registration {@code taskId}. When the
     * registration has a connected standby, it is that standby's token: the instance's one durable commit then
     * already names the process that will take it, so the take's running record rides on the next durable commit as
     * a cold start's does, and a broker that dies before that commit finds the process by the stored token (B6).
     * Else, or when the standby is already promised to another instance, a new token.
     */
    String tokenFor(UUID taskId, UUID instanceId) {
        Standby standby = byTask.get(taskId);
        if (standby == null || standby.control == null || standby.process == null
                || standby.process.onExit().isDone() || lent.containsKey(standby.token)) {
            return RunToken.newToken();
        }
        lent.put(standby.token, instanceId);
        return standby.token;
    }

    /**
     * SPEC W3, B6: {@code pending}, or, when it carries the token of a standby that did not take it (it died, or
     * could not), the same instance with a token of its own, stored before anything starts under it: the
     * standby's may still name its dying sandbox, and a restarted broker looks for the instance's process by the
     * stored token.
     */
    InstanceRow ownTokenIfLent(InstanceRow pending) {
        return lent.remove(pending.runToken(), pending.instanceId()) ? withOwnToken(ctx, pending) : pending;
    }

    /** {@link #ownTokenIfLent}'s new token, stored (durable) before it is returned. */
    static InstanceRow withOwnToken(BrokerContext ctx, InstanceRow pending) {
        InstanceRow own = pending.withRunToken(RunToken.newToken());
        ctx.store.run(tx -> tx.updateInstance(own));
        return own;
    }

    private boolean stillPending(UUID instanceId) {
        return ctx.store.read(tx -> tx.instance(instanceId))
                .filter(row -> row.state() == InstanceState.PENDING).isPresent();
    }

    private String unfitReason(Standby standby, TaskDefinition definition) {
        if (standby.process == null || standby.process.onExit().isDone()) {
            return "it has died";
        }
        if (standby.control == null) {
            return "its host has not connected yet";
        }
        if (!standby.definition.equals(definition)) {
            return "the registration changed";
        }
        if (!standby.classpathFingerprint.equals(fingerprint(definition))) {
            return "its classpath changed";
        }
        return null;
    }

    /** A standby host said hello with its token. */
    Standby attach(String token, StandbyControl control) {
        Standby standby = byToken.get(token);
        if (standby == null) {
            throw new IllegalArgumentException("the token belongs to no standby of this broker");
        }
        if (standby.control != null) {
            throw new IllegalArgumentException("this standby is already connected");
        }
        standby.control = control;
        LOG.debug("standby of task {} connected", standby.taskId);
        return standby;
    }

    /** A standby's connection closed before it was taken: it is of no use without one. */
    void detached(String token) {
        Standby standby = byToken.get(token);
        if (standby != null && standby.control != null) {
            end(standby, "its connection closed");
        }
    }

    /** The standbys for {@code bgtask doctor}: one line each, with the sandbox's measure of its memory. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Standby standby : byTask.values()) {
            long memory = standby.process == null ? 0 : standby.process.usage().memoryBytes();
            lines.add(standby.appId + " " + standby.definition.name() + " (task " + standby.taskId + "): pid "
                    + (standby.process == null ? "-" : standby.process.pid()) + ", RSS " + (memory >> 20) + " MiB, "
                    + (standby.control == null ? "starting" : "waiting") + " since " + standby.startedAt);
        }
        return lines;
    }

    /** How many standbys there are, connected or starting. */
    int count() {
        return byTask.size();
    }

    private void reconcileSoon() {
        if (pendingReconcile != null || ctx.config.standbys() == 0) {
            return;
        }
        // Off the caller's path: a trigger answers, and an instance starts and confirms, before a standby is launched.
        pendingReconcile = ctx.clock.schedule(REPLENISH_DELAY, () -> {
            synchronized (ctx.lock) {
                pendingReconcile = null;
                if (!ctx.closed) {
                    reconcile();
                }
            }
        });
    }

    /**
     * SPEC W2: ends the standbys the policy no longer allows and starts the ones it wants. Called after every change
     * the policy reads: a trigger, a signal, access, a registration, a standby's end, the idle limit.
     */
    void reconcile() {
        if (ctx.closed) {
            return;
        }
        Map<UUID, Wanted> wanted = wanted();
        for (Standby standby : List.copyOf(byTask.values())) {
            Wanted want = wanted.get(standby.taskId);
            if (want == null) {
                end(standby, "the policy no longer keeps it");
            } else if (!standby.definition.equals(want.definition)
                    || !standby.classpathFingerprint.equals(fingerprint(want.definition))) {
                end(standby, "its registration or classpath changed");
            }
        }
        for (Wanted want : wanted.values()) {
            if (!byTask.containsKey(want.taskId)) {
                start(want);
            }
        }
        scheduleExpiry();
    }

    private record Wanted(UUID taskId, String appId, TaskDefinition definition, Instant lastTrigger) {
    }

    /** The registrations the policy keeps a standby for now, at most the configured number. */
    private Map<UUID, Wanted> wanted() {
        Map<UUID, Wanted> wanted = new HashMap<>();
        if (ctx.config.standbys() == 0 || !powerAllows(ctx.signals.current())) {
            return wanted;
        }
        Instant now = ctx.clock.now();
        lastTriggered.values().removeIf(at -> !at.plus(IDLE_LIMIT).isAfter(now));
        List<Map.Entry<UUID, Instant>> recent = new ArrayList<>(lastTriggered.entrySet());
        recent.sort(Map.Entry.<UUID, Instant>comparingByValue(Comparator.reverseOrder()));
        for (Map.Entry<UUID, Instant> entry : recent) {
            if (wanted.size() == ctx.config.standbys()) {
                break;
            }
            UUID taskId = entry.getKey();
            Optional<RegistrationRow> row = ctx.store.read(tx -> tx.registration(taskId));
            if (row.isEmpty()) {
                lastTriggered.remove(taskId); // unregistered
                continue;
            }
            TaskDefinition definition = DefinitionCodec.decode(row.get());
            if (!(definition.target() instanceof TaskTarget.JavaEntryPoint java) || java.noStandby()
                    || failed.contains(taskId) || ctx.accessStatus(row.get().appId()).isDenied()) {
                continue;
            }
            wanted.put(taskId, new Wanted(taskId, row.get().appId(), definition, entry.getValue()));
        }
        return wanted;
    }

    /** SPEC W2: on AC power, or with no battery at all (the power signal unknown), and energy saver off. */
    static boolean powerAllows(SignalSnapshot signals) {
        return !signals.is(HostSignal.AC_POWER, false) && !signals.is(HostSignal.ENERGY_SAVER, true);
    }

    private void scheduleExpiry() {
        if (expiryTimer != null) {
            expiryTimer.cancel();
            expiryTimer = null;
        }
        Optional<Instant> first = byTask.keySet().stream().map(lastTriggered::get).filter(at -> at != null)
                .min(Comparator.naturalOrder());
        if (first.isEmpty()) {
            return;
        }
        Duration left = Duration.between(ctx.clock.now(), first.get().plus(IDLE_LIMIT));
        expiryTimer = ctx.clock.schedule(left, () -> {
            synchronized (ctx.lock) {
                expiryTimer = null;
                if (!ctx.closed) {
                    reconcile();
                }
            }
        });
    }

    /** SPEC W1: launched like a cold start, in the registration's sandbox with its limits, as a waiting host. */
    private void start(Wanted want) {
        String token = RunToken.newToken();
        Path log = EndRecords.standbyLog(ctx.config, token);
        Standby standby = new Standby(want.taskId, want.appId, want.definition, token, log,
                fingerprint(want.definition), ctx.clock.now());
        // Known before the launch: its host may say hello before the launch returns.
        byTask.put(want.taskId, standby);
        byToken.put(token, standby);
        try {
            LaunchSpec spec = TaskLaunch.standbySpec(ctx.config, launcher, want.definition, want.taskId, token, log);
            Files.createDirectories(log.getParent());
            // Made here, not left to the launch: while it has the standby's name, no instance was handed to it
            // (Recovery reads that when the standby's token was lent to a pending instance).
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
            standby.process = ctx.sandbox.launch(spec, want.definition.limits());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not start a standby for task {} of {}: {}", want.taskId, want.appId, e.toString());
            remove(standby);
            failed.add(want.taskId);
            deleteLog(standby);
            return;
        }
        LOG.info("standby for task {} of {} started as pid {}", want.taskId, want.appId, standby.process.pid());
        standby.process.onExit().whenComplete((status, error) -> onExit(standby));
    }

    private void onExit(Standby standby) {
        synchronized (ctx.lock) {
            if (byToken.get(standby.token) != standby) {
                return; // taken (its exit is the instance's now), or ended by the broker
            }
            LOG.warn("standby of task {} died before it was taken; none again until its next trigger (see {})",
                    standby.taskId, standby.logFile);
            remove(standby);
            failed.add(standby.taskId);
        }
    }

    /** Kills the standby's whole tree; it holds no instance, so nothing else is recorded. */
    private void end(Standby standby, String why) {
        remove(standby);
        LOG.info("standby of task {} ended: {}", standby.taskId, why);
        if (standby.process != null) {
            standby.process.kill();
        }
        deleteLog(standby);
    }

    private void remove(Standby standby) {
        byTask.remove(standby.taskId, standby);
        byToken.remove(standby.token, standby);
    }

    private static void deleteLog(Standby standby) {
        try {
            Files.deleteIfExists(standby.logFile);
        } catch (IOException e) {
            LOG.debug("could not delete the standby log {}: {}", standby.logFile, e.toString());
        }
    }

    /** On close: a standby holds no instance and no new broker can use it, so it ends with this broker. */
    void closeAll() {
        if (expiryTimer != null) {
            expiryTimer.cancel();
        }
        if (pendingReconcile != null) {
            pendingReconcile.cancel();
        }
        for (Standby standby : List.copyOf(byTask.values())) {
            end(standby, "the broker stops");
        }
    }

    /**
     * SPEC W2: what ends a standby when its classpath changes: each entry's path, size and modification time (a
     * directory's own; a class rebuilt inside it changes the directory only when a file is added or removed).
     */
    static String fingerprint(TaskDefinition definition) {
        if (!(definition.target() instanceof TaskTarget.JavaEntryPoint java)) {
            return "";
        }
        StringBuilder print = new StringBuilder();
        for (String entry : java.classpath()) {
            Path path = Path.of(entry);
            print.append(entry).append('|');
            try {
                print.append(Files.size(path)).append('|').append(Files.getLastModifiedTime(path).toMillis());
            } catch (IOException e) {
                print.append("missing");
            }
            print.append(';');
        }
        return print.toString();
    }
}
