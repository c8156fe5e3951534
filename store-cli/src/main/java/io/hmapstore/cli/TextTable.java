package io.hmapstore.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: columns padded to their widest cell, numbers right-aligned. */
final class TextTable {

    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param headers      the column titles
     * @param rightAligned per column, whether cells are right-aligned (numbers)
     */
    TextTable(String[] headers, boolean[] rightAligned) {
        if (headers.length != rightAligned.length) {
            throw new IllegalArgumentException("headers " + headers.length + " != alignments " + rightAligned.length);
        }
        this.headers = headers.clone();
        this.rightAligned = rightAligned.clone();
    }

    /** Adds a row with one cell per column. */
    void add(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.length
                    + " columns");
        }
        rows.add(cells.clone());
    }

    /** Prints the header, a rule and the rows. */
    void print(PrintWriter out) {
        int[] widths = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            widths[c] = headers[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        printRow(out, headers, widths);
        String[] rule = new String[headers.length];
        for (int c = 0; c < rule.length; c++) {
            rule[c] = "-".repeat(widths[c]);
        }
        printRow(out, rule, widths);
        for (String[] row : rows) {
            printRow(out, row, widths);
        }
    }

    private void printRow(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                line.append("  ");
            }
            String pad = " ".repeat(widths[c] - cells[c].length());
            line.append(rightAligned[c] ? pad + cells[c] : cells[c] + pad);
        }
        out.println(line.toString().stripTrailing());
    }
}
