package dev.bgtasks.examples.desktopsync;

import dev.bgtasks.ApplicationTriggerResult;
import dev.bgtasks.TaskOutcome;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.GridLayout;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JProgressBar;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;

/**
 * The window: "Sync now", a progress bar, what the last trigger request answered and how the last sync ended.
 * Every {@code show...} method may be called from any thread; it changes the components on the event dispatch
 * thread. Create it on that thread.
 *
 * <pre>{@code
 * SwingUtilities.invokeAndWait(() -> window = new SyncWindow(settings, onSyncNow, onClose));
 * window.showProgress(40);
 * }</pre>
 */
final class SyncWindow {
    static final String TITLE = "bgtasks desktop sync";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final JFrame frame = new JFrame(TITLE);
    private final JButton syncNow = new JButton("Sync now");
    private final JProgressBar progress = new JProgressBar(0, 100);
    private final JLabel trigger = new JLabel("Press Sync now to start a sync.");
    private final JLabel result = new JLabel("No sync has finished yet.");

    SyncWindow(SyncSettings settings, Runnable onSyncNow, Runnable onClose) {
        JPanel header = new JPanel(new GridLayout(0, 1));
        header.add(new JLabel("Syncs " + settings.files() + " files when the internet is available, into"));
        header.add(new JLabel(settings.folder().toString()));
        progress.setStringPainted(true);
        syncNow.addActionListener(event -> onSyncNow.run());

        JPanel status = new JPanel(new GridLayout(0, 1, 0, 6));
        status.add(progress);
        status.add(trigger);
        status.add(result);

        JPanel top = new JPanel(new BorderLayout(12, 0));
        top.add(header, BorderLayout.CENTER);
        top.add(syncNow, BorderLayout.EAST);

        JPanel content = new JPanel(new BorderLayout(0, 12));
        content.setBorder(BorderFactory.createEmptyBorder(12, 12, 12, 12));
        content.add(top, BorderLayout.NORTH);
        content.add(status, BorderLayout.CENTER);
        content.setPreferredSize(new Dimension(640, 170));

        frame.setContentPane(content);
        frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        frame.addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosing(WindowEvent event) {
                onClose.run();
            }
        });
        frame.pack();
        frame.setLocation(20, 20);
    }

    void show() {
        onEdt(() -> frame.setVisible(true));
    }

    void dispose() {
        onEdt(frame::dispose);
    }

    void showRequesting() {
        onEdt(() -> trigger.setText("Sync now: asking the broker..."));
    }

    /** {@code queued}: the answer is ALLOWED for one more sync after the one in progress (SPEC P3). */
    void showTriggerResult(ApplicationTriggerResult answer, boolean queued) {
        onEdt(() -> {
            trigger.setText("Sync now: " + answer + " (" + (queued ? "queued: one more sync after this one"
                    : explain(answer)) + ")");
            if (answer == ApplicationTriggerResult.ALLOWED && !queued) {
                progress.setValue(0);
                result.setText("Waiting for the sync to start (it needs the internet)...");
            }
        });
    }

    void showTriggerError(String message) {
        onEdt(() -> trigger.setText("Sync now failed: " + message));
    }

    void showAccessDenied(String status) {
        onEdt(() -> {
            syncNow.setEnabled(false);
            trigger.setText("Background access is " + status + ": allow it with: bgtask access allow "
                    + DesktopSync.APP_ID);
        });
    }

    void showProgress(int percent) {
        onEdt(() -> {
            progress.setValue(percent);
            result.setText("Syncing... " + percent + "%");
        });
    }

    /**
     * Shows how a sync ended; {@code whileClosed} when it ended before this window opened (delivered on attach).
     */
    void showCompletion(TaskOutcome outcome, String failure, Instant endedAt, int lastProgress,
                        boolean whileClosed) {
        onEdt(() -> {
            progress.setValue(lastProgress);
            String when = TIME.format(endedAt);
            result.setText((whileClosed ? "Finished while the window was closed: " : "Result: ") + outcome
                    + " at " + when + (failure == null ? "" : " - " + failure));
        });
    }

    private static String explain(ApplicationTriggerResult answer) {
        return switch (answer) {
            case ALLOWED -> "runs once INTERNET_AVAILABLE holds";
            case CURRENTLY_RUNNING -> "one more sync is already queued";
            case DISABLED_BY_POLICY -> "background access denied, or energy saver is on";
            case UNKNOWN_ERROR -> "the task is not registered";
        };
    }

    private static void onEdt(Runnable change) {
        if (SwingUtilities.isEventDispatchThread()) {
            change.run();
        } else {
            SwingUtilities.invokeLater(change);
        }
    }

    // For the test driver, which watches and presses these like a user would.
    JFrame frame() {
        return frame;
    }

    JButton syncNowButton() {
        return syncNow;
    }

    JProgressBar progressBar() {
        return progress;
    }

    JLabel triggerLabel() {
        return trigger;
    }

    JLabel resultLabel() {
        return result;
    }
}
