package dev.bgtasks.broker;

import dev.bgtasks.InvalidRegistrationException;
import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a Java entry point in a named module before it is stored (SPEC R1): the module is on the registered module
 * path or in the broker's runtime image (a jlink image's modules are there), it holds the class, and it lets the task
 * host ({@code dev.bgtasks.core}) create it. The broker reads module descriptors only, so nothing of the app runs in
 * it; the registering app has already checked the class itself (it implements {@code BackgroundTask}, has a public
 * no-argument constructor).
 *
 * <pre>{@code
 * ModuleEntryPointCheck.validate(new TaskTarget.JavaEntryPoint("com.example.tasks.Export", List.of(), "com.example.app"));
 * }</pre>
 */
final class ModuleEntryPointCheck {
    static final String CORE_MODULE = "dev.bgtasks.core";

    private ModuleEntryPointCheck() {
    }

    static void validate(TaskTarget.JavaEntryPoint java) {
        ModuleFinder finder = finder(java.classpath());
        ModuleReference module = find(finder, java.module()).orElseThrow(() ->
                new InvalidRegistrationException("taskEntryPoint", "module " + java.module() + " is neither on the module path "
                        + java.classpath() + " nor in the broker's Java runtime (" + System.getProperty("java.home")
                        + ")"));
        if (find(finder, CORE_MODULE).isEmpty()) {
            throw new InvalidRegistrationException("taskEntryPoint", "the module path " + java.classpath()
                    + " does not contain " + CORE_MODULE + ", nor does the broker's Java runtime");
        }
        String className = java.className();
        int dot = className.lastIndexOf('.');
        if (dot < 0) {
            throw new InvalidRegistrationException("taskEntryPoint",
                    className + " is in the unnamed package, which a named module cannot have");
        }
        String packageName = className.substring(0, dot);
        ModuleDescriptor descriptor = module.descriptor();
        if (!descriptor.packages().contains(packageName) || !holdsClass(module, className)) {
            throw new InvalidRegistrationException("taskEntryPoint",
                    "class " + className + " is not in module " + java.module());
        }
        if (!reachableByTaskHost(descriptor, packageName)) {
            throw new InvalidRegistrationException("taskEntryPoint", "module " + java.module()
                    + " does not export " + packageName + " to " + CORE_MODULE + ", so the task host cannot create "
                    + className + ": add 'exports " + packageName + " to " + CORE_MODULE + ";' to its module-info");
        }
    }

    private static ModuleFinder finder(List<String> modulePath) {
        List<Path> entries = new ArrayList<>();
        for (String entry : modulePath) {
            try {
                Path path = Path.of(entry);
                if (!Files.exists(path)) {
                    throw new InvalidRegistrationException("classpath", "module path entry " + entry
                            + " does not exist");
                }
                entries.add(path);
            } catch (InvalidPathException e) {
                throw new InvalidRegistrationException("classpath", "module path entry '" + entry
                        + "' is not a path");
            }
        }
        // The runtime image first: as in the task JVM, a system module wins over one of the same name on -p.
        return ModuleFinder.compose(ModuleFinder.ofSystem(), ModuleFinder.of(entries.toArray(Path[]::new)));
    }

    private static Optional<ModuleReference> find(ModuleFinder finder, String name) {
        try {
            return finder.find(name);
        } catch (FindException e) {
            throw new InvalidRegistrationException("classpath", "the module path cannot be read: "
                    + e.getMessage());
        }
    }

    private static boolean holdsClass(ModuleReference module, String className) {
        try (ModuleReader reader = module.open()) {
            return reader.find(className.replace('.', '/') + ".class").isPresent();
        } catch (IOException e) {
            throw new InvalidRegistrationException("classpath", "module " + module.descriptor().name()
                    + " cannot be read: " + e.getMessage());
        }
    }

    private static boolean reachableByTaskHost(ModuleDescriptor descriptor, String packageName) {
        if (descriptor.isOpen() || descriptor.isAutomatic()) {
            return true;
        }
        boolean exported = descriptor.exports().stream().anyMatch(e -> e.source().equals(packageName)
                && (!e.isQualified() || e.targets().contains(CORE_MODULE)));
        boolean opened = descriptor.opens().stream().anyMatch(o -> o.source().equals(packageName)
                && (!o.isQualified() || o.targets().contains(CORE_MODULE)));
        return exported || opened;
    }
}
