package dev.bgtasks.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The idle broker: with no task running and no client calling, how much CPU it burns, how often its threads wake
 * and how much memory it holds over a window.
 *
 * <p>How wakeups are counted: every voluntary plus involuntary context switch of every thread
 * ({@code /proc/<pid>/task/<tid>/status}), before and after the window. Nothing outside happens in the window (no
 * client call, no task, no signal change is made), so a bgtasks thread that switches in it was woken by a timer: a
 * timed park, sleep or poll timeout (a kernel event on one of its sockets would also count; the stacks taken after
 * the window say which). JVM service threads (periodic task, G1 service, compiler, GC) are counted apart, because
 * they are the JVM's own timers, not the broker's. So are the broker's kernel-event readers (the mount table, uevents,
 * rtnetlink, the bus socket's directory), which block in poll(2) with no timeout at all: a wakeup of theirs is an
 * event on the host (another program mounting, a cgroup or device appearing), counted apart, never as a timer.
 *
 * <pre>{@code
 * List<FigureResult> rows = IdleFigure.measure(broker, 60);
 * }</pre>
 */
final class IdleFigure {
    /** comm prefixes of the HotSpot threads that are not the broker's code. */
    private static final List<String> JVM_THREADS = List.of("VM Periodic Tas", "VM Thread", "G1 ", "GC Thread",
            "C1 CompilerThre", "C2 CompilerThre", "Sweeper thread", "Signal Dispatch", "Finalizer",
            "Reference Handl", "Notification Th", "Common-Cleaner", "Attach Listener", "Service Thread",
            "VM Operation", "Monitor Deflati");

    /** comm prefixes of the broker's threads that wait for kernel events in poll(2) without any timeout. */
    private static final List<String> EVENT_THREADS = List.of("bgtasks-mountin", "bgtasks-usb-uev", "bgtasks-power-s",
            "bgtasks-rtnetli", "bgtasks-dbus-wa", "bgtasks-policy-");

    private IdleFigure() {
    }

    /** Whether a thread name is one of the broker's kernel-event readers, which have no timer. */
    public static boolean isEventThread(String comm) {
        return EVENT_THREADS.stream().anyMatch(comm::startsWith);
    }

    /** Whether a thread name is one of HotSpot's own. */
    public static boolean isJvmThread(String comm) {
        return JVM_THREADS.stream().anyMatch(comm::startsWith);
    }

    /** Three rows: CPU, timer wakeups of bgtasks threads, RSS. */
    public static List<FigureResult> measure(BenchBroker broker, int seconds) throws IOException {
        String what = "broker idle " + seconds + " s";
        broker.endAllInstances();
        long pid = broker.pid();
        // Let the last run's completion work and any just-due timers settle first.
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
        long ticksBefore = ProcStat.cpuTicks(pid);
        Map<Long, ProcStat.ThreadSample> before = ProcStat.threads(pid);
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
        long ticksAfter = ProcStat.cpuTicks(pid);
        Map<Long, ProcStat.ThreadSample> after = ProcStat.threads(pid);
        long rssKib = ProcStat.rssKib(pid);

        double cpuMillis = (ticksAfter - ticksBefore) * 1000.0 / ProcStat.clockTicksPerSecond();
        long schedNanos = 0;
        long brokerWakeups = 0;
        long eventWakeups = 0;
        long jvmWakeups = 0;
        Map<String, Long> byThread = new TreeMap<>();
        for (Map.Entry<Long, ProcStat.ThreadSample> entry : after.entrySet()) {
            ProcStat.ThreadSample end = entry.getValue();
            ProcStat.ThreadSample start = before.getOrDefault(entry.getKey(),
                    new ProcStat.ThreadSample(end.name(), 0, 0, 0));
            long switches = end.voluntarySwitches() - start.voluntarySwitches()
                    + end.involuntarySwitches() - start.involuntarySwitches();
            schedNanos += end.cpuNanos() - start.cpuNanos();
            if (switches == 0) {
                continue;
            }
            byThread.merge(end.name() + (before.containsKey(entry.getKey()) ? "" : " (new)"), switches, Long::sum);
            if (isJvmThread(end.name())) {
                jvmWakeups += switches;
            } else if (isEventThread(end.name())) {
                eventWakeups += switches;
            } else {
                brokerWakeups += switches;
            }
        }
        Map<String, String> stacks = stacksOf(pid, byThread.keySet());

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("seconds", seconds);
        details.put("cpuMillisFromStat", cpuMillis);
        details.put("cpuMillisFromSchedstat", schedNanos / 1e6);
        details.put("wakeupsByThread", byThread);
        details.put("bgtasksThreadWakeups", brokerWakeups);
        details.put("jvmThreadWakeups", jvmWakeups);
        details.put("kernelEventReaderWakeups", eventWakeups);
        details.put("rssKib", rssKib);
        details.put("stacksOfWokenThreads", stacks);
        String wokeText = byThread.isEmpty() ? "none" : byThread.entrySet().stream()
                .filter(e -> !isJvmThread(e.getKey()) && !isEventThread(e.getKey()))
                .map(e -> e.getKey() + " ×" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("none");
        String eventText = byThread.entrySet().stream().filter(e -> isEventThread(e.getKey()))
                .map(e -> e.getKey() + " ×" + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("none");
        List<FigureResult> rows = new ArrayList<>();
        rows.add(FigureResult.measured("idle", what + ": CPU", Numbers.format(cpuMillis) + " ms (stat ticks; "
                        + Numbers.format(schedNanos / 1e6) + " ms by schedstat)", "—", cpuMillis,
                Numbers.format(cpuMillis) + " ms", Target.atMost(100, "CPU ms"), details));
        rows.add(FigureResult.measured("idle", what + ": timer wakeups of bgtasks threads", brokerWakeups
                        + " (" + wokeText + "); kernel events on the host, no timer: " + eventWakeups + " (" + eventText
                        + "); JVM's own threads: " + jvmWakeups, "—", brokerWakeups,
                Long.toString(brokerWakeups), Target.atMost(2, "timer wakeups"), Map.of()));
        rows.add(FigureResult.measured("idle", what + ": RSS", Numbers.format(rssKib / 1024.0) + " MB", "—",
                rssKib / 1024.0, Numbers.format(rssKib / 1024.0) + " MB", Target.atMost(80, "RSS MB"), Map.of()));
        return rows;
    }

    /**
     * The top frames of the named threads, from {@code jcmd <pid> Thread.print}, taken after the window (the
     * attach itself wakes threads, so never during it). Empty when jcmd is not there.
     */
    static Map<String, String> stacksOf(long pid, Set<String> threadNames) {
        Map<String, String> stacks = new LinkedHashMap<>();
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String dump;
        try {
            Process process = new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print").redirectErrorStream(true)
                    .start();
            dump = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            return stacks;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return stacks;
        }
        for (String block : dump.split("\n\n")) {
            if (!block.startsWith("\"")) {
                continue;
            }
            String name = block.substring(1, block.indexOf('"', 1));
            String comm = name.length() > 15 ? name.substring(0, 15) : name;
            if (isJvmThread(comm) || threadNames.stream().noneMatch(n -> n.startsWith(comm))) {
                continue;
            }
            String[] lines = block.split("\n");
            StringBuilder top = new StringBuilder();
            for (int i = 1; i < Math.min(lines.length, 8); i++) {
                top.append(lines[i].strip()).append(" / ");
            }
            stacks.put(name, top.toString());
        }
        return stacks;
    }
}
