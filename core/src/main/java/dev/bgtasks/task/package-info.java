/**
 * What a task calls, inside its own process: {@link dev.bgtasks.task.BackgroundTask},
 * {@link dev.bgtasks.task.BackgroundTaskInstance} (progress, deferrals, cancellation, trigger details) and
 * {@link dev.bgtasks.task.MemoryManager}.
 *
 * <p>May use: the JDK only, so a task depends on nothing but this package.
 */
package dev.bgtasks.task;
