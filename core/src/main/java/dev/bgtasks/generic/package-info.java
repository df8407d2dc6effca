/**
 * The portable fallback platform, for an OS without a backend or a host where the backend cannot run: host signals
 * polled through OSHI, tasks as plain processes, and limits held by a watchdog (best effort, and said so in
 * {@code describe()}). On Linux it also finds strays by run token through {@code /proc}.
 *
 * <p>May use: the SPI, OSHI's API and the JDK; never JNA directly (core is native-free).
 */
package dev.bgtasks.generic;
