/**
 * The {@code bgtask} command (picocli): the broker in the foreground ({@code daemon}), the seed scenario
 * ({@code demo}), inspection ({@code tasks}, {@code runs}, {@code signals}, {@code doctor}), control
 * ({@code register}, {@code trigger}, {@code cancel}, {@code access}, {@code simulate}), a command task's
 * {@code progress}, and {@code service} files for systemd, launchd and the Windows task scheduler.
 *
 * <p>May use: everything of bgtasks but the store, picocli, Jackson (for {@code --json}) and commons-exec.
 */
package dev.bgtasks.cli;
