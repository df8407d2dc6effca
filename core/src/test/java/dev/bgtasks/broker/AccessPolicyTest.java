package dev.bgtasks.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessPolicyTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileDeniesNothingAndIsNoError() { // SPEC A2
        AccessPolicy policy = AccessPolicy.load(dir.resolve("absent.json"));
        assertThat(policy.error()).isEmpty();
        assertThat(policy.denies("com.example.notes")).isFalse();
    }

    @Test
    void namesAndPrefixesDeny() throws Exception { // SPEC A2
        Path file = Files.writeString(dir.resolve("p.json"), "{\"deniedApps\": [\"com.a\", \"org.b.*\"]}");
        AccessPolicy policy = AccessPolicy.load(file);
        assertThat(policy.denies("com.a")).isTrue();
        assertThat(policy.denies("com.ab")).isFalse();
        assertThat(policy.denies("org.b.tool")).isTrue();
        assertThat(policy.denies("org.bb")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{}", "{\"deniedApps\": 3}", "{\"deniedApps\": [1]}",
            "{\"deniedApps\": [\"\"]}", "{\"deniedApps\": []} trailing"})
    void aMalformedFileWithNoGoodPolicyBeforeDeniesEveryAppAndNamesTheFile(String content) throws Exception {
        // SPEC A5
        Path file = Files.writeString(dir.resolve("bad.json"), content);
        AccessPolicy policy = AccessPolicy.load(file);
        assertThat(policy.error()).get().asString().contains(file.toString()).contains("malformed")
                .contains("every app is denied");
        assertThat(policy.deniesEveryApp()).isTrue();
        assertThat(policy.denies("com.a")).isTrue();
        assertThat(AccessPolicy.check(file)).get().asString().contains(file.toString()).contains("malformed");
    }

    @Test
    void aMalformedFileKeepsTheLastGoodPolicyAndAFixLiftsIt() throws Exception { // SPEC A5
        Path file = Files.writeString(dir.resolve("p.json"), "{\"deniedApps\": [\"com.a\"]}");
        AccessPolicy good = AccessPolicy.load(file);
        Files.writeString(file, "{\"deniedApps\": [\"com.a\"");

        AccessPolicy broken = AccessPolicy.load(file, good);
        AccessPolicy stillBroken = AccessPolicy.load(file, broken);

        for (AccessPolicy p : List.of(broken, stillBroken)) {
            assertThat(p.error()).get().asString().contains(file.toString()).contains("malformed")
                    .contains("last good policy stays in force").contains("com.a");
            assertThat(p.deniesEveryApp()).isFalse();
            assertThat(p.denies("com.a")).isTrue();
            assertThat(p.denies("com.b")).isFalse();
        }
        Files.writeString(file, "{\"deniedApps\": [\"com.b\"]}");
        AccessPolicy fixed = AccessPolicy.load(file, stillBroken);
        assertThat(fixed.error()).isEmpty();
        assertThat(fixed.denies("com.a")).isFalse();
        assertThat(fixed.denies("com.b")).isTrue();
    }

    @Test
    void aBrokenFileAfterABrokenStartStillDeniesEveryApp() throws Exception { // SPEC A5
        Path file = Files.writeString(dir.resolve("p.json"), "nope");
        AccessPolicy first = AccessPolicy.load(file);
        Files.writeString(file, "still nope");
        assertThat(AccessPolicy.load(file, first).deniesEveryApp()).isTrue();
    }

    @Test
    void anUnreadableFileFailsClosedToo() throws Exception { // SPEC A5
        Path file = Files.createDirectory(dir.resolve("policy.json"));
        AccessPolicy policy = AccessPolicy.load(file);
        assertThat(policy.error()).get().asString().contains(file.toString()).contains("unreadable");
        assertThat(policy.denies("com.a")).isTrue();
        assertThat(AccessPolicy.load(file, AccessPolicy.load(dir.resolve("absent.json"))).denies("com.a")).isFalse();
    }

    @Test
    void aFileThatIsGoodOrAbsentHasNothingToCheck() throws Exception { // SPEC A5
        assertThat(AccessPolicy.check(dir.resolve("absent.json"))).isEmpty();
        assertThat(AccessPolicy.check(Files.writeString(dir.resolve("p.json"), "{\"deniedApps\": []}"))).isEmpty();
    }
}
