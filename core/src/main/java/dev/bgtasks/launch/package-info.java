/**
 * How a JVM is started: {@link dev.bgtasks.launch.JvmRuntime}, the one place that decides how the broker, a Java
 * task and a training run get a JVM from any runtime (an explicit {@code java}, the runtime's own, or copies of a
 * jpackage app image's launcher, {@code ImageLaunchers}), with {@link dev.bgtasks.launch.JavaCommand} its result;
 * the task JVM launcher ({@link dev.bgtasks.launch.JavaLauncher}: the heap under the memory limit, the task host as
 * main class); and the class-data start archives that halve a Java task's start
 * ({@link dev.bgtasks.launch.JavaStartArchives});
 * and the module path a JVM runs a named module from ({@link dev.bgtasks.launch.RunningModules}), so that the
 * broker and a Java task of an app on the module path or in a jlink image start on the app's own modules.
 *
 * <p>May use: the SPI and the JDK (and SLF4J). Its API takes plain values (a {@code java} executable, a classpath, an
 * entry class, a memory limit), never broker types: the broker uses this package, never the reverse
 * ({@code config/import-control.xml}).
 */
package dev.bgtasks.launch;
