/**
 * What a task calls, inside its own process: {@link dev.bgtasks.task.BackgroundTask},
 * {@link dev.bgtasks.task.BackgroundTaskInstance} (progress, deferrals, cancellation, trigger details) and
 * {@link dev.bgtasks.task.MemoryManager}.
 *
 * <p>May use: the JDK and {@code dev.bgtasks.arguments} (the typed value maps its arguments and result are), so a
 * task depends on nothing else of bgtasks.
 */
package dev.bgtasks.task;
