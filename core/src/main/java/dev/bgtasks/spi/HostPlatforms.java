package dev.bgtasks.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the backend for this host: every {@link HostPlatform} on the classpath is loaded with
 * {@link ServiceLoader}; the supported one of highest priority wins. The generic platform in core is always
 * supported, so there is always one; the others keep why they could not run, for {@code bgtask doctor}.
 *
 * <pre>{@code
 * HostPlatform platform = HostPlatforms.select();
 * HostPlatforms.all().forEach(p -> log.info("{}: {}", p.name(), p.isSupported()));
 * }</pre>
 */
public final class HostPlatforms {
    private HostPlatforms() {
    }

    /**
     * Every platform on the classpath, highest priority first. A provider that fails to load is skipped.
     *
     * @return the platforms, supported or not
     */
    public static List<HostPlatform> all() {
        List<HostPlatform> found = new ArrayList<>();
        ServiceLoader<HostPlatform> loader = ServiceLoader.load(HostPlatform.class, HostPlatforms.class.getClassLoader());
        var iterator = loader.iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                found.add(iterator.next());
            } catch (ServiceConfigurationError e) {
                // A backend jar for another OS, or one missing a dependency: not ours to run.
                continue;
            }
        }
        found.sort(Comparator.comparingInt(HostPlatform::priority).reversed());
        return found;
    }

    /**
     * The supported platform of highest priority.
     *
     * @return the platform to use
     * @throws IllegalStateException when none is supported (core's generic platform is missing from the classpath)
     */
    public static HostPlatform select() {
        return all().stream().filter(HostPlatform::isSupported).findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no bgtasks platform is supported here; is bgtasks-core complete on the classpath?"));
    }
}
