package dev.bgtasks.broker;

import dev.bgtasks.spi.HostPlatform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a broker.
 *
 * <pre>{@code
 * Broker broker = Broker.start(BrokerConfig.builder().home(dir).platform(platform).clock(clock).build());
 * }</pre>
 *
 * @param home the state directory: database, per-instance logs
 * @param platform the backend
 * @param clock time and timers
 * @param policyFile the admin policy (SPEC A2)
 * @param readoptWindow how long a restarted broker waits for running tasks to reconnect (SPEC B3)
 * @param javaExecutable the {@code java} that runs Java tasks; null to find one ({@code BGTASKS_JAVA}, the runtime's
 *     own, or a jpackage app image's launcher: see {@link dev.bgtasks.launch.JvmRuntime})
 * @param socketPath the broker's socket, passed to tasks as {@code BGTASKS_SOCKET}; null when tasks cannot
 *     reach the broker (in-process use without a server)
 * @param environment the broker's environment, whose {@code PATH} resolves command programs and from which a
 *     task's base environment is taken (SPEC S5; never passed on whole)
 * @param javaStartArchives where the class-data archives that speed up Java task starts are kept; null for none
 * @param minimumFreshness the shortest period a time or maintenance trigger may have (SPEC Y1): 15 minutes unless
 *     a test rig allows shorter
 * @param loginEnvironment the user's login defaults (on Linux with systemd, the user manager's environment), which
 *     give a task its {@code PATH} and locale; empty where the OS keeps none
 * @param retention what is kept of ended instances and their run logs, and for how long (SPEC B7)
 * @param standbys for how many registrations at most a standby task host is kept (SPEC W2); 0 for none
 */
public record BrokerConfig(Path home, HostPlatform platform, BrokerClock clock, Path policyFile,
                           Duration readoptWindow, Path javaExecutable, Path socketPath,
                           Map<String, String> environment, Path javaStartArchives, Duration minimumFreshness,
                           Map<String, String> loginEnvironment, Retention retention, int standbys) {
    public static final Duration DEFAULT_READOPT_WINDOW = Duration.ofSeconds(10);
    /** UWP's floor for a time trigger's freshness. */
    public static final Duration DEFAULT_MINIMUM_FRESHNESS = Duration.ofMinutes(15);
    /** SPEC W2: standby task hosts for the two most recently triggered Java registrations. */
    public static final int DEFAULT_STANDBYS = 2;

    public BrokerConfig {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(policyFile, "policyFile");
        Objects.requireNonNull(readoptWindow, "readoptWindow");
        Objects.requireNonNull(retention, "retention");
        environment = Map.copyOf(environment);
        minimumFreshness = Objects.requireNonNullElse(minimumFreshness, DEFAULT_MINIMUM_FRESHNESS);
        loginEnvironment = Map.copyOf(loginEnvironment);
        if (standbys < 0) {
            throw new IllegalArgumentException("standbys must be 0 or more, got " + standbys);
        }
    }

    /** The broker's database, in its home. */
    public static final String DATABASE_FILE_NAME = "bgtasks.db";

    public static Builder builder() {
        return new Builder();
    }

    public Path databaseFile() {
        return home.resolve(DATABASE_FILE_NAME);
    }

    /** Where the stdout and stderr of one instance go. */
    public Path instanceLog(java.util.UUID instanceId) {
        return runLogDirectory().resolve(instanceId + ".log");
    }

    /** The directory of the run logs, one {@code <instance id>.log} each. */
    public Path runLogDirectory() {
        return home.resolve("runs");
    }

    /** Builds a {@link BrokerConfig}; home and platform are required. */
    public static final class Builder {
        private Path home;
        private HostPlatform platform;
        private BrokerClock clock;
        private Path policyFile;
        private Duration readoptWindow = DEFAULT_READOPT_WINDOW;
        private Path javaExecutable;
        private Path socketPath;
        private Map<String, String> environment = System.getenv();
        private Path javaStartArchives;
        private Duration minimumFreshness = DEFAULT_MINIMUM_FRESHNESS;
        private Map<String, String> loginEnvironment = Map.of();
        private Retention retention = Retention.DEFAULT;
        private int standbys;

        private Builder() {
        }

        public Builder home(Path dir) {
            this.home = dir;
            return this;
        }

        public Builder platform(HostPlatform hostPlatform) {
            this.platform = hostPlatform;
            return this;
        }

        public Builder clock(BrokerClock brokerClock) {
            this.clock = brokerClock;
            return this;
        }

        public Builder policyFile(Path file) {
            this.policyFile = file;
            return this;
        }

        public Builder readoptWindow(Duration window) {
            this.readoptWindow = window;
            return this;
        }

        /** Runs Java tasks with {@code java}; without this call it is found as {@code JvmRuntime} says. */
        public Builder javaExecutable(Path java) {
            this.javaExecutable = java;
            return this;
        }

        public Builder socketPath(Path socket) {
            this.socketPath = socket;
            return this;
        }

        public Builder environment(Map<String, String> env) {
            this.environment = env;
            return this;
        }

        /** Keeps class-data archives for Java tasks in {@code dir}; without this call there are none. */
        public Builder javaStartArchives(Path dir) {
            this.javaStartArchives = dir;
            return this;
        }

        /** What is kept of ended instances and for how long; {@link Retention#DEFAULT} without this call. */
        public Builder retention(Retention kept) {
            this.retention = kept;
            return this;
        }

        /** SPEC Y1: allows time and maintenance triggers a period shorter than 15 minutes (test rigs). */
        public Builder minimumFreshness(Duration shortest) {
            if (shortest.isNegative() || shortest.isZero()) {
                throw new IllegalArgumentException("the minimum freshness must be positive, got " + shortest);
            }
            this.minimumFreshness = shortest;
            return this;
        }

        /** The user's login defaults a task's {@code PATH} and locale come from; by default none. */
        public Builder loginEnvironment(Map<String, String> env) {
            this.loginEnvironment = env;
            return this;
        }

        /**
         * SPEC W2: keeps standby task hosts for up to {@code count} registrations ({@link #DEFAULT_STANDBYS} in the
         * daemon); without this call, as for a broker inside an app or a test, none.
         */
        public Builder standbys(int count) {
            this.standbys = count;
            return this;
        }

        public BrokerConfig build() {
            return new BrokerConfig(home, platform, clock == null ? BrokerClock.system() : clock,
                    policyFile == null ? AccessPolicy.defaultFile() : policyFile, readoptWindow, javaExecutable,
                    socketPath, environment, javaStartArchives, minimumFreshness, loginEnvironment, retention,
                    standbys);
        }
    }
}
