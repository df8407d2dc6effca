package dev.bgtasks.windows.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns an argument vector into the one command-line string {@code CreateProcessW} takes, so that a program
 * splitting it with {@code CommandLineToArgvW} or the Microsoft C runtime (2008 and later) gets the same vector back;
 * and splits such a string by those rules. No shell is involved: {@code cmd.exe} has rules of its own ({@code ^},
 * {@code %}, {@code &}) and is never used (SPEC S3).
 *
 * <p>The rules: arguments are separated by spaces or tabs; an argument with a space, tab, newline or quote, or an
 * empty one, is put in double quotes; inside, a quote is written {@code \"}, and backslashes are doubled only where
 * they come before a quote (an escaped one, or the closing one). The program name (the first element) follows
 * different rules: it ends at the next quote, backslashes are literal, so it cannot hold a quote at all.
 *
 * <pre>{@code
 * String line = WindowsCommandLine.quote(List.of("C:\\Program Files\\app.exe", "a b", "say \"hi\"", "dir\\"));
 * // "C:\Program Files\app.exe" "a b" "say \"hi\"" dir\
 * List<String> back = WindowsCommandLine.parse(line);   // the same four arguments
 * }</pre>
 */
final class WindowsCommandLine {
    /** {@code CreateProcessW} takes at most 32,767 characters, the terminating NUL included. */
    public static final int MAX_LENGTH = 32_766;

    private WindowsCommandLine() {
    }

    /**
     * Quotes a whole command: the program name, then its arguments.
     *
     * @throws IllegalArgumentException when the command is empty, an element holds a NUL, the program name holds a
     *         quote or is empty, or the line is longer than {@link #MAX_LENGTH}
     */
    public static String quote(List<String> command) {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        StringBuilder line = new StringBuilder();
        appendProgram(line, command.get(0));
        for (String argument : command.subList(1, command.size())) {
            line.append(' ');
            appendArgument(line, argument);
        }
        if (line.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the command line is " + line.length()
                    + " characters long; Windows takes at most " + MAX_LENGTH);
        }
        return line.toString();
    }

    /** Quotes one argument (not the program name) by the C runtime's rules. */
    public static String quoteArgument(String argument) {
        StringBuilder out = new StringBuilder();
        appendArgument(out, argument);
        return out.toString();
    }

    private static void appendProgram(StringBuilder line, String program) {
        Objects.requireNonNull(program, "program");
        rejectNul(program, 0);
        if (program.isEmpty()) {
            throw new IllegalArgumentException("the program name (argument 0) is empty");
        }
        if (program.indexOf('"') >= 0) {
            // The program name ends at the next quote and knows no escape, so a quote cannot be passed in it.
            throw new IllegalArgumentException("the program name (argument 0) cannot contain a double quote: "
                    + program);
        }
        if (needsQuotes(program)) {
            line.append('"').append(program).append('"');
        } else {
            line.append(program);
        }
    }

    private static void appendArgument(StringBuilder out, String argument) {
        Objects.requireNonNull(argument, "argument");
        rejectNul(argument, -1);
        if (!argument.isEmpty() && !needsQuotes(argument)) {
            out.append(argument);
            return;
        }
        out.append('"');
        int backslashes = 0;
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            if (c == '\\') {
                backslashes++;
                continue;
            }
            if (c == '"') {
                // 2n+1 backslashes then the quote: n literal backslashes and a literal quote.
                out.append("\\".repeat(backslashes * 2 + 1)).append('"');
            } else {
                out.append("\\".repeat(backslashes)).append(c);
            }
            backslashes = 0;
        }
        // Backslashes before the closing quote are doubled, else they would escape it.
        out.append("\\".repeat(backslashes * 2)).append('"');
    }

    private static boolean needsQuotes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '"') {
                return true;
            }
        }
        return false;
    }

    private static void rejectNul(String s, int index) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException((index == 0 ? "the program name" : "an argument")
                    + " contains a NUL character, which a Windows command line cannot carry");
        }
    }

    /**
     * Splits a whole command line as {@code CommandLineToArgvW} does: the program name by its own rule, then the
     * arguments by {@link #parseArguments}.
     */
    public static List<String> parse(String line) {
        Objects.requireNonNull(line, "line");
        List<String> out = new ArrayList<>();
        int i = 0;
        StringBuilder program = new StringBuilder();
        if (i < line.length() && line.charAt(i) == '"') {
            i++;
            while (i < line.length() && line.charAt(i) != '"') {
                program.append(line.charAt(i++));
            }
            i++;
        } else {
            while (i < line.length() && !isBlank(line.charAt(i))) {
                program.append(line.charAt(i++));
            }
        }
        out.add(program.toString());
        if (i < line.length()) {
            out.addAll(parseArguments(line.substring(i)));
        }
        return out;
    }

    /**
     * Splits the arguments after the program name by the rules of the Microsoft C runtime (2008 and later): blanks
     * separate outside quotes; n backslashes before a quote give n/2 backslashes, and the quote is literal when n is
     * odd, else it opens or closes a quoted part; inside a quoted part {@code ""} is a literal quote; other
     * backslashes are literal.
     */
    public static List<String> parseArguments(String text) {
        Objects.requireNonNull(text, "text");
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && isBlank(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            StringBuilder arg = new StringBuilder();
            boolean quoted = false;
            while (i < n) {
                char c = text.charAt(i);
                if (!quoted && isBlank(c)) {
                    break;
                }
                if (c == '\\') {
                    int start = i;
                    while (i < n && text.charAt(i) == '\\') {
                        i++;
                    }
                    int count = i - start;
                    if (i < n && text.charAt(i) == '"') {
                        arg.append("\\".repeat(count / 2));
                        if (count % 2 == 1) {
                            arg.append('"');
                            i++;
                        }
                    } else {
                        arg.append("\\".repeat(count));
                    }
                    continue;
                }
                if (c == '"') {
                    if (quoted && i + 1 < n && text.charAt(i + 1) == '"') {
                        arg.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = !quoted;
                    i++;
                    continue;
                }
                arg.append(c);
                i++;
            }
            out.add(arg.toString());
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
