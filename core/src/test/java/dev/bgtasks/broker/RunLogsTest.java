package dev.bgtasks.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC B7: a run log keeps at most its bound, its head and its tail, with the cut marked. */
class RunLogsTest {
    private static final int MAX = 64 * 1024;

    @TempDir
    Path dir;

    private static String lines(String prefix, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(prefix).append(' ').append(i).append('\n');
        }
        return text.toString();
    }

    @Test
    void aLogWithinTheBoundIsLeftAlone() throws IOException { // SPEC B7
        Path log = dir.resolve("a.log");
        Files.writeString(log, lines("small", 100));
        String before = Files.readString(log);
        assertThat(new RunLogs(MAX).trimEnded(log)).isFalse();
        assertThat(new RunLogs(MAX).capRunning(log)).isFalse();
        assertThat(Files.readString(log)).isEqualTo(before);
        assertThat(new RunLogs(MAX).trimEnded(dir.resolve("missing.log"))).isFalse();
    }

    @Test
    void anEndedLogKeepsItsHeadAndTailWithTheCutMarked() throws IOException { // SPEC B7
        Path log = dir.resolve("a.log");
        Files.writeString(log, lines("line", 50_000));
        long before = Files.size(log);

        assertThat(new RunLogs(MAX).trimEnded(log)).isTrue();

        String text = Files.readString(log);
        assertThat(Files.size(log)).isLessThanOrEqualTo(MAX);
        assertThat(text).startsWith("line 0\nline 1\n").endsWith("line 49998\nline 49999\n");
        assertThat(text).containsOnlyOnce("[bgtasks: output cut here: ");
        int cut = text.indexOf("\n[bgtasks: output cut here: ");
        assertThat(text.substring(0, cut + 1)).endsWith("\n"); // the cut falls on line ends
        String afterMarker = text.substring(text.indexOf("bytes]\n", cut) + "bytes]\n".length());
        assertThat(afterMarker).startsWith("line ");
        long dropped = Long.parseLong(text.substring(cut + "\n[bgtasks: output cut here: ".length(),
                cut + "\n[bgtasks: output cut here: ".length() + 12));
        assertThat(dropped + Files.size(log) - markerLength(text, cut)).isEqualTo(before);
    }

    @Test
    void aRunningTasksLogIsCutToItsHeadAndItsLaterOutputFollowsTheMarker() throws IOException { // SPEC B7
        Path log = dir.resolve("a.log");
        RunLogs logs = new RunLogs(MAX);
        Files.writeString(log, lines("early", 10_000));
        assertThat(logs.capRunning(log)).isTrue();
        assertThat(Files.size(log)).isLessThanOrEqualTo(MAX / 2 + 200);

        // The task goes on appending, as its stdout does (O_APPEND): its output lands after the marker.
        Files.writeString(log, lines("late", 20_000), StandardOpenOption.APPEND);
        assertThat(logs.capRunning(log)).isTrue();
        Files.writeString(log, lines("last", 10_000), StandardOpenOption.APPEND);
        assertThat(logs.trimEnded(log)).isTrue();

        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(Files.size(log)).isLessThanOrEqualTo(MAX);
        assertThat(text).startsWith("early 0\n").endsWith("last 9999\n").containsOnlyOnce("[bgtasks: output cut");
        assertThat(text).doesNotContain("late 19999\n"); // cut while running, with everything after the head
    }

    private static int markerLength(String text, int cut) {
        return text.indexOf("bytes]\n", cut) + "bytes]\n".length() - cut;
    }
}
