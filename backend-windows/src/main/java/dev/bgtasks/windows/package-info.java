/**
 * The Windows backend: {@link dev.bgtasks.windows.WindowsPlatform}, found by {@link java.util.ServiceLoader}, gives
 * the job-object sandbox ({@code sandbox}) and {@link dev.bgtasks.windows.WindowsSignals}, which combines the signal
 * sources ({@code signals}). Everything native lives in {@code jna}.
 *
 * <p>May use: the SPI, {@code dev.bgtasks.task.BackgroundWorkCost}, its own sub-packages, SLF4J. No JNA here: the
 * wiring names the parts, the parts touch native code ({@code config/import-control.xml}).
 */
package dev.bgtasks.windows;
