package dev.bgtasks.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A GitHub-flavoured Markdown table; a {@code |} or a line break inside a cell is escaped so it cannot split the
 * row.
 *
 * <pre>{@code
 * String text = new MarkdownTable(List.of("figure", "result"))
 *         .row(List.of("spawn", "1.2 ms"))
 *         .render();
 * }</pre>
 */
final class MarkdownTable {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public MarkdownTable(List<String> headers) {
        if (headers.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.headers = List.copyOf(headers);
    }

    /** Adds a row; it must have one cell per column. */
    public MarkdownTable row(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("a row of " + cells.size() + " cells in a table of "
                    + headers.size() + " columns: " + cells);
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /** The table, one line per row, ending with a line break. */
    public String render() {
        StringBuilder out = new StringBuilder();
        line(out, headers);
        out.append('|');
        for (int i = 0; i < headers.size(); i++) {
            out.append("---|");
        }
        out.append('\n');
        for (List<String> row : rows) {
            line(out, row);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append('|');
        for (String cell : cells) {
            out.append(' ').append(escape(cell)).append(" |");
        }
        out.append('\n');
    }

    static String escape(String cell) {
        return (cell == null ? "" : cell).replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>");
    }
}
