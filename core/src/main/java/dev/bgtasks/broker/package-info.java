/**
 * The one place where trigger semantics live. {@link dev.bgtasks.broker.Broker} is a small facade: it owns the one
 * lock and the store, implements what an app asks ({@link dev.bgtasks.broker.BrokerOperations}) and what a task host
 * asks ({@link dev.bgtasks.broker.HostOperations}), and hands each SPEC group to one package-private part:
 *
 * <ul>
 *   <li>{@code AccessControl}: background access, the admin policy and the user's settings (SPEC A);</li>
 *   <li>{@code Registrations}: register, list, unregister (R);</li>
 *   <li>{@code TriggerDecisions}: the answer to a trigger, the one class that decides T4 (T1–T7);</li>
 *   <li>{@code TriggerSchedules}, {@code SystemTransitions} and {@code DeviceTransitions}: the triggers the broker
 *   fires by itself, on a schedule, on a signal transition, on a USB device attached or detached (Y1–Y5, H8);</li>
 *   <li>{@code TaskRuns}: launch, wall-clock budget, cancellation, grace, exit, completion (X);</li>
 *   <li>{@code HostSessions}: the task host's side, by run token: attach, progress, result, memory, detach (S2);</li>
 *   <li>{@code Recovery}: after a restart, re-adoption, the window's expiry, killing as lost (B3, B6);</li>
 *   <li>{@code SignalReactions}: condition loss and energy saver (X8, X9), the pending instances' condition latch
 *   (T7);</li>
 *   <li>{@code Completions}: the instance listing, undelivered completions, the claim, subscribers (X5);</li>
 *   <li>{@code RetentionSweeper} and {@code RunLogs}: bounded history and run logs, as {@code Retention} says
 *   (B7).</li>
 * </ul>
 *
 * <p>May use: the SPI, the store, {@code dev.bgtasks.launch} (how a task process is started), the public API's
 * values, SLF4J and Jackson. Never a socket, never a native call ({@code config/import-control.xml}).
 */
package dev.bgtasks.broker;
