/**
 * The macOS backend's entry: {@link dev.bgtasks.macos.MacPlatform}, found by {@link java.util.ServiceLoader}, hands
 * out the footprint watchdog sandbox ({@code sandbox}) and the host signals ({@code signals}). Those two
 * sub-packages reach the operating system only through {@code jna}, the one package that holds JNA bindings.
 *
 * <p>May use: the JDK, {@code dev.bgtasks.spi}, and the two public facades
 * {@code sandbox.MacWatchdogSandbox} and {@code signals.MacSignals}. Never JNA, never the broker.
 */
package dev.bgtasks.macos;
