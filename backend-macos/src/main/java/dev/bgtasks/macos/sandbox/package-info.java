/**
 * The macOS sandbox, a footprint watchdog over each task's process group: {@code MacWatchdogSandbox} (the
 * {@code ProcessSandbox}), {@code MacTask} (one task), {@code PosixSpawner} (starts a task suspended as a group
 * leader), {@code GroupWatch} and {@code WatchdogPolicy} (the sampling decisions, pure), {@code TreeKill},
 * {@code ExitWatch} (waitpid or kqueue), and the process table ({@code ProcessTable}, read from libproc by
 * {@code DarwinProcessTable}, {@code ProcArgs} parsing {@code KERN_PROCARGS2}, {@code WaitStatus}).
 *
 * <p>May use: the JDK, SLF4J, {@code dev.bgtasks.spi} (with {@code RunToken}), and from {@code jna} only
 * {@code SystemCalls}, {@code ErrnoException} and {@code SystemLib}'s Darwin numbers. No JNA type reaches this
 * package. Public: {@code MacWatchdogSandbox} (for {@code MacPlatform}) and {@code PosixSpawner} (for the native
 * tests); the rest is package-private.
 */
package dev.bgtasks.macos.sandbox;
