package dev.accord.ctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Columns aligned with two spaces between them; the last column is not padded. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  /** A table with these column headings (empty headings: a table without a heading line). */
  Table(String... headings) {
    this.columns = headings.length;
    if (Arrays.stream(headings).anyMatch(heading -> !heading.isEmpty())) {
      rows.add(headings);
    }
  }

  Table row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "a row of " + cells.length + " cells in a table of " + columns + " columns");
    }
    rows.add(
        Arrays.stream(cells).map(cell -> printable(String.valueOf(cell))).toArray(String[]::new));
    return this;
  }

  /** A value on one line: a line break in a name or an error message would break the columns. */
  private static String printable(String cell) {
    return cell.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
  }

  void print(PrintWriter out) {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
