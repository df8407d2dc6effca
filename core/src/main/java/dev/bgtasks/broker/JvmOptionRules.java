package dev.bgtasks.broker;

import dev.bgtasks.InvalidRegistrationException;
import dev.bgtasks.launch.JavaLauncher;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which JVM options a Java registration may set for its task JVM (issue 16: debugging and tuning a task). An
 * allow-list: an option passes only if it is of a kind below, and then only if it does not defeat the sandbox or
 * change what the JVM loads.
 *
 * <pre>{@code
 * JvmOptionRules.check(List.of("-Xmx64m", "-XX:+DisableAttachMechanism", "-Dapp.mode=test"), 256L << 20);
 * }</pre>
 *
 * <p>The rule:
 * <ul>
 *   <li>{@code -D<name>[=<value>]}, except names the JVM reads to find or load code or to secure it
 *       ({@code java.class.path}, {@code java.system.class.loader}, {@code java.security.manager},
 *       {@code java.security.policy}, {@code java.home}, {@code jdk.module.*}) and the broker's own
 *       {@code bgtasks.*};</li>
 *   <li>{@code -Xmx}, {@code -Xms}, {@code -Xmn} no larger than the heap the memory limit allows (the heap the
 *       broker would give, SPEC X10), {@code -Xss} any size;</li>
 *   <li>{@code -XX:} flags, except those that size memory past the limit or ignore it ({@code MaxRAM*},
 *       {@code MaxHeapSize}, {@code InitialHeapSize}, {@code MinHeapSize}, {@code UseContainerSupport}), run a
 *       command ({@code OnError}, {@code OnOutOfMemoryError}: shell strings, SPEC S3), read more options from a file
 *       ({@code Flags}, {@code VMOptionsFile}), change class data sharing ({@code SharedArchiveFile},
 *       {@code ArchiveClassesAtExit}, {@code SharedClassListFile}) or let agents load
 *       ({@code EnableDynamicAgentLoading}); {@code -XX:+DisableAttachMechanism} is fine;</li>
 *   <li>{@code -ea}, {@code -da}, {@code -esa}, {@code -dsa} and their long forms, {@code -verbose:*},
 *       {@code -Xlog:*}, {@code -Xint}, {@code -Xcomp}, {@code --enable-preview}, {@code --add-opens},
 *       {@code --add-exports}, {@code --add-reads} (as {@code --x=y}).</li>
 * </ul>
 * Everything else is refused, among it every option that changes the classpath or the modules
 * ({@code -cp}, {@code --module-path}, {@code --patch-module}, {@code -Xbootclasspath*}), loads an agent
 * ({@code -javaagent}, {@code -agentlib}, {@code -agentpath}: a debugger is attached with
 * {@code bgtask trigger --debug}, never by a registration), reads an argument file ({@code @file}) or
 * {@code -Xshare}.
 */
final class JvmOptionRules {
    static final int MAX_OPTIONS = 64;
    static final int MAX_OPTION_LENGTH = 1024;
    private static final Pattern SYSTEM_PROPERTY = Pattern.compile("-D([^=]+)(=.*)?", Pattern.DOTALL);
    private static final Pattern HEAP_SIZE = Pattern.compile("-X(mx|ms|mn)(\\d+)([kKmMgGtT]?)");
    private static final Pattern STACK_SIZE = Pattern.compile("-Xss\\d+[kKmMgG]?");
    private static final Pattern XX_FLAG = Pattern.compile("-XX:([+-]?)([A-Za-z][A-Za-z0-9_]*)(=.*)?", Pattern.DOTALL);
    private static final Set<String> LOADER_PROPERTIES = Set.of("java.class.path", "java.system.class.loader",
            "java.security.manager", "java.security.policy", "java.home");
    private static final Set<String> REFUSED_XX = Set.of("maxram", "maxrampercentage", "maxramfraction",
            "initialrampercentage", "minrampercentage", "maxheapsize", "initialheapsize", "minheapsize",
            "usecontainersupport", "onerror", "onoutofmemoryerror", "flags", "vmoptionsfile", "sharedarchivefile",
            "archiveclassesatexit", "sharedclasslistfile", "enabledynamicagentloading");
    private static final Pattern PLAIN = Pattern.compile(
            "-(ea|da|esa|dsa|enableassertions|disableassertions|enablesystemassertions|disablesystemassertions)"
                    + "(:.*)?|-verbose:(gc|class|jni|module)|-Xlog(:.*)?|-Xint|-Xcomp|--enable-preview"
                    + "|--add-(opens|exports|reads)=.+",
            Pattern.DOTALL);

    private JvmOptionRules() {
    }

    /**
     * Checks a registration's JVM options.
     *
     * @param options the options, in order
     * @param memoryLimit the registration's memory limit in bytes, or null
     * @throws InvalidRegistrationException naming {@code jvmOptions}, the option and the rule
     */
    static void check(List<String> options, Long memoryLimit) {
        if (options.size() > MAX_OPTIONS) {
            throw refused("at most " + MAX_OPTIONS + " options, got " + options.size());
        }
        for (String option : options) {
            if (option == null || option.isEmpty() || option.length() > MAX_OPTION_LENGTH) {
                throw refused("an option must be 1 to " + MAX_OPTION_LENGTH + " characters");
            }
            checkOne(option, memoryLimit);
        }
    }

    private static void checkOne(String option, Long memoryLimit) {
        Matcher property = SYSTEM_PROPERTY.matcher(option);
        if (property.matches()) {
            String name = property.group(1);
            if (LOADER_PROPERTIES.contains(name) || name.startsWith("jdk.module.") || name.startsWith("bgtasks.")) {
                throw refused(option + ": the property " + name + " changes how the task JVM finds, loads or "
                        + "secures code, or is the broker's");
            }
            return;
        }
        Matcher heap = HEAP_SIZE.matcher(option);
        if (heap.matches()) {
            checkHeap(option, heap, memoryLimit);
            return;
        }
        if (STACK_SIZE.matcher(option).matches() || PLAIN.matcher(option).matches()) {
            return;
        }
        Matcher flag = XX_FLAG.matcher(option);
        if (flag.matches()) {
            if (REFUSED_XX.contains(flag.group(2).toLowerCase(Locale.ROOT))) {
                throw refused(option + ": -XX:" + flag.group(2) + " would let the task JVM pass its memory limit, "
                        + "run a command, read options from a file, change class data sharing or load agents");
            }
            return;
        }
        throw refused(option + " is not an option a registration may set: -D, -Xmx/-Xms/-Xmn/-Xss, -XX: flags, "
                + "assertions, -verbose, -Xlog and module access; never the classpath, modules, agents or argument "
                + "files (attach a debugger with bgtask trigger --debug)");
    }

    private static void checkHeap(String option, Matcher heap, Long memoryLimit) {
        if (memoryLimit == null) {
            return;
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(heap.group(2)), unit(heap.group(3)));
        } catch (ArithmeticException | NumberFormatException e) {
            throw refused(option + " is too large");
        }
        long allowed = JavaLauncher.heapFor(memoryLimit);
        if (bytes > allowed) {
            throw refused(option + " is more than the " + allowed / (1L << 20) + " MiB heap that the memory limit of "
                    + memoryLimit + " bytes allows (SPEC X10)");
        }
    }

    private static long unit(String suffix) {
        return switch (suffix.toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            case "t" -> 1L << 40;
            default -> 1;
        };
    }

    private static InvalidRegistrationException refused(String rule) {
        return new InvalidRegistrationException("jvmOptions", rule);
    }
}
