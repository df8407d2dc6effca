/**
 * The job-object sandbox: {@code WindowsJobSandbox} starts each task suspended, puts it in a job object of its own
 * with its limits, then resumes it; {@code JobProcess} watches one task tree, {@code JobPort} reads the completion
 * port every job reports to, {@code ConsoleBreak} sends the polite cancel; {@code WindowsCommandLine} and
 * {@code WindowsEnvironment} build what {@code CreateProcessW} takes.
 *
 * <p>May use: the SPI, {@code dev.bgtasks.windows.jna} for every native call, and JNA's value types only (handles,
 * the {@code CreateProcessW} structures, by-reference out-parameters; see {@code config/import-control.xml}). It
 * loads no library.
 */
package dev.bgtasks.windows.sandbox;
