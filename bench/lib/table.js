// Plain-text and Markdown tables, and the number formats the benchmark prints.

/** Microseconds from nanoseconds, with enough digits to compare rows. */
export function us(ns) {
  if (ns === undefined || ns === null) return 'n/a';
  const v = ns / 1000;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A ratio like `1.07×`. */
export function ratio(a, b) {
  if (a === undefined || a === null || !b) return '';
  return `${(a / b).toFixed(2)}×`;
}

/** Render rows (arrays of strings) under `headers`; `markdown` for a GitHub table. */
export function renderTable(headers, rows, markdown = false) {
  if (markdown) {
    const line = (cells) => `| ${cells.join(' | ')} |`;
    // Right-align the columns that hold numbers.
    const numeric = (i) => rows.some((r) => /^[\d.,]+/.test(String(r[i])));
    const rule = headers.map((_, i) => (i > 0 && numeric(i) ? '---:' : '---'));
    return [line(headers), line(rule), ...rows.map(line)].join('\n');
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (cells) =>
    cells
      .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join('  ');
  return [fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}
