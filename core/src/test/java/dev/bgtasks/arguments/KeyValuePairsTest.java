package dev.bgtasks.arguments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyValuePairsTest {
    @Test
    void splitsAtTheFirstEqualsSignAndKeepsStrings() {
        // SPEC T6: `bgtask ... --arg KEY=VALUE`
        Map<String, Object> parsed = KeyValuePairs.parse(
                List.of("file=/tmp/a=b.csv", "count=3", "empty=", "spaced = x ", "unicode=水🎉"));

        assertThat(parsed).containsExactly(
                Map.entry("file", "/tmp/a=b.csv"),
                Map.entry("count", "3"),
                Map.entry("empty", ""),
                Map.entry("spaced ", " x "),
                Map.entry("unicode", "水🎉"));
        assertThat(parsed.get("count")).isExactlyInstanceOf(String.class);
    }

    @Test
    void noPairsGiveAnEmptyMap() {
        // SPEC T6
        assertThat(KeyValuePairs.parse(List.of())).isEmpty();
    }

    @Test
    void theResultIsImmutableAndEncodable() {
        // SPEC T6
        Map<String, Object> parsed = KeyValuePairs.parse(List.of("a=1"));

        assertThatThrownBy(() -> parsed.put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ValueMapCodec.deepCopy(parsed)).isEqualTo(Map.of("a", "1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"novalue", "", "key:value"})
    void aPairWithoutEqualsSignIsRefused(String pair) {
        // SPEC T6
        assertThatThrownBy(() -> KeyValuePairs.parse(List.of("ok=1", pair)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument \"" + pair + "\" is not KEY=VALUE: it has no '='");
    }

    @ParameterizedTest
    @ValueSource(strings = {"=value", "=", "==x"})
    void anEmptyKeyIsRefused(String pair) {
        // SPEC T6
        assertThatThrownBy(() -> KeyValuePairs.parse(List.of(pair)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument \"" + pair + "\" is not KEY=VALUE: the key is empty");
    }

    @Test
    void aDuplicateKeyIsRefused() {
        // SPEC T6
        assertThatThrownBy(() -> KeyValuePairs.parse(List.of("a=1", "b=2", "a=1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument \"a=1\" repeats the key \"a\"; each key may be given once");
    }

    @Test
    void nullsAreNullPointerExceptions() {
        // SPEC T6
        assertThatThrownBy(() -> KeyValuePairs.parse(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KeyValuePairs.parse(Arrays.asList("a=1", null)))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("pairs[1]");
    }
}
