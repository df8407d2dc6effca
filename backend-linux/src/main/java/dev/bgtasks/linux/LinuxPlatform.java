package dev.bgtasks.linux;

import dev.bgtasks.linux.cgroup.CgroupSandbox;
import dev.bgtasks.linux.cgroup.CgroupUnavailableException;
import dev.bgtasks.linux.cgroup.SystemdScopeSandbox;
import dev.bgtasks.linux.dbus.DBusSignals;
import dev.bgtasks.linux.hardware.LinuxHardwareSource;
import dev.bgtasks.linux.netlink.RtnetlinkInternetSource;
import dev.bgtasks.linux.power.PowerSupplySource;
import dev.bgtasks.linux.presence.HeadlessSource;
import dev.bgtasks.linux.presence.X11IdleSource;
import dev.bgtasks.linux.rlimit.RlimitSandbox;
import dev.bgtasks.spi.HardwareSource;
import dev.bgtasks.spi.HostPlatform;
import dev.bgtasks.spi.HostSignals;
import dev.bgtasks.spi.ProcessSandbox;
import dev.bgtasks.spi.SignalSource;
import dev.bgtasks.spi.StorageSignalSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux backend: tasks in cgroups (v2, or v1 memory+pids), host signals from the kernel (rtnetlink, power
 * supply uevents) and from system services over D-Bus where they run. Found by {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * HostPlatform linux = new LinuxPlatform();
 * if (linux.isSupported()) { ProcessSandbox sandbox = linux.sandbox(); }
 * }</pre>
 *
 * <p>Constructing it does nothing: every JVM that lists the platforms (apps, {@code bgtask doctor}) builds one, and
 * only the broker's may create cgroups, open sockets or join the bus. Where no cgroup can be made, tasks run in
 * transient systemd user scopes when the user manager has the controllers delegated (cgroup v2), else limits fall back
 * to rlimits, which {@code register()} accepts only with {@code bestEffortLimits()} (SPEC R9). With
 * {@code BGTASKS_SANDBOX=systemd-scope} (a service broker on systemd before 254) the scopes come first.
 */
public final class LinuxPlatform implements HostPlatform {
    /**
     * Set to {@value #SCOPES} by the systemd unit {@code bgtask service install} writes where systemd is older than
     * 254: tasks then run in transient user scopes, never in cgroups beneath the broker's own, because systemd before
     * {@code DelegateSubgroup=} starts a restarted broker in its unit's cgroup, which may hand no controllers to
     * children then (cgroup v2's no-internal-process rule; issue 21).
     */
    public static final String SANDBOX_VARIABLE = "BGTASKS_SANDBOX";
    /** The value of {@link #SANDBOX_VARIABLE} that asks for systemd user scopes. */
    public static final String SCOPES = "systemd-scope";
    private final String osName = System.getProperty("os.name", "");
    private final Map<String, String> environment;
    private ProcessSandbox sandbox;
    private String sandboxNote = "";
    private LinuxSignals signals;
    private RtnetlinkInternetSource rtnetlink;
    private LinuxHardwareSource hardware;

    /** The backend for this process's environment (as {@link java.util.ServiceLoader} builds it). */
    public LinuxPlatform() {
        this(System.getenv());
    }

    /**
     * The backend for another environment: which buses to use ({@code DBUS_SYSTEM_BUS_ADDRESS},
     * {@code DBUS_SESSION_BUS_ADDRESS}) and whether a display is set. Not API: for tests on private buses.
     *
     * @param environment the variables to read instead of this process's environment
     */
    public LinuxPlatform(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean isSupported() {
        return osName.toLowerCase(Locale.ROOT).startsWith("linux");
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return isSupported() ? Optional.empty()
                : Optional.of(new UnsupportedOperationException("this is " + osName + ", not Linux"));
    }

    @Override
    public synchronized ProcessSandbox sandbox() {
        if (sandbox == null && scopesAsked()) {
            List<String> whyNot = new ArrayList<>();
            Optional<SystemdScopeSandbox> scope = SystemdScopeSandbox.probe(environment, whyNot);
            if (scope.isPresent()) {
                sandboxNote = " (" + SANDBOX_VARIABLE + "=" + SCOPES + ": tasks in user scopes, never beneath the"
                        + " broker's own cgroup)";
                Log.LOG.info("{}={}: tasks run in systemd user scopes", SANDBOX_VARIABLE, SCOPES);
                sandbox = scope.get();
            } else {
                // Not silent: the broker's own cgroup holds the same limits, but systemd < 254 cannot restart a
                // service whose cgroup hands controllers to task cgroups (issue 21).
                sandboxNote = " (" + SANDBOX_VARIABLE + "=" + SCOPES + " asked, but " + String.join("; ", whyNot) + ")";
                Log.LOG.warn("{}={} asked, but {}; trying the broker's own cgroup, which a service manager may then be"
                        + " unable to restart the broker in", SANDBOX_VARIABLE, SCOPES, String.join("; ", whyNot));
            }
        }
        if (sandbox == null) {
            try {
                sandbox = CgroupSandbox.open();
            } catch (CgroupUnavailableException e) {
                List<String> whyNot = new ArrayList<>();
                Optional<SystemdScopeSandbox> scope = SystemdScopeSandbox.probe(environment, whyNot);
                if (scope.isPresent()) {
                    sandboxNote += " (own cgroup not usable: " + e.getMessage() + ")";
                    Log.LOG.info("own cgroup not usable, so tasks run in systemd user scopes: {}", e.getMessage());
                    sandbox = scope.get();
                } else {
                    sandboxNote += " (no usable cgroup: " + e.getMessage() + "; " + String.join("; ", whyNot) + ")";
                    Log.LOG.warn("no usable cgroup nor systemd user scope, so limits are rlimits only and need"
                            + " bestEffortLimits(): {}; {}", e.getMessage(), String.join("; ", whyNot));
                    sandbox = new RlimitSandbox();
                }
            }
        }
        return sandbox;
    }

    private boolean scopesAsked() {
        String asked = environment.get(SANDBOX_VARIABLE);
        if (asked == null || asked.isBlank()) {
            return false;
        }
        if (!asked.equals(SCOPES)) {
            Log.LOG.warn("{}={} is not known (the one value is {}); choosing the sandbox as usual", SANDBOX_VARIABLE,
                    asked, SCOPES);
            return false;
        }
        return true;
    }

    @Override
    public synchronized HostSignals signals() {
        if (signals == null) {
            // Services first: the portal and logind know more than sysfs, X11 idle time and the no-display fallback.
            List<SignalSource> byPrecedence = new ArrayList<>();
            byPrecedence.add(DBusSignals.open(environment));
            byPrecedence.add(new X11IdleSource(environment));
            byPrecedence.add(new PowerSupplySource());
            byPrecedence.add(new StorageSignalSource(Path.of(System.getProperty("user.home"))));
            byPrecedence.add(new HeadlessSource(environment));
            rtnetlink = new RtnetlinkInternetSource();
            signals = new LinuxSignals(rtnetlink, byPrecedence);
            signals.start();
        }
        return signals;
    }

    /**
     * USB devices from kernel uevents, volumes from the watched mount table, interfaces from rtnetlink (the
     * INTERNET source's), CPU temperature and idle from OSHI polled while needed (SPEC H1, H4).
     */
    @Override
    public synchronized HardwareSource hardware() {
        if (hardware == null) {
            signals();
            RtnetlinkInternetSource links = rtnetlink;
            hardware = LinuxHardwareSource.start(links::interfacesUp, links::onLinksChanged);
        }
        return hardware;
    }

    /** dbus-java and its native Unix-socket transport; JNA is core's already. */
    @Override
    public List<String> runtimeResources() {
        return List.of("org/freedesktop/dbus/connections/impl/DBusConnectionBuilder.class",
                "org/freedesktop/dbus/transport/jre/NativeTransportProvider.class");
    }

    @Override
    public String describe() {
        return name() + "\n  sandbox: " + sandbox().describe() + sandboxNote + "\n  signals:\n" + signals().describe();
    }

    /**
     * SLF4J starts with the first line logged, not with this class: {@code bgtask doctor} asks each platform
     * whether it is supported, logs nothing, and starting SLF4J was about 8 ms of it (issue 18).
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(LinuxPlatform.class);
    }
}
