/**
 * The Linux sandbox of last resort, where no cgroup can be made: {@link dev.bgtasks.linux.rlimit.RlimitSandbox}
 * sets {@code RLIMIT_DATA} through a {@code /bin/sh} wrapper and kills by walking the process tree; its limits are
 * best effort and say so.
 *
 * <p>May use: the SPI, SLF4J and the JDK.
 */
package dev.bgtasks.linux.rlimit;
