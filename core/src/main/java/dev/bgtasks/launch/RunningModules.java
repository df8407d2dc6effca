package dev.bgtasks.launch;

import java.lang.module.ResolvedModule;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The module path a JVM runs a named module from, so that another JVM (the broker, a Java task) can be started on
 * the same code: the jar or directory of every module resolved in the module's layer and its parents. Modules of
 * the Java runtime image itself (a {@code jlink} image's, the JDK's) have no file of their own and are left out:
 * the other JVM, started from the same runtime, has them already.
 *
 * <pre>{@code
 * Module core = BrokerDaemon.class.getModule();
 * if (core.isNamed()) {
 *     List<String> modulePath = RunningModules.modulePath(core);   // [] in a jlink image
 *     // java -p String.join(File.pathSeparator, modulePath) -m dev.bgtasks.core/...
 * }
 * }</pre>
 */
public final class RunningModules {
    /** The module bgtasks-core is, when it runs as a named module. */
    public static final String CORE_MODULE = "dev.bgtasks.core";

    private RunningModules() {
    }

    /**
     * The files of the modules resolved with {@code module}, in the order of its layers (its own first).
     *
     * @param module a named module of a layer
     * @return jars and exploded module directories; empty when every module comes from the runtime image
     * @throws IllegalArgumentException when {@code module} is unnamed or in no layer
     */
    public static List<String> modulePath(Module module) {
        if (!module.isNamed() || module.getLayer() == null) {
            throw new IllegalArgumentException(module + " is not a named module of a layer");
        }
        Set<String> entries = new LinkedHashSet<>();
        Deque<ModuleLayer> layers = new ArrayDeque<>(List.of(module.getLayer()));
        Set<ModuleLayer> seen = new LinkedHashSet<>();
        while (!layers.isEmpty()) {
            ModuleLayer layer = layers.removeFirst();
            if (!seen.add(layer)) {
                continue;
            }
            List<ResolvedModule> resolved = new ArrayList<>(layer.configuration().modules());
            resolved.sort((a, b) -> a.name().compareTo(b.name()));
            for (ResolvedModule each : resolved) {
                each.reference().location().filter(uri -> "file".equals(uri.getScheme()))
                        .map(RunningModules::path).ifPresent(entries::add);
            }
            layers.addAll(layer.parents());
        }
        return List.copyOf(entries);
    }

    private static String path(URI location) {
        return Path.of(location).toString();
    }
}
