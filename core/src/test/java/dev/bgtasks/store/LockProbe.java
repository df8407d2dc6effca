package dev.bgtasks.store;

import java.nio.file.Path;

/** Run in a separate JVM: tries to open the store given as argument; the exit code says what happened. */
public final class LockProbe {
    static final int OPENED = 0;
    static final int LOCKED = 3;
    static final int FAILED = 4;

    private LockProbe() {
    }

    public static void main(String[] args) {
        int code;
        try (Store ignored = Store.open(Path.of(args[0]))) {
            code = OPENED;
        } catch (StoreLockedException e) {
            code = LOCKED;
        } catch (RuntimeException e) {
            code = FAILED;
        }
        System.exit(code);
    }
}
