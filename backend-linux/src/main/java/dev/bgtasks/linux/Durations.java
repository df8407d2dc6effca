package dev.bgtasks.linux;

import java.time.Duration;

/** How the sources' {@code describe()} lines write a period: {@code 30 s}, {@code 500 ms}. */
final class Durations {
    private Durations() {
    }

    static String human(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
