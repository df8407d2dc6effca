package dev.bgtasks.examples.desktopsync;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Component;
import java.awt.Rectangle;
import java.awt.event.WindowEvent;
import java.awt.image.BufferedImage;
import java.beans.PropertyChangeListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JProgressBar;
import javax.swing.JRootPane;
import javax.swing.SwingUtilities;

/**
 * Drives the real app in a JVM of its own, as a user would: presses "Sync now", watches the labels and the
 * progress bar through their change events, closes the window, paints it into a PNG. It prints one
 * {@code DRIVER key=value} line per observation for {@link DesktopSyncXvfbTest}.
 *
 * <pre>{@code
 * java -cp ... DesktopSyncDriver sync target/desktop-sync.png --folder /tmp/x --files 15 --millis-per-file 200
 * }</pre>
 */
public final class DesktopSyncDriver {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private DesktopSyncDriver() {
    }

    /**
     * Runs one scenario.
     *
     * @param args {@code sync|close-while-running|reopen|open SCREENSHOT|- [app options]}
     */
    public static void main(String[] args) {
        try {
            String scenario = args[0];
            Path screenshot = "-".equals(args[1]) ? null : Path.of(args[1]);
            DesktopSync app = DesktopSync.launch(SyncSettings.parse(Arrays.copyOfRange(args, 2, args.length)));
            SyncWindow window = app.window();
            TextWatch trigger = TextWatch.on(window.triggerLabel());
            TextWatch result = TextWatch.on(window.resultLabel());
            ProgressWatch progress = ProgressWatch.on(window.progressBar());
            report("started", "yes");
            switch (scenario) {
                case "sync" -> {
                    press(window);
                    report("trigger1", trigger.await(DesktopSyncDriver::isAnswer, "the first trigger answer"));
                    report("progress", progress.await(v -> v > 0 && v < 100, "progress between 0 and 100"));
                    press(window);
                    report("trigger2", trigger.await(DesktopSyncDriver::isAnswer, "the second trigger answer"));
                    press(window);
                    report("trigger3", trigger.await(DesktopSyncDriver::isAnswer, "the third trigger answer"));
                    report("result", result.await(t -> t.startsWith("Result: "), "the first result"));
                    // QUEUE_ONE: the second press's sync runs after the first, then completes in turn.
                    report("queuedProgress", progress.await(v -> v > 0 && v < 100, "the queued sync's progress"));
                    report("result2", result.await(t -> t.startsWith("Result: "), "the queued sync's result"));
                    capture(window, screenshot);
                    app.close();
                }
                case "close-while-running" -> {
                    press(window);
                    report("trigger1", trigger.await(DesktopSyncDriver::isAnswer, "the first trigger answer"));
                    report("progress", progress.await(v -> v > 0 && v < 100, "progress between 0 and 100"));
                    // As the window manager's close button does it: the app's own close handling runs.
                    onEdt(() -> {
                        JFrame frame = window.frame();
                        frame.dispatchEvent(new WindowEvent(frame, WindowEvent.WINDOW_CLOSING));
                        return null;
                    });
                    report("closed", String.valueOf(!onEdt(() -> window.frame().isDisplayable())));
                }
                case "open" -> {
                    // Starting the app is all: it connects to its broker, starting one if none runs.
                    app.close();
                }
                case "reopen" -> {
                    report("result", result.await(t -> t.startsWith("Finished while") || t.startsWith("Result: "),
                            "the completion delivered on start"));
                    capture(window, screenshot);
                    app.close();
                }
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
            report("done", scenario);
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static boolean isAnswer(String text) {
        return text.startsWith("Sync now: ") && !text.contains("asking");
    }

    private static void press(SyncWindow window) throws Exception {
        onEdt(() -> {
            window.syncNowButton().doClick();
            return null;
        });
    }

    /**
     * Paints the live window into an image and reports where its parts are. Painting, not a screen grab: without
     * a window manager, Xvfb may place the window a few pixels from where AWT reports it.
     */
    private static void capture(SyncWindow window, Path file) throws Exception {
        JRootPane root = window.frame().getRootPane();
        BufferedImage image = onEdt(() -> {
            BufferedImage painted = new BufferedImage(root.getWidth(), root.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = painted.createGraphics();
            try {
                root.paint(graphics);
            } finally {
                graphics.dispose();
            }
            return painted;
        });
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
        report("screenshot", file.toAbsolutePath().toString());
        report("size", image.getWidth() + "x" + image.getHeight());
        report("bar", onEdt(() -> rectangle(root, window.progressBar())));
        report("resultLabel", onEdt(() -> rectangle(root, window.resultLabel())));
        report("background", onEdt(() -> hex(root.getContentPane().getBackground())));
        report("barValue", String.valueOf(onEdt(() -> window.progressBar().getValue())));
    }

    private static String rectangle(JRootPane root, Component component) {
        Rectangle r = SwingUtilities.convertRectangle(component.getParent(), component.getBounds(), root);
        return r.x + "," + r.y + "," + r.width + "," + r.height;
    }

    private static String hex(Color color) {
        return String.format("%06x", color.getRGB() & 0xffffff);
    }

    private static void report(String key, Object value) {
        System.out.println("DRIVER " + key + "=" + value);
        System.out.flush();
    }

    private static <T> T onEdt(Supplier<T> read) throws Exception {
        AtomicReference<T> value = new AtomicReference<>();
        SwingUtilities.invokeAndWait(() -> value.set(read.get()));
        return value.get();
    }

    /** Every text a label shows, in order, from its change events; the text it had on attach first. */
    private static final class TextWatch {
        private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

        static TextWatch on(JLabel label) throws Exception {
            TextWatch watch = new TextWatch();
            onEdt(() -> {
                watch.texts.add(label.getText());
                PropertyChangeListener listener = event -> watch.texts.add(String.valueOf(event.getNewValue()));
                label.addPropertyChangeListener("text", listener);
                return null;
            });
            return watch;
        }

        /** The next text that matches, skipping others; fails after the deadline. */
        String await(Predicate<String> wanted, String what) throws InterruptedException {
            long end = System.nanoTime() + DEADLINE.toNanos();
            StringBuilder seen = new StringBuilder();
            while (true) {
                String text = texts.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (text == null) {
                    throw new AssertionError("no " + what + " within " + DEADLINE + "; saw: " + seen);
                }
                if (wanted.test(text)) {
                    return text;
                }
                seen.append('[').append(text).append(']');
            }
        }
    }

    /** Every value the progress bar takes, in order, from its change events. */
    private static final class ProgressWatch {
        private final BlockingQueue<Integer> values = new LinkedBlockingQueue<>();

        static ProgressWatch on(JProgressBar bar) throws Exception {
            ProgressWatch watch = new ProgressWatch();
            onEdt(() -> {
                watch.values.add(bar.getValue());
                bar.addChangeListener(event -> watch.values.add(bar.getValue()));
                return null;
            });
            return watch;
        }

        int await(Predicate<Integer> wanted, String what) throws InterruptedException {
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (true) {
                Integer value = values.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (value == null) {
                    throw new AssertionError("no " + what + " within " + DEADLINE);
                }
                if (wanted.test(value)) {
                    return value;
                }
            }
        }
    }
}
