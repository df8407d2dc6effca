/**
 * What an app calls: {@link dev.bgtasks.BackgroundTasks} (open the per-user broker, or run one in process), the
 * registration builder, triggers, {@link dev.bgtasks.BackgroundExecutionManager} for access, and the value types of
 * the UWP model ({@link dev.bgtasks.ApplicationTriggerResult}, {@link dev.bgtasks.SystemConditionType}, ...).
 *
 * <p>May use: the task API, the SPI, the argument codec, and the client side of {@code ipc} and {@code daemon} (to
 * reach or start the broker). Its value types (enums, records, exceptions) are shared downward by name
 * ({@code config/import-control.xml}); its facade classes are never imported from below.
 */
package dev.bgtasks;
