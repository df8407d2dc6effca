package dev.bgtasks.examples.desktopsync;

import dev.bgtasks.BackgroundAccessStatus;
import dev.bgtasks.BackgroundTaskCompletedEventArgs;
import dev.bgtasks.BackgroundTaskFailedException;
import dev.bgtasks.BackgroundTaskRegistration;
import dev.bgtasks.BackgroundTasks;
import dev.bgtasks.IfRunning;
import dev.bgtasks.InstanceState;
import dev.bgtasks.SystemCondition;
import dev.bgtasks.SystemConditionType;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.swing.SwingUtilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop sync example app: a window whose "Sync now" triggers a background sync that needs the internet.
 * The sync ({@link SyncTask}) runs in the per-user broker's process tree, not in this app: close the window
 * mid-sync and it goes on; the next start shows how it ended.
 *
 * <pre>{@code
 * java -cp "examples/desktop-sync/target/classes:$(cat examples/desktop-sync/target/classpath.txt)" \
 *      dev.bgtasks.examples.desktopsync.DesktopSync --folder /tmp/synced --files 20
 * }</pre>
 *
 * <p>At each start it opens the broker (starting it when needed), asks for background access, registers the task
 * once ({@code ensureRegistered}) with the {@code INTERNET_AVAILABLE} condition and listens to its progress and
 * completions. A completion that happened while no window listened is delivered once, at once (SPEC X5).
 */
public final class DesktopSync implements AutoCloseable {
    /** The app id the broker knows this app by. */
    public static final String APP_ID = "dev.bgtasks.examples.desktopsync";
    static final String TASK_NAME = "Sync files";
    private static final Logger LOG = LoggerFactory.getLogger(DesktopSync.class);

    private final BackgroundTasks bg;
    private final SyncSettings settings;
    private final Instant openedAt = Instant.now();
    /** Broker calls block on a socket, so they never run on the event dispatch thread. */
    private final ExecutorService brokerCalls = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "desktop-sync-broker-calls");
        thread.setDaemon(true);
        return thread;
    });
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private SyncWindow window;

    private DesktopSync(BackgroundTasks bg, SyncSettings settings) {
        this.bg = bg;
        this.settings = settings;
    }

    /**
     * Runs the app; see {@link SyncSettings#USAGE} for the options.
     *
     * @param args {@code [--folder DIR] [--files N] [--millis-per-file MS]}
     */
    public static void main(String[] args) {
        SyncSettings settings;
        try {
            settings = SyncSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(SyncSettings.USAGE);
            System.exit(2);
            return;
        }
        launch(settings);
    }

    /** Opens the broker, shows the window and attaches the listeners; returns once the window is showing. */
    static DesktopSync launch(SyncSettings settings) {
        BackgroundTasks bg = BackgroundTasks.open(APP_ID);
        DesktopSync app = new DesktopSync(bg, settings);
        try {
            app.start();
            return app;
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    private void start() {
        AtomicReference<SyncWindow> created = new AtomicReference<>();
        try {
            SwingUtilities.invokeAndWait(() -> created.set(new SyncWindow(settings, this::syncNow, this::close)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the window", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("could not create the window", e.getCause());
        }
        window = created.get();

        BackgroundAccessStatus access = bg.executionManager().requestAccess().join();
        if (access.isDenied()) {
            window.showAccessDenied(access.toString());
            window.show();
            return;
        }
        BackgroundTaskRegistration registration = bg.ensureRegistered(TASK_NAME, bg.newTask()
                .taskEntryPoint(SyncTask.class.getName())
                .setTrigger(bg.applicationTrigger())
                .addCondition(new SystemCondition(SystemConditionType.INTERNET_AVAILABLE)));
        LOG.info("registered {} with {}", registration, registration.conditions());
        subscriptions.add(registration.onProgress(e -> window.showProgress(e.progress())));
        // Attaching the completion listener also delivers what finished while no window was open (SPEC X5).
        subscriptions.add(registration.onCompleted(this::showCompletion));
        // Shown only now, so "Sync now" cannot be pressed before the task is registered.
        window.show();
    }

    /**
     * "Sync now" pressed during a sync runs one more sync after it, rather than being dropped (SPEC P3,
     * {@code QUEUE_ONE}): files changed while the sync ran get synced too. Pressed again while that one waits, it
     * answers {@code CURRENTLY_RUNNING}: one more sync is already coming.
     */
    private void syncNow() {
        window.showRequesting();
        brokerCalls.execute(() -> {
            try {
                var response =
                        bg.applicationTrigger().request(settings.triggerArguments(), IfRunning.QUEUE_ONE).join();
                boolean queued = response.instanceId() != null && bg.instances().stream()
                        .anyMatch(i -> i.instanceId().equals(response.instanceId())
                                && i.state() == InstanceState.QUEUED);
                window.showTriggerResult(response.result(), queued);
            } catch (CompletionException | IllegalArgumentException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                LOG.warn("the trigger request failed", cause);
                window.showTriggerError(cause.getMessage());
            }
        });
    }

    private void showCompletion(BackgroundTaskCompletedEventArgs completion) {
        String failure = null;
        try {
            completion.checkResult();
        } catch (BackgroundTaskFailedException e) {
            failure = e.getMessage();
        }
        boolean whileClosed = completion.endedAt().isBefore(openedAt);
        window.showCompletion(completion.outcome(), failure, completion.endedAt(), completion.progress(),
                whileClosed);
    }

    /** Closes the window and the broker connection; a sync in progress goes on in the broker. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable subscription : subscriptions) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.warn("removing a listener failed", e);
            }
        }
        bg.close();
        brokerCalls.shutdown();
        if (window != null) {
            window.dispose();
        }
    }

    SyncWindow window() {
        return window;
    }
}
