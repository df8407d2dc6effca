package dev.bgtasks.cli;

import dev.bgtasks.daemon.BrokerLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The facts about this user that service files are made of, gathered in one place so tests can fix them.
 *
 * @param userHome the user's home directory
 * @param environment the environment of the {@code bgtask} process
 * @param location where the broker keeps its state and log
 * @param uid the numeric user id (macOS {@code gui/<uid>} domain); -1 where the OS has none
 */
record ServiceHost(Path userHome, Map<String, String> environment, BrokerLocation location, int uid) {
    ServiceHost {
        environment = Map.copyOf(environment);
    }

    /** This user, with the broker's locations as they are on {@code os} (the service file names its log). */
    static ServiceHost current(ServiceOs os) {
        Path home = Path.of(System.getProperty("user.home"));
        Map<String, String> environment = new HashMap<>(System.getenv());
        String homeProperty = System.getProperty(BrokerLocation.HOME_PROPERTY);
        if (homeProperty != null && !homeProperty.isBlank()) {
            // The property stands in for the variable in JVMs that cannot set their environment; the service needs it.
            environment.putIfAbsent(BrokerLocation.HOME_VARIABLE, homeProperty);
        }
        return new ServiceHost(home, environment, BrokerLocation.forCurrentUserOn(os.osName()), uidOf(home));
    }

    /** The owner of the home directory is the user: the JDK's "unix" view reads it without a native call. */
    private static int uidOf(Path home) {
        try {
            return (Integer) Files.getAttribute(home, "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    /** {@code BGTASKS_HOME} or the {@code bgtasks.home} property, made absolute, when this user moved the broker. */
    Optional<Path> brokerHome() {
        String value = environment.get(BrokerLocation.HOME_VARIABLE);
        return value == null || value.isBlank() ? Optional.empty()
                : Optional.of(Path.of(value).toAbsolutePath().normalize());
    }

    /** {@code DOMAIN\\user} for Task Scheduler, from the variables Windows sets for every session. */
    String windowsUserId() {
        String user = environment.getOrDefault("USERNAME", System.getProperty("user.name"));
        String domain = environment.get("USERDOMAIN");
        return domain == null || domain.isBlank() ? user : domain + "\\" + user;
    }

    int requireUid() {
        if (uid < 0) {
            throw new IllegalStateException("cannot tell this user's numeric id (the owner of " + userHome
                    + "), which launchctl needs for the gui/<uid> domain");
        }
        return uid;
    }
}
