package dev.bgtasks.broker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The machine's admin policy: a JSON file naming apps that may not run background tasks.
 *
 * <pre>{@code
 * { "deniedApps": ["com.example.miner", "org.example.*"] }
 * }</pre>
 *
 * <p>A name ending in {@code .*} denies every app id under that prefix. A missing file denies nothing. A malformed
 * file denies nothing too, but never silently: {@link #error()} says what is wrong, the broker logs it as an error
 * at every load, and {@code bgtask doctor} shows it.
 */
public final class AccessPolicy {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;
    private final Set<String> deniedApps;
    private final String error;

    private AccessPolicy(Path file, Set<String> deniedApps, String error) {
        this.file = file;
        this.deniedApps = Set.copyOf(deniedApps);
        this.error = error;
    }

    /** The default location for this OS. */
    public static Path defaultFile() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            String programData = Optional.ofNullable(System.getenv("ProgramData")).orElse("C:\\ProgramData");
            return Path.of(programData, "bgtasks", "policy.json");
        }
        if (os.contains("mac")) {
            return Path.of("/Library/Application Support/bgtasks/policy.json");
        }
        return Path.of("/etc/bgtasks/policy.json");
    }

    /** Reads the policy; never throws for a bad file, see {@link #error()}. */
    public static AccessPolicy load(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new AccessPolicy(file, parse(bytes), null);
        } catch (NoSuchFileException e) {
            return new AccessPolicy(file, Set.of(), null);
        } catch (IOException | IllegalArgumentException e) {
            return new AccessPolicy(file, Set.of(),
                    "admin policy " + file + " is malformed and denies nothing: " + e.getMessage()
                            + " (expected {\"deniedApps\": [\"app.id\", \"prefix.*\"]})");
        }
    }

    private static Set<String> parse(byte[] bytes) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the top level is not a JSON object");
        }
        JsonNode denied = root.get("deniedApps");
        if (denied == null) {
            throw new IllegalArgumentException("it has no \"deniedApps\" array");
        }
        if (!denied.isArray()) {
            throw new IllegalArgumentException("\"deniedApps\" is not an array");
        }
        Set<String> apps = new LinkedHashSet<>();
        for (JsonNode entry : denied) {
            if (!entry.isTextual() || entry.asText().isBlank()) {
                throw new IllegalArgumentException("\"deniedApps\" holds " + entry + ", not an app id");
            }
            apps.add(entry.asText().trim());
        }
        return apps;
    }

    public Path file() {
        return file;
    }

    /** What is wrong with the file, if anything. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    public boolean denies(String appId) {
        for (String pattern : deniedApps) {
            if (pattern.endsWith(".*")
                    ? appId.startsWith(pattern.substring(0, pattern.length() - 1))
                    : appId.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    public Set<String> deniedApps() {
        return deniedApps;
    }
}
