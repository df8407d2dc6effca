package dev.bgtasks.linux.netlink;

import org.slf4j.Logger;

/**
 * Waits for a source's reader thread to notice it was closed. The readers are woken through their channel
 * ({@link NetlinkChannel#wakeUp()}) and stop by themselves; this only bounds how long {@code close()} waits.
 */
public final class ReaderStop {
    private ReaderStop() {
    }

    /**
     * Joins {@code reader} for at most {@code waitMillis}; a reader closing itself is not waited for.
     *
     * @param reader the reader thread, null when none was started
     * @param waitMillis how long to wait at most
     * @param what names the reader in the warning when it does not stop in time
     * @param log the owner's logger
     */
    public static void await(Thread reader, long waitMillis, String what, Logger log) {
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
