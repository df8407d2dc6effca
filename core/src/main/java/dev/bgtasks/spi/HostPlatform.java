package dev.bgtasks.spi;

import java.util.Optional;

/**
 * A backend: the host signals and the process sandbox of one OS. Found with {@link java.util.ServiceLoader};
 * the supported platform of highest priority wins, the generic one otherwise.
 *
 * <pre>{@code
 * for (HostPlatform p : ServiceLoader.load(HostPlatform.class)) {
 *     if (p.isSupported()) { ... } else { log.info("{}: {}", p.name(), p.unavailabilityCause()); }
 * }
 * }</pre>
 */
public interface HostPlatform {
    /**
     * A short name: {@code linux}, {@code windows}, {@code macos}, {@code generic}.
     *
     * @return the platform's short name
     */
    String name();

    /**
     * Higher wins among supported platforms; the generic one is 0.
     *
     * @return the priority
     */
    int priority();

    /** {@return whether this platform can run on this host (right OS, native libraries loadable)} */
    boolean isSupported();

    /**
     * Why {@link #isSupported()} is false, so {@code bgtask doctor} can say it.
     *
     * @return the cause, empty when supported
     */
    Optional<Throwable> unavailabilityCause();

    /** {@return the host signals, started on first use and shared by every caller} */
    HostSignals signals();

    /**
     * The hardware readings parameterised conditions are judged against (SPEC H1): USB devices, volumes,
     * interfaces, CPU temperature and idle. The default reads nothing, so every hardware condition is unknown.
     *
     * @return the hardware source, started on first use and shared by every caller
     */
    default HardwareSource hardware() {
        return HardwareSource.none();
    }

    /** {@return the sandbox that starts and limits task processes, created on first use} */
    ProcessSandbox sandbox();

    /**
     * Classes (as resource names, e.g. {@code org/example/Lib.class}) of the libraries this backend needs at run
     * time besides core's own, so a broker started from an app's separate jars finds them on its classpath.
     *
     * @return resource names; empty when core's own libraries suffice
     */
    default java.util.List<String> runtimeResources() {
        return java.util.List.of();
    }

    /**
     * The backend, the mechanism per limit and the source per signal, for {@code bgtask doctor}.
     *
     * @return a multi-line description
     */
    default String describe() {
        return name() + "\n  sandbox: " + sandbox().describe() + "\n  signals:\n" + signals().describe();
    }
}
