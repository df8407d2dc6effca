package dev.bgtasks;

/**
 * The user's own choice for one app, set with {@code bgtask access allow|always|deny APP}.
 *
 * <pre>{@code
 * broker.setUserAccess("com.example.notes", UserAccessSetting.ALWAYS);
 * }</pre>
 */
public enum UserAccessSetting {
    /** Gives {@code ALLOWED_SUBJECT_TO_SYSTEM_POLICY}. */
    ALLOW,
    /** Gives {@code ALWAYS_ALLOWED}. */
    ALWAYS,
    /** Gives {@code DENIED_BY_USER}. */
    DENY
}
