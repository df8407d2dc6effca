package dev.bgtasks.broker;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
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
 * <p>A name ending in {@code .*} denies every app id under that prefix. A missing file denies nothing. A file that
 * is malformed or unreadable fails closed (SPEC A5): the last good policy stays in force ({@link #load(Path,
 * AccessPolicy)}), and with no good policy yet every app is denied, until the file is fixed. Never silently:
 * {@link #error()} names the file and the parse error, the broker logs it as an error at every load, and
 * {@code bgtask doctor} shows it.
 *
 * <pre>{@code
 * AccessPolicy policy = AccessPolicy.load(file);            // a broker's first load
 * policy = AccessPolicy.load(file, policy);                  // a reload: a broken file keeps what was in force
 * policy.error().ifPresent(log::error);
 * }</pre>
 */
public final class AccessPolicy {
    private static final String EXPECTED = " (expected {\"deniedApps\": [\"app.id\", \"prefix.*\"]})";

    private final Path file;
    private final Set<String> deniedApps;
    /** No good policy was ever loaded and the file is broken: fail closed. */
    private final boolean deniesEveryApp;
    /** The file and its parse error. */
    private final String problem;
    /** The problem and what is in force instead. */
    private final String error;

    private AccessPolicy(Path file, Set<String> deniedApps, boolean deniesEveryApp, String problem, String error) {
        this.file = file;
        this.deniedApps = Set.copyOf(deniedApps);
        this.deniesEveryApp = deniesEveryApp;
        this.problem = problem;
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

    /**
     * Reads the policy with no good one before it: a broken file denies every app (SPEC A5). Never throws for a bad
     * file, see {@link #error()}.
     *
     * @param file the policy file
     * @return the policy in force
     */
    public static AccessPolicy load(Path file) {
        return load(file, null);
    }

    /**
     * Reads the policy again: a broken file keeps {@code inForce}'s rules when they came from a good file, and
     * denies every app when they did not (SPEC A5). Never throws for a bad file, see {@link #error()}.
     *
     * @param file the policy file
     * @param inForce the policy in force until now; null when there is none
     * @return the policy in force from now on
     */
    public static AccessPolicy load(Path file, AccessPolicy inForce) {
        String problem;
        try {
            return new AccessPolicy(file, parse(Files.readAllBytes(file)), false, null, null);
        } catch (NoSuchFileException e) {
            return new AccessPolicy(file, Set.of(), false, null, null);
        } catch (IOException e) {
            problem = "admin policy " + file + " is unreadable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null || e.getMessage().equals(file.toString()) ? "" : " " + e.getMessage());
        } catch (IllegalArgumentException e) {
            problem = "admin policy " + file + " is malformed: " + e.getMessage();
        }
        if (inForce == null || inForce.deniesEveryApp) {
            return new AccessPolicy(file, Set.of(), true, problem, problem + EXPECTED
                    + "; no good policy was loaded before it, so every app is denied until it is fixed");
        }
        return new AccessPolicy(file, inForce.deniedApps, false, problem, problem + EXPECTED
                + "; the last good policy stays in force ("
                + (inForce.deniedApps.isEmpty() ? "it denies no app" : "it denies " + inForce.deniedApps) + ")");
    }

    /**
     * What is wrong with the file, for a reader that holds no policy of its own ({@code bgtask doctor}): the file
     * and the parse error.
     *
     * @param file the policy file
     * @return the problem, or empty when the file is absent or good
     */
    public static Optional<String> check(Path file) {
        return Optional.ofNullable(load(file).problem);
    }

    private static Set<String> parse(byte[] bytes) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            // A parse error says what the file holds, not that it could not be read.
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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

    /** What is wrong with the file, if anything: the file, the parse error and what is in force instead. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** True when the file is broken and no good policy came before it: every app is denied (SPEC A5). */
    public boolean deniesEveryApp() {
        return deniesEveryApp;
    }

    public boolean denies(String appId) {
        if (deniesEveryApp) {
            return true;
        }
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

    /**
     * The mapper is built with the first file read, not with this class: {@code bgtask doctor} checks a policy file
     * that is usually absent, and building a mapper was about a fifth of its call (issue 18).
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
