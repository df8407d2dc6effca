package dev.bgtasks.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The run token's one definition: environment matching, hashing and fresh tokens (SPEC S2, B6). */
class RunTokenTest {
    private static byte[] environ(String... entries) {
        return (String.join("\0", entries) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void environMatchesWholeEntriesOnly() {
        byte[] env = environ("PATH=/usr/bin", "BGTASKS_RUN_TOKEN=abc123", "HOME=/root");
        assertThat(RunToken.hasEntry(env, "BGTASKS_RUN_TOKEN=abc123")).isTrue();
        assertThat(RunToken.hasEntry(env, "BGTASKS_RUN_TOKEN=abc")).isFalse();
        assertThat(RunToken.hasEntry(env, "BGTASKS_RUN_TOKEN=abc1234")).isFalse();
        assertThat(RunToken.hasEntry(env, "RUN_TOKEN=abc123")).isFalse();
        assertThat(RunToken.hasEntry(environ("X_BGTASKS_RUN_TOKEN=abc123"), "BGTASKS_RUN_TOKEN=abc123"))
                .isFalse();
        assertThat(RunToken.hasEntry(environ("A=1", "B=2"), "B=2")).isTrue();
        // The last entry without its trailing NUL, and an empty environment.
        assertThat(RunToken.hasEntry("A=1\0B=2".getBytes(StandardCharsets.UTF_8), "B=2")).isTrue();
        assertThat(RunToken.hasEntry(new byte[0], "B=2")).isFalse();
        assertThat(RunToken.hasEntry(environ("A=1"), "")).isFalse();
    }

    @Test
    void aTokenIsCarriedOnlyUnderItsOwnVariable() {
        assertThat(RunToken.isCarriedBy(environ("HOME=/root", "BGTASKS_RUN_TOKEN=t1"), "t1")).isTrue();
        assertThat(RunToken.isCarriedBy(environ("OTHER=t1"), "t1")).isFalse();
        assertThat(RunToken.isCarriedBy(environ("BGTASKS_RUN_TOKEN="), "")).isFalse();
        assertThat(RunToken.environmentEntry("abc")).isEqualTo("BGTASKS_RUN_TOKEN=abc");
    }

    @Test
    void theHashIsStableHexOfTheAskedLengthAndHidesTheToken() {
        String token = "secret-token";
        assertThat(RunToken.hashHex(token, 16)).hasSize(32).matches("[0-9a-f]+").doesNotContain(token)
                .isEqualTo(RunToken.hashHex(token, 16)).startsWith(RunToken.hashHex(token, 8));
        // SHA-256("abc") starts ba7816bf: the digest is the standard one, so other tools can derive the same name.
        assertThat(RunToken.hashHex("abc", 4)).isEqualTo("ba7816bf");
        assertThatThrownBy(() -> RunToken.hashHex(token, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunToken.hashHex(token, 33)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newTokensAreUrlSafeAndDistinct() {
        String a = RunToken.newToken();
        assertThat(a).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(RunToken.newToken());
    }

    @Test
    void aProcessWhoseEnvironmentReadsEmptyMidExecIsReadAgain() { // SPEC B3, B6: an orphan mid-exec is still ours
        Queue<Optional<byte[]>> reads = new ArrayDeque<>(List.of(Optional.of(new byte[0]), Optional.of(new byte[0]),
                Optional.of(environ("HOME=/root", "BGTASKS_RUN_TOKEN=t1"))));
        assertThat(RunToken.isCarriedByProcess(reads::remove, "t1")).isTrue();
        assertThat(reads).isEmpty();
    }

    @Test
    void aGoneProcessIsNotReadAgainAndAnEmptyEnvironmentEndsAsNo() {
        AtomicInteger gone = new AtomicInteger();
        assertThat(RunToken.isCarriedByProcess(() -> {
            gone.incrementAndGet();
            return Optional.empty();
        }, "t1")).isFalse();
        assertThat(gone).hasValue(1);

        AtomicInteger empty = new AtomicInteger();
        assertThat(RunToken.isCarriedByProcess(() -> {
            empty.incrementAndGet();
            return Optional.of(new byte[0]);
        }, "t1")).isFalse();
        assertThat(empty.get()).isGreaterThan(1);
        assertThat(RunToken.isCarriedByProcess(() -> Optional.of(environ("BGTASKS_RUN_TOKEN=t2")), "t1")).isFalse();
    }
}
