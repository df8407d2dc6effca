package dev.bgtasks.arguments;

import java.util.Locale;

/**
 * How keys and payloads appear in error messages: quoted, control characters escaped, long texts cut to 80
 * characters (values may be large or private).
 *
 * <pre>{@code
 * Quoting.quote("a\"b");   // "a\"b", with the quotes
 * }</pre>
 */
final class Quoting {
    private Quoting() {
    }

    static String quote(String text) {
        String shown = abbreviate(text);
        StringBuilder quoted = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    static String abbreviate(String text) {
        int max = 80;
        return text.length() <= max ? text : text.substring(0, max) + "…(" + text.length() + " chars)";
    }
}
