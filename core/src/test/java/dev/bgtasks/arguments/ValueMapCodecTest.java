package dev.bgtasks.arguments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.File;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueMapCodecTest {

    private static final String ALLOWED_PREFIX = "allowed: String, Boolean, Character, Byte, Short, Integer, Long,";

    /** One of everything, with the extremes, in a fixed insertion order. */
    private static Map<String, Object> everything() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z-first", 1);
        inner.put("a-second", List.of((byte) 1, (short) 2, 3, 4L));
        inner.put("", "empty key");

        Map<String, Object> args = new LinkedHashMap<>();
        args.put("string", "plain");
        args.put("stringEmpty", "");
        args.put("stringUnicode", "zß水🎉\u0000\n\t\"\\\u2028 \uD834\uDD1E");
        args.put("stringLoneSurrogates", "a\uD800b\uDC00c\uDBFF");
        args.put("true", Boolean.TRUE);
        args.put("false", Boolean.FALSE);
        args.put("char", 'x');
        args.put("charQuote", '"');
        args.put("charNul", '\u0000');
        args.put("charHighSurrogate", '\uD83C');
        args.put("byteMin", Byte.MIN_VALUE);
        args.put("byteMax", Byte.MAX_VALUE);
        args.put("shortMin", Short.MIN_VALUE);
        args.put("shortMax", Short.MAX_VALUE);
        args.put("intMin", Integer.MIN_VALUE);
        args.put("intMax", Integer.MAX_VALUE);
        args.put("intZero", 0);
        args.put("longMin", Long.MIN_VALUE);
        args.put("longMax", Long.MAX_VALUE);
        args.put("longSmall", 7L);
        args.put("floatMin", Float.MIN_VALUE);
        args.put("floatMax", Float.MAX_VALUE);
        args.put("floatMinNormal", Float.MIN_NORMAL);
        args.put("floatTenth", 0.1f);
        args.put("floatNegZero", -0.0f);
        args.put("floatNaN", Float.NaN);
        args.put("floatPosInf", Float.POSITIVE_INFINITY);
        args.put("floatNegInf", Float.NEGATIVE_INFINITY);
        args.put("floatOneOverThree", 1f / 3f);
        args.put("doubleMin", Double.MIN_VALUE);
        args.put("doubleMax", Double.MAX_VALUE);
        args.put("doubleMinNormal", Double.MIN_NORMAL);
        args.put("doubleTenth", 0.1);
        args.put("doubleNegZero", -0.0);
        args.put("doubleNaN", Double.NaN);
        args.put("doublePosInf", Double.POSITIVE_INFINITY);
        args.put("doubleNegInf", Double.NEGATIVE_INFINITY);
        args.put("double2e23", 2e23);
        args.put("doubleWhole", 5.0);
        args.put("bigInteger", new BigInteger("-123456789012345678901234567890123456789012345678901234567890"));
        args.put("bigIntegerHuge", BigInteger.TWO.pow(20_000).negate());
        args.put("bigIntegerZero", BigInteger.ZERO);
        args.put("bigDecimal", new BigDecimal("3.14159265358979323846264338327950288419716939937510"));
        args.put("bigDecimalTrailingZeros", new BigDecimal("1.000"));
        args.put("bigDecimalBigScale", new BigDecimal(BigInteger.valueOf(12345), 1_000_000));
        args.put("bigDecimalNegativeScale", new BigDecimal(BigInteger.valueOf(-7), -999_999_999));
        args.put("bigDecimalMinScale", new BigDecimal(BigInteger.ONE, Integer.MIN_VALUE + 1));
        args.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        args.put("uuidZero", new UUID(0, 0));
        args.put("uuidAllOnes", new UUID(-1, -1));
        args.put("instantEpoch", Instant.EPOCH);
        args.put("instantMin", Instant.MIN);
        args.put("instantMax", Instant.MAX);
        args.put("instantNanos", Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        args.put("instantBeforeEpochWithNanos", Instant.ofEpochSecond(-1, 1));
        args.put("durationZero", Duration.ZERO);
        args.put("durationNegative", Duration.ofMillis(-1500));
        args.put("durationNegativeNanos", Duration.ofNanos(-1));
        args.put("durationMin", Duration.ofSeconds(Long.MIN_VALUE, 0));
        args.put("durationMax", Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
        args.put("bytes", new byte[] {0, 1, -1, Byte.MIN_VALUE, Byte.MAX_VALUE});
        args.put("bytesEmpty", new byte[0]);
        args.put("bytesOdd", new byte[] {42});
        args.put("listEmpty", List.of());
        args.put("mapEmpty", Map.of());
        args.put("list", Arrays.asList("a", 1, 2L, 'c', List.of(List.of(new byte[] {9})), inner));
        args.put("map", inner);
        args.put("listOfMaps", List.of(Map.of("k", Instant.EPOCH), Map.of("k", Duration.ofDays(1))));
        return args;
    }

    /** {@link #everything()} without its one big value, so that fuzzing it stays fast. */
    private static Map<String, Object> fuzzCorpus() {
        Map<String, Object> args = everything();
        args.remove("bigIntegerHuge");
        return args;
    }

    // ------------------------------------------------------------------------------------------------ round trips

    @Test
    void everyAllowedTypeRoundTripsWithExactlyTheSameJavaTypes() {
        // SPEC T6
        Map<String, Object> args = everything();

        Map<String, Object> decoded = ValueMapCodec.decode(ValueMapCodec.encode(args));

        assertSameTree(args, decoded, "arguments");
    }

    @Test
    void numbersKeepTheirBoxedTypeAndScale() {
        // SPEC T6: an Integer stays an Integer, never widened to Long; a BigDecimal keeps its scale.
        Map<String, Object> decoded = ValueMapCodec.deepCopy(Map.of(
                "i", 1, "l", 1L, "s", (short) 1, "b", (byte) 1, "f", 1f, "d", 1d,
                "bi", BigInteger.ONE, "bd", new BigDecimal("1.00")));

        assertThat(decoded.get("i")).isExactlyInstanceOf(Integer.class);
        assertThat(decoded.get("l")).isExactlyInstanceOf(Long.class);
        assertThat(decoded.get("s")).isExactlyInstanceOf(Short.class);
        assertThat(decoded.get("b")).isExactlyInstanceOf(Byte.class);
        assertThat(decoded.get("f")).isExactlyInstanceOf(Float.class);
        assertThat(decoded.get("d")).isExactlyInstanceOf(Double.class);
        assertThat(decoded.get("bi")).isExactlyInstanceOf(BigInteger.class);
        assertThat(decoded.get("bd")).isExactlyInstanceOf(BigDecimal.class);
        assertThat(((BigDecimal) decoded.get("bd")).scale()).isEqualTo(2);
    }

    @Test
    void floatsRoundTripBitForBit() {
        // SPEC T6: exact values, checked over many random bit patterns (NaNs collapse to the canonical NaN).
        Random random = new Random(6);
        for (int round = 0; round < 20; round++) {
            List<Object> floats = new ArrayList<>();
            List<Object> doubles = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                floats.add(Float.intBitsToFloat(random.nextInt()));
                doubles.add(Double.longBitsToDouble(random.nextLong()));
            }
            Map<String, Object> decoded = ValueMapCodec.deepCopy(Map.of("f", floats, "d", doubles));

            assertThat(decoded.get("f")).isEqualTo(floats);
            assertThat(decoded.get("d")).isEqualTo(doubles);
        }
    }

    @Test
    void emptyMapIsValidAndDecodesEmpty() {
        // SPEC T6: the no-argument call gives an empty map.
        byte[] encoded = ValueMapCodec.encode(Map.of());

        assertThat(ValueMapCodec.decode(encoded)).isEmpty();
    }

    @Test
    void deepNestingUpToTheLimitRoundTrips() {
        // SPEC T6
        Object value = "leaf";
        for (int depth = 0; depth < ValueMapCodec.MAX_NESTING_DEPTH; depth++) {
            value = depth % 2 == 0 ? List.of(value) : Map.of("k", value);
        }
        Map<String, Object> args = Map.of("deep", value);

        assertSameTree(args, ValueMapCodec.deepCopy(args), "arguments");
    }

    @Test
    void aSharedButAcyclicListIsEncodedTwice() {
        // SPEC T6: sharing is not a cycle.
        List<Object> shared = new ArrayList<>(List.of(1, 2));
        Map<String, Object> args = Map.of("a", List.of(shared, shared), "b", shared);

        assertSameTree(args, ValueMapCodec.deepCopy(args), "arguments");
    }

    @Test
    void anyListAndMapImplementationIsAccepted() {
        // SPEC T6
        Map<String, Object> tree = new TreeMap<>(Map.of("b", 2, "a", 1));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("linked", new LinkedList<>(List.of(1, 2)));
        args.put("unmodifiable", Collections.unmodifiableList(new ArrayList<>(List.of("x"))));
        args.put("tree", tree);
        args.put("singleton", Collections.singletonMap("k", 'v'));

        Map<String, Object> decoded = ValueMapCodec.deepCopy(args);

        assertSameTree(args, decoded, "arguments");
        assertThat(new ArrayList<Object>(((Map<?, ?>) decoded.get("tree")).keySet())).containsExactly("a", "b");
    }

    @Test
    void insertionOrderIsPreservedAtEveryLevel() {
        // SPEC T6
        Map<String, Object> nested = new LinkedHashMap<>();
        for (int i = 20; i > 0; i--) {
            nested.put("n" + i, i);
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("zeta", 1);
        args.put("alpha", nested);
        args.put("mu", 3);

        Map<String, Object> decoded = ValueMapCodec.deepCopy(args);

        assertThat(decoded.keySet()).containsExactly("zeta", "alpha", "mu");
        assertThat(new ArrayList<Object>(((Map<?, ?>) decoded.get("alpha")).keySet()))
                .containsExactlyElementsOf(nested.keySet());
    }

    @Test
    void encodingIsStable() {
        // SPEC T6: what the store holds re-encodes to the same bytes.
        byte[] once = ValueMapCodec.encode(everything());
        byte[] twice = ValueMapCodec.encode(ValueMapCodec.decode(once));

        assertThat(twice).isEqualTo(once);
    }

    @Test
    void wireFormatIsTheDocumentedTaggedJson() {
        // SPEC T6: the form is stored durably, so it is pinned here.
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("s", "hi");
        args.put("z", true);
        args.put("c", 'q');
        args.put("b", (byte) -1);
        args.put("h", (short) 2);
        args.put("i", 3);
        args.put("l", 4L);
        args.put("f", 0.5f);
        args.put("d", Double.NaN);
        args.put("B", BigInteger.TEN);
        args.put("D", new BigDecimal("1.50"));
        args.put("u", new UUID(1, 2));
        args.put("t", Instant.ofEpochSecond(-1, 5));
        args.put("p", Duration.ofNanos(-1));
        args.put("y", new byte[] {1, 2, 3});
        args.put("L", List.of(1));
        args.put("M", Map.of("k", "v"));

        String json = new String(ValueMapCodec.encode(args), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"v\":1,\"args\":{"
                + "\"s\":[\"str\",\"hi\"],\"z\":[\"bool\",true],\"c\":[\"char\",\"q\"],\"b\":[\"i8\",-1],"
                + "\"h\":[\"i16\",2],\"i\":[\"i32\",3],\"l\":[\"i64\",4],\"f\":[\"f32\",\"0.5\"],"
                + "\"d\":[\"f64\",\"NaN\"],\"B\":[\"bigint\",\"10\"],\"D\":[\"decimal\",\"1.50\"],"
                + "\"u\":[\"uuid\",\"00000000-0000-0001-0000-000000000002\"],"
                + "\"t\":[\"instant\",[-1,5]],\"p\":[\"duration\",[-1,999999999]],\"y\":[\"bytes\",\"AQID\"],"
                + "\"L\":[\"list\",[[\"i32\",1]]],\"M\":[\"map\",{\"k\":[\"str\",\"v\"]}]}}");
    }

    // -------------------------------------------------------------------------------------- immutability, copies

    @Test
    void decodedStructuresAreDeeplyImmutable() {
        // SPEC T6
        Map<String, Object> decoded = ValueMapCodec.decode(ValueMapCodec.encode(everything()));
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) decoded.get("list");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) decoded.get("map");
        @SuppressWarnings("unchecked")
        List<Object> innerList = (List<Object>) map.get("a-second");

        assertThatThrownBy(() -> decoded.put("new", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> decoded.remove("string")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(decoded::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.add(1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.set(0, 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> innerList.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> decoded.entrySet().iterator().next().setValue(1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyDecodeHandsOutFreshByteArrays() {
        // SPEC T6
        byte[] encoded = ValueMapCodec.encode(Map.of("y", new byte[] {1, 2}));
        byte[] first = (byte[]) ValueMapCodec.decode(encoded).get("y");
        first[0] = 99;

        byte[] second = (byte[]) ValueMapCodec.decode(encoded).get("y");

        assertThat(second).isNotSameAs(first).containsExactly(1, 2);
    }

    @Test
    void deepCopyIsIndependentOfLaterMutationOfTheCallersStructures() {
        // SPEC T6: the instance's trigger details carry a deep copy.
        byte[] bytes = {1, 2, 3};
        List<Object> list = new ArrayList<>(List.of("a", "b"));
        Map<String, Object> nested = new HashMap<>(Map.of("n", 1));
        List<Object> listInMap = new ArrayList<>(List.of(bytes));
        nested.put("list", listInMap);
        Map<String, Object> args = new HashMap<>();
        args.put("bytes", bytes);
        args.put("list", list);
        args.put("nested", nested);

        Map<String, Object> copy = ValueMapCodec.deepCopy(args);
        bytes[0] = 42;
        list.add("c");
        list.set(0, "changed");
        nested.put("n", 2);
        nested.put("extra", true);
        listInMap.clear();
        args.put("late", "x");

        assertThat((byte[]) copy.get("bytes")).containsExactly(1, 2, 3);
        assertThat(copy.get("list")).isEqualTo(List.of("a", "b"));
        Map<?, ?> nestedCopy = (Map<?, ?>) copy.get("nested");
        assertThat(nestedCopy.get("n")).isEqualTo(1);
        assertThat(nestedCopy.containsKey("extra")).isFalse();
        assertThat((List<?>) nestedCopy.get("list")).hasSize(1);
        assertThat((byte[]) ((List<?>) nestedCopy.get("list")).get(0)).containsExactly(1, 2, 3);
        assertThat(copy).doesNotContainKey("late");
    }

    @Test
    void nullMapIsANullPointerException() {
        // SPEC T6
        assertThatThrownBy(() -> ValueMapCodec.encode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ValueMapCodec.deepCopy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ValueMapCodec.decode(null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------------------------------------ refused values

    /** A value that is not allowed, the type name the message must show. */
    static Stream<Arguments> disallowedValues() {
        return Stream.of(
                Arguments.of(new File("/tmp/x"), "java.io.File"),
                Arguments.of(new Date(0), "java.util.Date"),
                Arguments.of(Optional.of(1), "java.util.Optional"),
                Arguments.of(Optional.empty(), "java.util.Optional"),
                Arguments.of(new HashSet<>(Set.of(1)), "java.util.HashSet"),
                Arguments.of(Set.of(), Set.of().getClass().getTypeName()),
                Arguments.of(new int[] {1}, "int[]"),
                Arguments.of(new String[] {"a"}, "java.lang.String[]"),
                Arguments.of(new Object[0], "java.lang.Object[]"),
                Arguments.of(new Byte[] {1}, "java.lang.Byte[]"),
                Arguments.of(new byte[][] {{1}}, "byte[][]"),
                Arguments.of(new AtomicInteger(1), "java.util.concurrent.atomic.AtomicInteger"),
                Arguments.of(LocalDate.EPOCH, "java.time.LocalDate"),
                Arguments.of(TimeUnit.SECONDS, "java.util.concurrent.TimeUnit"),
                Arguments.of(new StringBuilder("sb"), "java.lang.StringBuilder"),
                Arguments.of(new Object(), "java.lang.Object"),
                Arguments.of(new Custom("c"), Custom.class.getTypeName()),
                Arguments.of(new SubDecimal(), SubDecimal.class.getTypeName()),
                Arguments.of(Thread.currentThread(), "java.lang.Thread"));
    }

    record Custom(String name) {
    }

    /** A BigDecimal subclass would come back as a plain BigDecimal, so it is refused. */
    static final class SubDecimal extends BigDecimal {
        SubDecimal() {
            super("1");
        }
    }

    @ParameterizedTest
    @MethodSource("disallowedValues")
    void aDisallowedTopLevelValueIsRefusedWithItsPath(Object value, String typeName) {
        // SPEC T6
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ok", 1);
        args.put("bad", value);

        assertThatThrownBy(() -> ValueMapCodec.encode(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"bad\"]: type " + typeName + " is not allowed; ")
                .hasMessageContaining(ALLOWED_PREFIX);
    }

    @ParameterizedTest
    @MethodSource("disallowedValues")
    void aDisallowedNestedValueIsRefusedWithItsFullPath(Object value, String typeName) {
        // SPEC T6
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("fine", "x");
        inner.put("deeper", List.of("a", value));
        Map<String, Object> args = Map.of("files", List.of("a", "b", inner));

        assertThatThrownBy(() -> ValueMapCodec.deepCopy(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"files\"][2][\"deeper\"][1]: type " + typeName + " is not allowed")
                .hasMessageContaining(ALLOWED_PREFIX);
    }

    @Test
    void theBriefsExampleMessage() {
        // SPEC T6
        Map<String, Object> args = Map.of("files", List.of("a", "b", new File("c")));

        assertThatThrownBy(() -> ValueMapCodec.encode(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"files\"][2]: type java.io.File is not allowed; allowed: String, "
                        + "Boolean, ");
    }

    @Test
    void nullValuesAreRefusedAtEveryLevel() {
        // SPEC T6
        Map<String, Object> top = new HashMap<>();
        top.put("n", null);
        Map<String, Object> nested = new HashMap<>();
        nested.put("inner", null);

        assertThatThrownBy(() -> ValueMapCodec.encode(top))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"n\"]: null is not allowed");
        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("list", Arrays.asList(1, null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"list\"][1]: null is not allowed");
        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("m", nested)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"m\"][\"inner\"]: null is not allowed");
    }

    @Test
    void nullKeysAreRefused() {
        // SPEC T6
        Map<String, Object> top = new HashMap<>();
        top.put(null, 1);
        Map<String, Object> nested = new HashMap<>();
        nested.put(null, 1);

        assertThatThrownBy(() -> ValueMapCodec.encode(top))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("arguments: a map key is null; keys must be non-null Strings");
        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("m", List.of(nested))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("arguments[\"m\"][0]: a map key is null; keys must be non-null Strings");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void nonStringKeysAreRefused() {
        // SPEC T6: generics are erased, so a raw map can smuggle any key in.
        Map raw = new HashMap();
        raw.put(42, "x");

        assertThatThrownBy(() -> ValueMapCodec.encode(raw))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("arguments: a map key of type java.lang.Integer is not allowed; keys must be Strings");
        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("m", Map.of(UUID.randomUUID(), 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("arguments[\"m\"]: a map key of type java.util.UUID is not allowed; keys must be Strings");
    }

    @Test
    void distinctButEqualStringKeysAreRefused() {
        // SPEC T6: an IdentityHashMap can hold "k" twice; JSON cannot.
        Map<String, Object> identity = new IdentityHashMap<>();
        identity.put(new String("k"), 1);
        identity.put(new String("k"), 2);

        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("m", identity)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"m\"]: the key \"k\" occurs twice");
    }

    @Test
    void pathsQuoteAwkwardKeys() {
        // SPEC T6: the path stays readable whatever the key holds.
        Map<String, Object> args = Map.of("a\"b\\c\nd", new Object());

        assertThatThrownBy(() -> ValueMapCodec.encode(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"a\\\"b\\\\c\\u000ad\"]: type java.lang.Object");
    }

    @Test
    void selfReferencingListIsRefusedClearly() {
        // SPEC T6: a clear message, not a StackOverflowError.
        List<Object> list = new ArrayList<>();
        list.add(1);
        list.add(list);

        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("loop", list)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("arguments[\"loop\"][1]: this List contains itself; self-referencing structures cannot be"
                        + " encoded");
    }

    @Test
    void selfReferencingMapsAreRefusedClearly() {
        // SPEC T6
        Map<String, Object> top = new HashMap<>();
        top.put("self", top);
        Map<String, Object> a = new HashMap<>();
        List<Object> b = new ArrayList<>();
        a.put("b", b);
        b.add(a);

        assertThatThrownBy(() -> ValueMapCodec.encode(top))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"self\"]: this Map contains itself");
        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("a", a)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"a\"][\"b\"][0]: this Map contains itself");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void nestingDeeperThanTheLimitIsRefused(boolean lists) {
        // SPEC T6
        Object value = 1;
        for (int depth = 0; depth <= ValueMapCodec.MAX_NESTING_DEPTH; depth++) {
            value = lists ? List.of(value) : Map.of("k", value);
        }
        Map<String, Object> args = Map.of("deep", value);

        Throwable thrown = catchThrowable(() -> ValueMapCodec.encode(args));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"deep\"]" + (lists ? "[0]" : "[\"k\"]"))
                .hasMessageEndingWith(": Lists and Maps are nested deeper than 32 levels");
    }

    @Test
    void veryDeepNestingGivesNoStackOverflow() {
        // SPEC T6
        Object value = 1;
        for (int depth = 0; depth < 100_000; depth++) {
            value = List.of(value);
        }
        Map<String, Object> args = Map.of("deep", value);

        assertThatThrownBy(() -> ValueMapCodec.encode(args)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than 32 levels");
    }

    // ------------------------------------------------------------------------------------------------ size limit

    @Test
    void theSizeLimitIsExactlyMaxEncodedBytes() {
        // SPEC T6: more than 64 KiB encoded throws; exactly 64 KiB is fine.
        int overhead = ValueMapCodec.encode(Map.of("k", "")).length;
        String fits = "x".repeat(ValueMapCodec.MAX_ENCODED_BYTES - overhead);
        String tooLong = fits + "x";

        byte[] atLimit = ValueMapCodec.encode(Map.of("k", fits));

        assertThat(atLimit).hasSize(ValueMapCodec.MAX_ENCODED_BYTES);
        assertThat(ValueMapCodec.decode(atLimit)).isEqualTo(Map.of("k", fits));
        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("k", tooLong)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("arguments encode to 65537 bytes, over the limit of 65536 bytes (SPEC T6)");
    }

    @Test
    void theLimitCountsEncodedBytesNotCharacters() {
        // SPEC T6: "水" is 3 UTF-8 bytes.
        int overhead = ValueMapCodec.encode(Map.of("k", "")).length;
        int chars = (ValueMapCodec.MAX_ENCODED_BYTES - overhead) / 3 + 1;

        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("k", "水".repeat(chars))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over the limit of 65536 bytes");
        assertThat(ValueMapCodec.encode(Map.of("k", "水".repeat(chars - 1))).length).isLessThanOrEqualTo(65536);
    }

    @Test
    void bytesJustUnderAndJustOverTheLimit() {
        // SPEC T6: byte[] grows by 4 encoded bytes per 3 raw bytes.
        int overhead = ValueMapCodec.encode(Map.of("k", new byte[0])).length;
        int fitting = (ValueMapCodec.MAX_ENCODED_BYTES - overhead) / 4 * 3;

        byte[] encoded = ValueMapCodec.encode(Map.of("k", new byte[fitting]));

        assertThat(encoded.length).isBetween(ValueMapCodec.MAX_ENCODED_BYTES - 3, ValueMapCodec.MAX_ENCODED_BYTES);
        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("k", new byte[fitting + 1])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over the limit of 65536 bytes");
    }

    @Test
    void aHugeValueIsRefusedWithoutEncodingAllOfIt() {
        // SPEC T6
        String huge = "x".repeat(20 * 1024 * 1024);

        assertThatThrownBy(() -> ValueMapCodec.encode(Map.of("k", huge)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("arguments encode to more than 1048576 bytes, over the limit of 65536 bytes (SPEC T6)");
    }

    @Test
    @Timeout(10)
    void aSharedStructureThatExpandsExponentiallyCostsBoundedWork() {
        // SPEC T6: 2^30 leaves if expanded; refused by size long before that.
        Object value = List.of(1);
        for (int depth = 0; depth < 30; depth++) {
            value = List.of(value, value);
        }
        Map<String, Object> args = Map.of("dag", value);

        assertThatThrownBy(() -> ValueMapCodec.encode(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over the limit of 65536 bytes");
    }

    @Test
    void validationErrorsArePreferredOverTheSizeWhenTheyComeFirst() {
        // SPEC T6: an oversized map that also holds a bad value names the bad value.
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("bad", new Object());
        args.put("big", "x".repeat(ValueMapCodec.MAX_ENCODED_BYTES));

        assertThatThrownBy(() -> ValueMapCodec.encode(args))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments[\"bad\"]: type java.lang.Object");
    }

    // ----------------------------------------------------------------------------------------- malformed input

    @Test
    void everyTruncationOfAValidEncodingIsRefused() {
        // SPEC T6, B2: a cut-off frame never decodes and never throws anything but IllegalArgumentException.
        byte[] valid = ValueMapCodec.encode(fuzzCorpus());

        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> ValueMapCodec.decode(truncated))
                    .as("prefix of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("malformed encoded arguments");
        }
    }

    @Test
    void randomBytesAreRefused() {
        // SPEC T6, B2
        Random random = new Random(42);
        for (int i = 0; i < 5000; i++) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            assertThatThrownBy(() -> ValueMapCodec.decode(noise))
                    .as("random input %d", i)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void mutatedEncodingsDecodeOrFailOnlyWithIllegalArgumentException() {
        // SPEC T6, B2: a flipped byte may still be valid, but it never escapes as another exception type.
        byte[] valid = ValueMapCodec.encode(fuzzCorpus());
        Random random = new Random(7);
        byte[] interesting = "[]{}\",:0-9eE.\\tfn\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 10_000; i++) {
            byte[] mutated = valid.clone();
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutated[random.nextInt(mutated.length)] = random.nextBoolean()
                        ? interesting[random.nextInt(interesting.length)]
                        : (byte) random.nextInt();
            }
            Throwable thrown = catchThrowable(() -> ValueMapCodec.decode(mutated));
            if (thrown != null) {
                assertThat(thrown).as("mutation %d", i).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    static Stream<Arguments> malformedDocuments() {
        return Stream.of(
                Arguments.of("", "expected a JSON object, found nothing"),
                Arguments.of("   ", "expected a JSON object, found nothing"),
                Arguments.of("null", "expected a JSON object, found a JSON null"),
                Arguments.of("[]", "expected a JSON object, found a JSON array"),
                Arguments.of("\"str\"", "expected a JSON object"),
                Arguments.of("{}", "no integer \"v\" format version"),
                Arguments.of("{\"v\":\"1\",\"args\":{}}", "no integer \"v\" format version"),
                Arguments.of("{\"v\":1.0,\"args\":{}}", "no integer \"v\" format version"),
                Arguments.of("{\"v\":2,\"args\":{}}", "format version 2 is not supported"),
                Arguments.of("{\"v\":99999999999999999999,\"args\":{}}", "is not supported"),
                Arguments.of("{\"v\":1}", "expected exactly the fields"),
                Arguments.of("{\"v\":1,\"args\":[]}", "expected exactly the fields"),
                Arguments.of("{\"v\":1,\"args\":null}", "expected exactly the fields"),
                Arguments.of("{\"v\":1,\"args\":{},\"x\":1}", "expected exactly the fields"),
                Arguments.of("{\"v\":1,\"args\":{}} x", "not valid JSON"),
                Arguments.of("{\"v\":1,\"args\":{}}{}", "not valid JSON"),
                Arguments.of("{\"v\":1,\"args\":{},}", "not valid JSON"),
                Arguments.of("{'v':1,'args':{}}", "not valid JSON"),
                Arguments.of("{\"v\":1,/*c*/\"args\":{}}", "not valid JSON"),
                Arguments.of("{\"v\":1,\"v\":1,\"args\":{}}", "not valid JSON"),
                Arguments.of(doc("\"a\":[\"i32\",1],\"a\":[\"i32\",2]"), "not valid JSON"),
                Arguments.of(doc("\"a\":1"), "at arguments[\"a\"]: expected a [tag, value] pair, found a JSON number"),
                Arguments.of(doc("\"a\":[]"), "expected a [tag, value] pair, found a JSON array"),
                Arguments.of(doc("\"a\":[\"str\"]"), "expected a [tag, value] pair"),
                Arguments.of(doc("\"a\":[\"str\",\"x\",\"y\"]"), "expected a [tag, value] pair"),
                Arguments.of(doc("\"a\":[1,\"x\"]"), "expected a [tag, value] pair"),
                Arguments.of(doc("\"a\":{\"str\":\"x\"}"), "found a JSON object"),
                Arguments.of(doc("\"a\":[\"nope\",1]"), "unknown tag \"nope\""),
                Arguments.of(doc("\"a\":[\"STR\",\"x\"]"), "unknown tag \"STR\""),
                Arguments.of(doc("\"a\":[\"str\",null]"), "str payload must be a JSON string, found a JSON null"),
                Arguments.of(doc("\"a\":[\"str\",1]"), "str payload must be a JSON string"),
                Arguments.of(doc("\"a\":[\"bool\",\"true\"]"), "bool payload must be a JSON boolean"),
                Arguments.of(doc("\"a\":[\"bool\",1]"), "bool payload must be a JSON boolean"),
                Arguments.of(doc("\"a\":[\"char\",\"\"]"), "exactly one UTF-16 unit, found 0"),
                Arguments.of(doc("\"a\":[\"char\",\"ab\"]"), "exactly one UTF-16 unit, found 2"),
                Arguments.of(doc("\"a\":[\"char\",97]"), "char payload must be a JSON string"),
                Arguments.of(doc("\"a\":[\"i8\",128]"), "i8 payload 128 is outside [-128, 127]"),
                Arguments.of(doc("\"a\":[\"i8\",-129]"), "i8 payload -129 is outside"),
                Arguments.of(doc("\"a\":[\"i16\",32768]"), "i16 payload 32768 is outside"),
                Arguments.of(doc("\"a\":[\"i32\",2147483648]"), "i32 payload 2147483648 is outside"),
                Arguments.of(doc("\"a\":[\"i32\",-2147483649]"), "is outside"),
                Arguments.of(doc("\"a\":[\"i64\",9223372036854775808]"), "i64 payload 9223372036854775808 is outside"),
                Arguments.of(doc("\"a\":[\"i64\",-99999999999999999999999]"), "is outside"),
                Arguments.of(doc("\"a\":[\"i32\",1.0]"), "i32 payload must be a JSON integer, found a JSON number"),
                Arguments.of(doc("\"a\":[\"i32\",1e2]"), "i32 payload must be a JSON integer"),
                Arguments.of(doc("\"a\":[\"i32\",\"1\"]"), "i32 payload must be a JSON integer, found a JSON string"),
                Arguments.of(doc("\"a\":[\"i32\",01]"), "not valid JSON"),
                Arguments.of(doc("\"a\":[\"i64\"," + "9".repeat(5000) + "]"), "not valid JSON"),
                Arguments.of(doc("\"a\":[\"f64\",1.5]"), "f64 payload must be a JSON string"),
                Arguments.of(doc("\"a\":[\"f64\",NaN]"), "not valid JSON"),
                Arguments.of(doc("\"a\":[\"f64\",\"nan\"]"), "is not a Java floating-point literal"),
                Arguments.of(doc("\"a\":[\"f64\",\"0x1p3\"]"), "is not a Java floating-point literal"),
                Arguments.of(doc("\"a\":[\"f64\",\"1.5d\"]"), "is not a Java floating-point literal"),
                Arguments.of(doc("\"a\":[\"f64\",\" 1.5\"]"), "is not a Java floating-point literal"),
                Arguments.of(doc("\"a\":[\"f64\",\"+1.5\"]"), "is not a Java floating-point literal"),
                Arguments.of(doc("\"a\":[\"f64\",\"\"]"), "is not a Java floating-point literal"),
                Arguments.of(doc("\"a\":[\"f64\",\"1E400\"]"), "overflows"),
                Arguments.of(doc("\"a\":[\"f32\",\"1.0E39\"]"), "overflows"),
                Arguments.of(doc("\"a\":[\"bigint\",\"007\"]"), "is not in canonical form"),
                Arguments.of(doc("\"a\":[\"bigint\",\"+5\"]"), "is not in canonical form"),
                Arguments.of(doc("\"a\":[\"bigint\",\"1.5\"]"), "does not parse"),
                Arguments.of(doc("\"a\":[\"bigint\",\"\"]"), "does not parse"),
                Arguments.of(doc("\"a\":[\"bigint\",5]"), "bigint payload must be a JSON string"),
                Arguments.of(doc("\"a\":[\"decimal\",\"1e3\"]"), "is not in canonical form"),
                Arguments.of(doc("\"a\":[\"decimal\",\"1E+99999999999\"]"), "does not parse"),
                Arguments.of(doc("\"a\":[\"decimal\",\"abc\"]"), "does not parse"),
                Arguments.of(doc("\"a\":[\"uuid\",\"1-1-1-1-1\"]"), "is not in canonical form"),
                Arguments.of(doc("\"a\":[\"uuid\",\"123E4567-E89B-12D3-A456-426614174000\"]"), "canonical form"),
                Arguments.of(doc("\"a\":[\"uuid\",\"not-a-uuid\"]"), "does not parse"),
                Arguments.of(doc("\"a\":[\"instant\",[1]]"), "instant payload must be [seconds, nanos]"),
                Arguments.of(doc("\"a\":[\"instant\",[1,2,3]]"), "instant payload must be [seconds, nanos]"),
                Arguments.of(doc("\"a\":[\"instant\",\"1970-01-01T00:00:00Z\"]"), "instant payload must be"),
                Arguments.of(doc("\"a\":[\"instant\",[\"0\",0]]"), "instant payload must be"),
                Arguments.of(doc("\"a\":[\"instant\",[0.5,0]]"), "instant payload must be"),
                Arguments.of(doc("\"a\":[\"instant\",[0,1000000000]]"), "nanos 1000000000 are outside"),
                Arguments.of(doc("\"a\":[\"instant\",[0,-1]]"), "nanos -1 are outside"),
                Arguments.of(doc("\"a\":[\"instant\",[0,99999999999]]"), "instant payload must be"),
                Arguments.of(doc("\"a\":[\"instant\",[31556889864403200,0]]"), "instant out of range"),
                Arguments.of(doc("\"a\":[\"instant\",[-31557014167219201,0]]"), "instant out of range"),
                Arguments.of(doc("\"a\":[\"instant\",[99999999999999999999,0]]"), "instant payload must be"),
                Arguments.of(doc("\"a\":[\"duration\",[0,-1]]"), "duration nanos -1 are outside"),
                Arguments.of(doc("\"a\":[\"duration\",{}]"), "duration payload must be [seconds, nanos]"),
                Arguments.of(doc("\"a\":[\"bytes\",\"!!!!\"]"), "bytes payload is not Base64"),
                Arguments.of(doc("\"a\":[\"bytes\",\"QQ\"]"), "not canonical padded Base64"),
                Arguments.of(doc("\"a\":[\"bytes\",\"QR==\"]"), "not canonical padded Base64"),
                Arguments.of(doc("\"a\":[\"bytes\",\"AQ\\nID\"]"), "bytes payload is not Base64"),
                Arguments.of(doc("\"a\":[\"bytes\",\"AQ-_\"]"), "bytes payload is not Base64"),
                Arguments.of(doc("\"a\":[\"bytes\",[1,2]]"), "bytes payload must be a JSON string"),
                Arguments.of(doc("\"a\":[\"list\",{}]"), "expected a JSON array, found a JSON object"),
                Arguments.of(doc("\"a\":[\"list\",null]"), "expected a JSON array, found a JSON null"),
                Arguments.of(doc("\"a\":[\"list\",[1]]"), "at arguments[\"a\"][0]: expected a [tag, value] pair"),
                Arguments.of(doc("\"a\":[\"map\",[]]"), "expected a JSON object, found a JSON array"),
                Arguments.of(doc("\"a\":[\"map\",{\"k\":[\"i32\",\"x\"]}]"), "at arguments[\"a\"][\"k\"]: i32"),
                Arguments.of(doc("\"a\":" + "[\"list\",[".repeat(33) + "[\"i32\",1]" + "]]".repeat(33)),
                        "nested deeper than 32 levels"),
                Arguments.of(doc("\"a\":" + "[\"map\",{\"k\":".repeat(33) + "[\"i32\",1]" + "}]".repeat(33)),
                        "nested deeper than 32 levels"),
                Arguments.of("[".repeat(30_000) + "]".repeat(30_000), "not valid JSON"));
    }

    private static String doc(String fields) {
        return "{\"v\":1,\"args\":{" + fields + "}}";
    }

    @ParameterizedTest
    @MethodSource("malformedDocuments")
    void malformedDocumentsAreRefusedWithAClearMessage(String json, String expectedMessagePart) {
        // SPEC T6, B2
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ValueMapCodec.decode(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed encoded arguments")
                .hasMessageContaining(expectedMessagePart);
    }

    @Test
    void theDocumentShapesTheEncoderNeverWritesButThatAreStillCorrectAreAccepted() {
        // SPEC T6: field order in the envelope does not matter; the limit depth itself is fine.
        String reordered = "{\"args\":{\"a\":[\"i32\",1]},\"v\":1}";
        String atDepth = doc("\"a\":" + "[\"list\",[".repeat(32) + "[\"i32\",1]" + "]]".repeat(32));

        assertThat(ValueMapCodec.decode(reordered.getBytes(StandardCharsets.UTF_8))).isEqualTo(Map.of("a", 1));
        assertThatCode(() -> ValueMapCodec.decode(atDepth.getBytes(StandardCharsets.UTF_8)))
                .doesNotThrowAnyException();
    }

    @Test
    void nonUtf8InputIsRefused() {
        // SPEC T6, B2: UTF-8 only; no sniffing of UTF-16, no CESU-8 surrogates, no overlong forms.
        byte[] utf16 = doc("").getBytes(StandardCharsets.UTF_16);
        byte[] cesuSurrogate = concat(doc("\"a\":[\"str\",\"").getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"]".getBytes(StandardCharsets.UTF_8));
        byte[] overlongSlash = concat(doc("\"a\":[\"str\",\"").getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"]".getBytes(StandardCharsets.UTF_8));

        for (byte[] input : List.of(utf16, cesuSurrogate, overlongSlash)) {
            assertThatThrownBy(() -> ValueMapCodec.decode(input))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("malformed encoded arguments: not valid UTF-8");
        }
    }

    @Test
    void oversizedInputIsRefusedBeforeParsing() {
        // SPEC T6, B2
        byte[] big = new byte[ValueMapCodec.MAX_ENCODED_BYTES + 1];
        Arrays.fill(big, (byte) ' ');

        assertThatThrownBy(() -> ValueMapCodec.decode(big))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformed encoded arguments: 65537 bytes, over the limit of 65536 bytes");
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] result = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, result, offset, part.length);
            offset += part.length;
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** Equal values of exactly the same classes, byte arrays by content, maps in the same key order. */
    private static void assertSameTree(Object expected, Object actual, String path) {
        if (expected instanceof byte[] bytes) {
            assertThat(actual).as(path).isInstanceOf(byte[].class);
            assertThat((byte[]) actual).as(path).isNotSameAs(bytes).containsExactly(bytes);
        } else if (expected instanceof List<?> list) {
            assertThat(actual).as(path).isInstanceOf(List.class);
            List<?> actualList = (List<?>) actual;
            assertThat(actualList).as(path).hasSameSizeAs(list);
            for (int i = 0; i < list.size(); i++) {
                assertSameTree(list.get(i), actualList.get(i), path + "[" + i + "]");
            }
        } else if (expected instanceof Map<?, ?> map) {
            assertThat(actual).as(path).isInstanceOf(Map.class);
            Map<?, ?> actualMap = (Map<?, ?>) actual;
            assertThat(new ArrayList<Object>(actualMap.keySet())).as(path + " keys")
                    .containsExactlyElementsOf(map.keySet());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                assertSameTree(entry.getValue(), actualMap.get(entry.getKey()), path + "[\"" + entry.getKey() + "\"]");
            }
        } else {
            assertThat(actual).as(path).isExactlyInstanceOf(expected.getClass()).isEqualTo(expected);
        }
    }
}
