/**
 * The {@code bgtask} command (picocli): the broker in the foreground ({@code daemon}), the seed scenario
 * ({@code demo}), inspection ({@code tasks}, {@code runs}, {@code signals}, {@code doctor}), control
 * ({@code register}, {@code trigger}, {@code cancel}, {@code access}, {@code simulate}), a command task's
 * {@code progress}, and {@code service} files for systemd, launchd and the Windows task scheduler.
 *
 * <p>The calls scripts make in loops ({@code runs}, {@code tasks --json}, {@code signals}, {@code doctor},
 * {@code access status}, {@code trigger} without {@code --wait}) are answered by {@code QuickCalls} without picocli's
 * reflection or a JSON mapper (issue 18): a model built through picocli's programmatic API, held equal to the
 * annotated commands', parses them, the broker's replies stay the wire's JSON trees ({@code BrokerTreeClient}), and
 * {@code TreeOutput} prints {@code --json} from them byte for byte as {@code Output}'s mapper did. Help, errors and
 * every other command go through picocli's annotated tree.
 *
 * <p>May use: everything of bgtasks but the store, picocli, Jackson (for {@code --json}) and commons-exec.
 */
package dev.bgtasks.cli;
