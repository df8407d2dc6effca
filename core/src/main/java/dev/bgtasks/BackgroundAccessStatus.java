package dev.bgtasks;

/**
 * Whether an app may run background tasks (UWP {@code BackgroundAccessStatus}).
 *
 * <pre>{@code
 * BackgroundAccessStatus s = bg.executionManager().requestAccess().join();
 * if (s.isDenied()) { explain(s); }
 * }</pre>
 */
public enum BackgroundAccessStatus {
    /** Never requested, or removed. Denied. */
    UNSPECIFIED,
    /** The user allowed the app always, even with energy saver on. */
    ALWAYS_ALLOWED,
    /** Allowed, except while energy saver is on. */
    ALLOWED_SUBJECT_TO_SYSTEM_POLICY,
    /** The machine's admin policy denies the app. */
    DENIED_BY_SYSTEM_POLICY,
    /** The user denied the app. */
    DENIED_BY_USER;

    /**
     * The denied set of the SPEC: {@code UNSPECIFIED}, {@code DENIED_BY_SYSTEM_POLICY}, {@code DENIED_BY_USER}.
     *
     * @return true for a status under which nothing can be registered or triggered
     */
    public boolean isDenied() {
        return this == UNSPECIFIED || this == DENIED_BY_SYSTEM_POLICY || this == DENIED_BY_USER;
    }
}
