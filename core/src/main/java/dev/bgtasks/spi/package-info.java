/**
 * The backend seam: {@link dev.bgtasks.spi.HostPlatform} (found with {@link java.util.ServiceLoader}), its
 * {@link dev.bgtasks.spi.HostSignals} and {@link dev.bgtasks.spi.ProcessSandbox}, the values they exchange
 * (limits, usage, exit status, launch specs, the {@link dev.bgtasks.spi.RunToken}), what a task's environment is
 * made of per OS ({@link dev.bgtasks.spi.TaskEnvironment}, SPEC S5), and the signal sources every backend shares
 * (polled sources, free storage, simulation).
 *
 * <p>May use: the JDK and SLF4J only. Backends implement it and never see the broker; the broker calls it and never
 * sees a backend.
 */
package dev.bgtasks.spi;
