/** Figures are right-aligned; phone numbers (`01 62 00 00 00`) are text. */
function isFigure(cell: string): boolean {
  return cell !== '' && /^-?[\d\s,.%]+$/.test(cell) && !/^0\d /.test(cell);
}

/** Renders rows as an aligned text table for terminals. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  // A loop, not Math.max(...): an audit's table has millions of rows, more than a call's arguments.
  const widths = headers.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  return [...tableHead(headers, widths), ...rows.map((row) => tableLine(row, widths))].join('\n');
}

/** The header and rule lines of a table whose columns are `widths` wide (see `renderTable`). */
export function tableHead(headers: readonly string[], widths: readonly number[]): [string, string] {
  return [tableLine(headers, widths), widths.map((w) => '-'.repeat(w)).join('  ')];
}

/** One line of a table whose columns are `widths` wide: figures right-aligned, text left. */
export function tableLine(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => (isFigure(c) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

/** RFC 4180 CSV with a header row; formulas are neutralised so that Excel does not run them. */
export function renderCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [headers.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n');
}

/** One cell of `renderCsv`: quoted when it must be, a formula neutralised by a leading `'`. */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@]/.test(text) && !/^[+-]?\d/.test(text)) text = `'${text}`;
  return /[",\n\r;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A French-style percentage: `27,4 %`. */
export function percent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '–';
  return `${(fraction * 100).toLocaleString('fr-FR', { minimumFractionDigits: digits, maximumFractionDigits: digits })} %`;
}

/** A French-style number with grouping: `12 345`. */
export function count(value: number | bigint): string {
  return Number(value)
    .toLocaleString('fr-FR')
    .replace(/\u202f|\u00a0/g, ' ');
}

/** JSON with bigints as numbers and dates as ISO strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? Number(v) : v));
}
