/**
 * The task host: {@link dev.bgtasks.host.TaskHost} is the main class of a Java task's process. It connects to the
 * broker with the instance's run token, runs the task's {@code BackgroundTask.run}, tracks its deferrals, and
 * carries progress, cancellation and the result over that connection. {@code --warm-up} walks the same start path
 * without a broker, to train a start archive.
 *
 * <p>May use: the task API, the host side of {@code ipc}, the argument codec, and the broker's wire records
 * {@code HostAttachment} and {@code MemoryReport}.
 */
package dev.bgtasks.host;
