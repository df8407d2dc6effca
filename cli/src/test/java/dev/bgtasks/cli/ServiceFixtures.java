package dev.bgtasks.cli;

import dev.bgtasks.daemon.BrokerLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Fixed inputs for the service files, with the characters that need escaping in each format. */
final class ServiceFixtures {
    private ServiceFixtures() {
    }

    /** A user whose paths have spaces, an ampersand, angle brackets, quotes, a percent and a dollar sign. */
    static ServiceHost host(Path userHome, boolean withBrokerHome) {
        Map<String, String> environment = new HashMap<>();
        environment.put("USERDOMAIN", "WORKGROUP");
        environment.put("USERNAME", "ada");
        if (withBrokerHome) {
            environment.put("BGTASKS_HOME", userHome.resolve("bg tasks & <more> 100% $HOME").toString());
        }
        Path state = userHome.resolve("state");
        return new ServiceHost(userHome, environment,
                new BrokerLocation(userHome.resolve("run"), state, state.resolve("logs")), 501);
    }

    static ServiceLaunch launch() {
        return new ServiceLaunch(Path.of("/opt/Java 17 \"LTS\"/bin/java"),
                List.of("-jar", "/Applications/My App & Co/bgtask.jar", "daemon"));
    }

    static String golden(String name) {
        try (InputStream in = ServiceFixtures.class.getResourceAsStream("/service/" + name)) {
            if (in == null) {
                throw new AssertionError("missing golden file src/test/resources/service/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records the commands and answers each with the result the test scripted, success by default. */
    static final class ScriptedRunner implements ServiceRunner {
        final List<List<String>> ran = new ArrayList<>();
        final Map<String, Result> answers = new HashMap<>();
        final List<String> toolsOnPath = new ArrayList<>(List.of("systemctl", "launchctl", "schtasks"));

        /** The result for commands whose words joined by spaces start with {@code prefix}. */
        ScriptedRunner answer(String prefix, int exitCode, String output) {
            answers.put(prefix, new Result(exitCode, output));
            return this;
        }

        @Override
        public Result run(List<String> command) {
            ran.add(command);
            String line = String.join(" ", command);
            return answers.entrySet().stream().filter(e -> line.startsWith(e.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse(new Result(0, ""));
        }

        @Override
        public Optional<Path> find(String tool) {
            return toolsOnPath.contains(tool) ? Optional.of(Path.of("/usr/bin", tool)) : Optional.empty();
        }
    }
}
