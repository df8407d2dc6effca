package dev.bgtasks.arguments;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The command line's form of arguments: {@code bgtask trigger ... --arg KEY=VALUE} (SPEC T6).
 *
 * <pre>{@code
 * Map<String, Object> args = KeyValuePairs.parse(List.of("file=/tmp/in.csv"));   // {file=/tmp/in.csv}
 * byte[] wire = ValueMapCodec.encode(args);
 * }</pre>
 */
public final class KeyValuePairs {
    private KeyValuePairs() {
    }

    /**
     * Parses the CLI's {@code --arg KEY=VALUE} pairs. The split is at the first {@code '='}, so a value may itself
     * contain {@code '='}; values stay strings and may be empty.
     *
     * @param pairs the pairs in command-line order
     * @return an immutable map in the given order
     * @throws NullPointerException when {@code pairs} or one of its elements is null
     * @throws IllegalArgumentException when a pair has no {@code '='}, an empty key, or repeats a key
     */
    public static Map<String, Object> parse(List<String> pairs) {
        Objects.requireNonNull(pairs, "pairs");
        Map<String, Object> result = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            String pair = Objects.requireNonNull(pairs.get(i), "pairs[" + i + "]");
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("argument " + Quoting.quote(pair)
                        + " is not KEY=VALUE: it has no '='");
            }
            if (eq == 0) {
                throw new IllegalArgumentException("argument " + Quoting.quote(pair)
                        + " is not KEY=VALUE: the key is empty");
            }
            String key = pair.substring(0, eq);
            if (result.putIfAbsent(key, pair.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("argument " + Quoting.quote(pair) + " repeats the key "
                        + Quoting.quote(key) + "; each key may be given once");
            }
        }
        return Collections.unmodifiableMap(result);
    }
}
