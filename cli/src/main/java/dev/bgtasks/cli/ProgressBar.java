package dev.bgtasks.cli;

import java.io.PrintWriter;

/** A one-line progress bar redrawn in place. */
final class ProgressBar {
    private static final int WIDTH = 30;

    private ProgressBar() {
    }

    static void draw(PrintWriter out, int percent) {
        int clamped = Math.max(0, Math.min(100, percent));
        int filled = clamped * WIDTH / 100;
        out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + clamped + "%");
        out.flush();
    }

    static void finish(PrintWriter out) {
        out.println();
        out.flush();
    }
}
