/**
 * The broker process and everything about reaching it.
 *
 * <ul>
 *   <li>{@link dev.bgtasks.daemon.BrokerDaemon}: the process's main; a {@code Broker} served on the per-user
 *       socket by the ipc server, with the admin policy watched ({@code PolicyWatcher}, SPEC A4, A5).</li>
 *   <li>{@link dev.bgtasks.daemon.BrokerStarter}: connects to the per-user broker, starting it detached under a
 *       lock file when nothing answers (SPEC B1), with the clean base environment, not the app's (SPEC S5).</li>
 *   <li>{@code LoginEnvironment}: the user's login defaults a task's {@code PATH} and locale come from (the systemd
 *       user manager's environment on Linux; SPEC S5).</li>
 *   <li>{@link dev.bgtasks.daemon.BrokerLocation}: where the broker of this user keeps its socket, database and
 *       log, and the private directories they live in (SPEC S1).</li>
 * </ul>
 *
 * <pre>{@code
 * BrokerClient client = BrokerStarter.connectOrStart(BrokerLocation.forCurrentUser());
 * }</pre>
 *
 * <p>May use the broker, the ipc server and clients, the store, the SPI and {@code launch} (the starter's JVM comes
 * from {@code JvmRuntime}, as a Java task's does) (config/import-control.xml); the ipc
 * package never uses this one. The app facade ({@code BackgroundTasks}) and the {@code bgtask} command use the
 * starter and the locations. The main class's name, {@code dev.bgtasks.daemon.BrokerDaemon}, is on the command
 * line auto-start runs (and on those of the bench and native-test harnesses that start a broker by hand); the
 * service files of {@code bgtask service install} run {@code bgtask daemon} instead.
 */
package dev.bgtasks.daemon;
