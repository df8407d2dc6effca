package dev.bgtasks.testing.contract;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Task programs in Java for the contract, for platforms without a shell or an OS tool that does the job: started in
 * a JVM of their own by {@link #command(List, String...)}. Each prints what the kit reads from the task's log.
 *
 * <ul>
 *   <li>{@code hog}: allocates and touches 1 MiB blocks and keeps them until it is stopped (SPEC X10);</li>
 *   <li>{@code burst <n> <command...>}: starts {@code n} children running the command, prints
 *       {@code child=<pid>} for each and {@code burst-done} after the last attempt, then waits (SPEC X12);</li>
 *   <li>{@code grandchild <command...>}: starts the command as its child, prints {@code grandchild=<pid>} for that
 *       child's first child, then waits (SPEC X13);</li>
 *   <li>{@code env}: prints its environment, one {@code NAME=VALUE} a line, and exits (SPEC S5).</li>
 * </ul>
 *
 * <pre>{@code
 * List<String> hog = ContractTasks.command(List.of("-Xmx1g"), "hog");
 * }</pre>
 */
public final class ContractTasks {
    private static final long GRANDCHILD_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private ContractTasks() {
    }

    /**
     * A JVM that runs one of these programs on this JVM's class path (which also holds the subclass's classes).
     *
     * @param jvmOptions options before {@code -cp}
     * @param args the program and its arguments
     * @return the argument vector
     */
    public static List<String> command(List<String> jvmOptions, String... args) {
        return javaMain(ContractTasks.class, jvmOptions, args);
    }

    /**
     * A JVM that runs {@code main} on this JVM's class path.
     *
     * @param main a class with a {@code main} method
     * @param jvmOptions options before {@code -cp}
     * @param args the main's arguments
     * @return the argument vector
     */
    public static List<String> javaMain(Class<?> main, List<String> jvmOptions, String... args) {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return command;
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (args[0]) {
            case "hog" -> hog();
            case "burst" -> burst(Integer.parseInt(rest.get(0)), rest.subList(1, rest.size()));
            case "grandchild" -> grandchild(rest);
            case "env" -> new java.util.TreeMap<>(System.getenv()).forEach((k, v) -> System.out.println(k + "=" + v));
            default -> throw new IllegalArgumentException("unknown contract task " + args[0]);
        }
    }

    private static void hog() {
        List<byte[]> kept = new ArrayList<>();
        while (true) {
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < block.length; i += 4096) {
                block[i] = 1;
            }
            kept.add(block);
            if (kept.size() % 64 == 0) {
                System.out.println("allocated " + kept.size() + " MiB");
                System.out.flush();
            }
        }
    }

    private static void burst(int count, List<String> child) throws InterruptedException {
        List<Process> children = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < count; i++) {
            try {
                Process p = new ProcessBuilder(child).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                children.add(p);
                System.out.println("child=" + p.pid());
            } catch (IOException e) {
                refused++;
            }
        }
        System.out.println("started=" + children.size() + " refused=" + refused);
        System.out.println("burst-done");
        System.out.flush();
        for (Process p : children) {
            p.waitFor();
        }
    }

    private static void grandchild(List<String> command) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        System.out.println("child=" + child.pid());
        long deadline = System.nanoTime() + GRANDCHILD_DEADLINE_NANOS;
        Optional<ProcessHandle> grandchild = Optional.empty();
        while (grandchild.isEmpty() && System.nanoTime() - deadline < 0) {
            grandchild = child.children().findFirst();
            if (grandchild.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
        grandchild.ifPresent(g -> System.out.println("grandchild=" + g.pid()));
        System.out.flush();
        child.waitFor();
    }
}
