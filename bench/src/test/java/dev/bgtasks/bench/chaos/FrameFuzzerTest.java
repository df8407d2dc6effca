package dev.bgtasks.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 8, scenario 3: random, truncated, oversized and valid-but-hostile frames, the same for the same seed. */
class FrameFuzzerTest {
    private static final ObjectMapper DEEP_READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
            .build());

    @Test
    void theSameSeedMakesTheSameFrames() {
        FrameFuzzer one = new FrameFuzzer(17);
        FrameFuzzer two = new FrameFuzzer(17);
        for (int i = 0; i < 200; i++) {
            List<FrameFuzzer.Frame> a = one.burst();
            List<FrameFuzzer.Frame> b = two.burst();
            assertThat(a).hasSameSizeAs(b);
            for (int j = 0; j < a.size(); j++) {
                assertThat(a.get(j).kind()).isEqualTo(b.get(j).kind());
                assertThat(a.get(j).bytes()).isEqualTo(b.get(j).bytes());
            }
        }
    }

    @Test
    void burstsCoverEveryKindAndPutAFramingBreakerOnlyLast() {
        FrameFuzzer fuzzer = new FrameFuzzer(3);
        Set<FrameFuzzer.Kind> seen = EnumSet.noneOf(FrameFuzzer.Kind.class);
        for (int i = 0; i < 2000; i++) {
            List<FrameFuzzer.Frame> burst = fuzzer.burst();
            assertThat(burst).isNotEmpty().hasSizeLessThanOrEqualTo(FrameFuzzer.MAX_BURST);
            for (int j = 0; j < burst.size() - 1; j++) {
                assertThat(burst.get(j).kind().breaksFraming()).isFalse();
            }
            burst.forEach(f -> seen.add(f.kind()));
        }
        assertThat(seen).containsExactlyInAnyOrder(FrameFuzzer.Kind.values());
    }

    @Test
    void eachKindIsHostileTheWayItSays() throws Exception {
        FrameFuzzer fuzzer = new FrameFuzzer(11);
        for (int i = 0; i < 300; i++) {
            byte[] oversized = fuzzer.oversized().bytes();
            int declared = ByteBuffer.wrap(oversized).getInt();
            assertThat(declared < 0 || declared > FrameFuzzer.MAX_FRAME_BYTES).isTrue();

            byte[] truncated = fuzzer.truncated().bytes();
            if (truncated.length >= 4) {
                assertThat(ByteBuffer.wrap(truncated).getInt()).isGreaterThan(truncated.length - 4);
            }

            byte[] hostile = fuzzer.hostileJson().bytes();
            int length = ByteBuffer.wrap(hostile).getInt();
            assertThat(length).isEqualTo(hostile.length - 4).isLessThanOrEqualTo(FrameFuzzer.MAX_FRAME_BYTES);
            if (length < FrameFuzzer.MAX_FRAME_BYTES) {
                JsonNode node = DEEP_READER.readTree(new String(hostile, 4, length, StandardCharsets.UTF_8));
                assertThat(node.isObject()).isTrue();
                assertThat(node.has("type")).isTrue();
            }
        }
    }

    @Test
    void hostileValuesReachPastTheParsersNestingLimitAndIntoHugeStrings() {
        FrameFuzzer fuzzer = new FrameFuzzer(5);
        int deepest = 0;
        int longest = 0;
        for (int i = 0; i < 3000; i++) {
            JsonNode value = fuzzer.value(3);
            deepest = Math.max(deepest, depth(value));
            longest = Math.max(longest, value.isTextual() ? value.asText().length() : 0);
        }
        assertThat(deepest).isGreaterThan(1000);
        assertThat(longest).isGreaterThan(64 * 1024);
    }

    private static int depth(JsonNode node) {
        int depth = 0;
        JsonNode current = node;
        while (current.isContainerNode() && current.size() > 0) {
            current = current.isArray() ? current.get(0) : current.elements().next();
            depth++;
        }
        return depth;
    }

    @Test
    void diskFullErrorsAreRecognisedByWhatTheySay() {
        assertThat(DiskFullScenario.saysDiskFull("StoreException: /x/bgtasks.db: the disk is full; could not"))
                .isTrue();
        assertThat(DiskFullScenario.saysDiskFull("IOException: No space left on device")).isTrue();
        assertThat(DiskFullScenario.saysDiskFull("BrokerProtocolException: internal error")).isFalse();
    }
}
