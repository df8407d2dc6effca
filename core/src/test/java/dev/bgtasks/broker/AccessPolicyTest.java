package dev.bgtasks.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void aMalformedFileDeniesNothingAndNamesTheFile(String content) throws Exception { // SPEC A2
        Path file = Files.writeString(dir.resolve("bad.json"), content);
        AccessPolicy policy = AccessPolicy.load(file);
        assertThat(policy.error()).get().asString().contains(file.toString()).contains("malformed");
        assertThat(policy.denies("com.a")).isFalse();
    }
}
