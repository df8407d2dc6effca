package dev.bgtasks.ipc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets one class use an API the forbidden-apis check bans in general, with the reason written next to it.
 *
 * <pre>{@code
 * @SuppressForbidden(reason = "jdk.net is a supported, exported JDK module")
 * final class PeerCheck { ... }
 * }</pre>
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface SuppressForbidden {
    String reason();
}
