package dev.bgtasks.windows.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 5 and SPEC S3: arguments reach the task exactly, by the CommandLineToArgvW / C runtime rules. */
class WindowsCommandLineTest {

    /** Tricky arguments and the exact text they must become. */
    static Stream<Arguments> quotingTable() {
        return Stream.of(
                Arguments.of("plain", "plain"),
                Arguments.of("", "\"\""),
                Arguments.of("a b", "\"a b\""),
                Arguments.of("a\tb", "\"a\tb\""),
                Arguments.of("line\nbreak", "\"line\nbreak\""),
                Arguments.of("say \"hi\"", "\"say \\\"hi\\\"\""),
                Arguments.of("\"", "\"\\\"\""),
                Arguments.of("a\\b", "a\\b"),
                Arguments.of("a\\\\b", "a\\\\b"),
                Arguments.of("dir\\", "dir\\"),
                Arguments.of("C:\\Program Files\\", "\"C:\\Program Files\\\\\""),
                Arguments.of("a\\\"b", "\"a\\\\\\\"b\""),
                Arguments.of("\\\\server\\share", "\\\\server\\share"),
                Arguments.of("trailing \\\\", "\"trailing \\\\\\\\\""),
                Arguments.of("%PATH% & echo ^x | y", "\"%PATH% & echo ^x | y\""),
                Arguments.of("ünïcødé ✓", "\"ünïcødé ✓\""),
                Arguments.of("\\", "\\"),
                Arguments.of(" ", "\" \""));
    }

    @ParameterizedTest
    @MethodSource("quotingTable")
    void quotesEachArgumentExactly(String argument, String expected) {
        assertThat(WindowsCommandLine.quoteArgument(argument)).isEqualTo(expected);
        assertThat(WindowsCommandLine.parseArguments(expected)).containsExactly(argument);
    }

    @Test
    void wholeCommandRoundTrips() {
        List<String> command = new ArrayList<>(List.of("C:\\Program Files\\Java\\bin\\java.exe"));
        quotingTable().forEach(a -> command.add((String) a.get()[0]));
        String line = WindowsCommandLine.quote(command);
        assertThat(line).startsWith("\"C:\\Program Files\\Java\\bin\\java.exe\" plain \"\" \"a b\"");
        assertThat(WindowsCommandLine.parse(line)).isEqualTo(command);
    }

    /** The examples of Microsoft's "Parsing C command-line arguments" page (argv[1] on). */
    static Stream<Arguments> microsoftExamples() {
        return Stream.of(
                Arguments.of("\"a b c\" d e", List.of("a b c", "d", "e")),
                Arguments.of("\"ab\\\"c\" \"\\\\\" d", List.of("ab\"c", "\\", "d")),
                Arguments.of("a\\\\\\b d\"e f\"g h", List.of("a\\\\\\b", "de fg", "h")),
                Arguments.of("a\\\\\\\"b c d", List.of("a\\\"b", "c", "d")),
                Arguments.of("a\\\\\\\\\"b c\" d e", List.of("a\\\\b c", "d", "e")),
                Arguments.of("a\"b\"\" c d", List.of("ab\" c d")));
    }

    @ParameterizedTest
    @MethodSource("microsoftExamples")
    void parsesLikeTheDocumentedExamples(String line, List<String> expected) {
        assertThat(WindowsCommandLine.parseArguments(line)).isEqualTo(expected);
        // And quoting what came out reads back the same.
        List<String> command = new ArrayList<>(List.of("prog"));
        command.addAll(expected);
        assertThat(WindowsCommandLine.parse(WindowsCommandLine.quote(command))).isEqualTo(command);
    }

    @Test
    void programNameEndsAtTheClosingQuoteWithLiteralBackslashes() {
        assertThat(WindowsCommandLine.parse("\"C:\\dir with space\\\" x")).containsExactly("C:\\dir with space\\", "x");
        assertThat(WindowsCommandLine.quote(List.of("C:\\dir with space\\", "x")))
                .isEqualTo("\"C:\\dir with space\\\" x");
        assertThat(WindowsCommandLine.quote(List.of("C:\\bin\\tool.exe"))).isEqualTo("C:\\bin\\tool.exe");
    }

    @Test
    void randomArgumentsRoundTrip() {
        Random random = new Random(20261125);
        char[] alphabet = {'a', 'Z', ' ', '\t', '"', '\\', '\\', '\n', '%', '^', '&', 'é'};
        for (int round = 0; round < 2000; round++) {
            List<String> command = new ArrayList<>(List.of("C:\\tools\\p.exe"));
            int count = random.nextInt(5);
            for (int i = 0; i < count; i++) {
                StringBuilder arg = new StringBuilder();
                int length = random.nextInt(8);
                for (int j = 0; j < length; j++) {
                    arg.append(alphabet[random.nextInt(alphabet.length)]);
                }
                command.add(arg.toString());
            }
            assertThat(WindowsCommandLine.parse(WindowsCommandLine.quote(command))).as("round %d", round)
                    .isEqualTo(command);
        }
    }

    @Test
    void rejectsWhatACommandLineCannotCarry() {
        assertThatThrownBy(() -> WindowsCommandLine.quote(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> WindowsCommandLine.quote(List.of("a\"b.exe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("double quote");
        assertThatThrownBy(() -> WindowsCommandLine.quote(List.of("", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("program name");
        assertThatThrownBy(() -> WindowsCommandLine.quote(List.of("p", "nul\0here")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> WindowsCommandLine.quote(List.of("p", "x".repeat(WindowsCommandLine.MAX_LENGTH))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32766");
    }
}
