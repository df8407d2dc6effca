package dev.bgtasks.broker;

import java.util.UUID;

/**
 * What a standby task host learns when it says hello (SPEC W1): the registration it waits for, and the entry class
 * it may load (never initialize) while it waits.
 *
 * <pre>{@code
 * StandbyAttachment s = broker.attachStandby(token, control);
 * Class.forName(s.entryPoint(), false, loader);   // no static initializer runs before the trigger
 * }</pre>
 *
 * @param taskId the registration
 * @param entryPoint the class the instance will run
 */
public record StandbyAttachment(UUID taskId, String entryPoint) {
}
