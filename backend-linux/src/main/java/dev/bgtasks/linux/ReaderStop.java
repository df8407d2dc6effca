package dev.bgtasks.linux;

import org.slf4j.Logger;

/**
 * Waits for a source's reader thread to notice it was closed. The readers are woken through their channel
 * ({@link NetlinkChannel#wakeUp()}) and stop by themselves; this only bounds how long {@code close()} waits.
 */
final class ReaderStop {
    private ReaderStop() {
    }

    /** Joins {@code reader} for at most {@code waitMillis}; a reader closing itself is not waited for. */
    static void await(Thread reader, long waitMillis, String what, Logger log) {
        if (reader == null || reader == Thread.currentThread()) {
            return;
        }
        try {
            reader.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            log.warn("the {} reader did not stop within {} ms; it will close its socket when it does", what,
                    waitMillis);
        }
    }
}
