/**
 * How a task process is started: the JVM launcher ({@link dev.bgtasks.launch.JavaLauncher}: which {@code java},
 * the heap under the memory limit, the task host as main class) and the class-data start archives that halve a Java
 * task's start ({@link dev.bgtasks.launch.JavaStartArchives}).
 *
 * <p>May use: the SPI and the JDK (and SLF4J). Its API takes plain values (a {@code java} executable, a classpath, an
 * entry class, a memory limit), never broker types: the broker uses this package, never the reverse
 * ({@code config/import-control.xml}).
 */
package dev.bgtasks.launch;
