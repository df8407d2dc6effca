package dev.bgtasks.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import dev.bgtasks.arguments.JsonTrees;
import org.junit.jupiter.api.Test;

/**
 * The frames' streaming tree codec against the typed mapper it replaced for frames (issue 15): the same bytes out,
 * the same trees in, the same refusals.
 */
class FrameTreesTest {
    private static ObjectNode sample() {
        ObjectNode node = JsonTrees.object().put("type", "hello").put("int", 42).put("long", 1L << 40)
                .put("big", new BigInteger("123456789012345678901234567890")).put("double", 0.25)
                .put("negative", -7).put("true", true).put("false", false).put("text", "é \"q\" \\ \u0001 😀")
                .put("bytes", new byte[] {0, 1, 2, (byte) 0xfe}).putNull("nothing");
        node.putArray("list").add(1).add("two").add(JsonTrees.object().put("three", 3)).addNull();
        node.putObject("nested").putObject("deeper").putArray("empty");
        return node;
    }

    @Test
    void writesTheBytesTheMapperWrites() throws Exception {
        ObjectNode tree = sample();
        // As the frames were written before: UTF-8 from a byte generator (a surrogate pair escaped).
        assertThat(new String(JsonTrees.write(tree), StandardCharsets.UTF_8))
                .isEqualTo(new String(WireJson.MAPPER.writeValueAsBytes(tree), StandardCharsets.UTF_8));
    }

    @Test
    void readsTheTreesTheMapperReads() throws Exception {
        String json = WireJson.MAPPER.writeValueAsString(sample());
        JsonNode read = JsonTrees.read(json);
        assertThat(read).isEqualTo(WireJson.MAPPER.readTree(json));
        assertThat(read.get("long").isLong()).isTrue();
        assertThat(read.get("big").isBigInteger()).isTrue();
        assertThat(read.get("int").isInt()).isTrue();
        assertThat(JsonTrees.read("").isMissingNode()).isTrue();
        assertThat(JsonTrees.read("[1, 2.5e3]")).isEqualTo(WireJson.MAPPER.readTree("[1, 2.5e3]"));
    }

    @Test
    void refusesWhatTheProtocolRefuses() {
        assertThatThrownBy(() -> JsonTrees.read("{\"a\":1,\"a\":2}")).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Duplicate field 'a'");
        assertThatThrownBy(() -> JsonTrees.read("{\"a\":1} {}")).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> JsonTrees.read("{\"a\":")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> JsonTrees.read("{'a':1}")).isInstanceOf(JsonProcessingException.class);
    }
}
