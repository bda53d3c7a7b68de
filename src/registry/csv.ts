import { parse } from 'csv-parse/sync';
import { zonedToUtc } from '../law/time.ts';
import { type Parsed, parseDateTime } from './datetime.ts';
import { normalisePhone } from '../numbering/phone.ts';
import type { RowError } from './model.ts';

/** The separator of a delimited text: whichever of `,` `;` tab appears most in its header line, outside quotes. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch] += 1;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/** One data row of a table, its fields looked up by lower-cased column name. */
export interface TableRow {
  readonly line: number;
  get(name: string): string;
}

export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly TableRow[];
  readonly errors: RowError[];
}

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/** The records of csv-parse with `info: true`: each record with its info snapshot. */
function parseWithInfo(text: string, delimiter: string): ParsedRecord[] {
  return parse(text, {
    delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
  }) as unknown as ParsedRecord[];
}

/**
 * Reads a delimited text with a header row (`,` `;` or tab, BOM, quotes, CRLF); decoding from
 * Windows-1252 is the caller's job. Columns are matched by name, case-insensitively.
 */
export function readTable(text: string, file: string, required: readonly string[]): Table {
  const errors: RowError[] = [];
  let records: ParsedRecord[];
  try {
    records = parseWithInfo(text, detectDelimiter(text.replace(/^\uFEFF/, '')));
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    errors.push({
      file,
      line: typeof line === 'number' ? line : 0,
      field: '',
      message: `unreadable CSV: ${error instanceof Error ? error.message : String(error)}`,
    });
    return { columns: [], rows: [], errors };
  }
  const [header, ...data] = records;
  if (header === undefined) return { columns: [], rows: [], errors };
  const columns = header.record.map((name) => name.trim().toLowerCase());
  const missing = required.filter((name) => !columns.includes(name));
  for (const name of missing) errors.push({ file, line: 1, field: name, message: 'missing column' });
  if (missing.length > 0) return { columns, rows: [], errors };
  const index = new Map<string, number>();
  columns.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const rows = data.map(
    ({ record, info }): TableRow => ({
      line: info.lines,
      get(name: string): string {
        const i = index.get(name);
        return i === undefined ? '' : (record[i] ?? '').trim();
      },
    }),
  );
  return { columns, rows, errors };
}

export { type Parsed, type ParsedDate, parseDateTime } from './datetime.ts';

const TRUE = new Set(['oui', 'true', '1', 'yes', 'o', 'y', 'vrai']);
const FALSE = new Set(['non', 'false', '0', 'no', 'n', 'faux']);

export function parseBoolean(text: string): Parsed<boolean> {
  const lower = text.toLowerCase();
  if (TRUE.has(lower)) return { ok: true, value: true };
  if (FALSE.has(lower)) return { ok: true, value: false };
  return { ok: false, message: `not a boolean "${text}" (oui/non, true/false, 1/0)` };
}

export function parsePhone(text: string): Parsed<string> {
  const result = normalisePhone(text);
  return result.ok
    ? { ok: true, value: result.value }
    : { ok: false, message: `unreadable phone number "${text}"` };
}

/** Collects field errors for one row and turns them into `RowError`s. */
export class RowReader {
  readonly #row: TableRow;
  readonly #file: string;
  readonly #errors: RowError[];
  readonly #timeZone: string;
  failed = false;

  constructor(row: TableRow, file: string, errors: RowError[], timeZone: string) {
    this.#row = row;
    this.#file = file;
    this.#errors = errors;
    this.#timeZone = timeZone;
  }

  fail(field: string, message: string): void {
    this.failed = true;
    this.#errors.push({ file: this.#file, line: this.#row.line, field, message });
  }

  text(field: string): string | null {
    const value = this.#row.get(field);
    return value === '' ? null : value;
  }

  requiredText(field: string): string {
    const value = this.#row.get(field);
    if (value === '') this.fail(field, 'required value missing');
    return value;
  }

  phone(field: string): string {
    const value = this.#row.get(field);
    if (value === '') {
      this.fail(field, 'required value missing');
      return '';
    }
    const parsed = parsePhone(value);
    if (!parsed.ok) {
      this.fail(field, parsed.message);
      return '';
    }
    return parsed.value;
  }

  /** An instant; an end (`end: true`) written as a date alone covers its whole day. */
  date(field: string, options: { required: boolean; end?: boolean }): number | null {
    const value = this.#row.get(field);
    if (value === '') {
      if (options.required) this.fail(field, 'required value missing');
      return null;
    }
    const parsed = parseDateTime(value, this.#timeZone);
    if (!parsed.ok) {
      this.fail(field, parsed.message);
      return null;
    }
    const { ms, dateOnly } = parsed.value;
    if (options.end === true && dateOnly) return nextDayStart(ms, this.#timeZone);
    return ms;
  }

  boolean(field: string, fallback: boolean): boolean {
    const value = this.#row.get(field);
    if (value === '') return fallback;
    const parsed = parseBoolean(value);
    if (!parsed.ok) {
      this.fail(field, parsed.message);
      return fallback;
    }
    return parsed.value;
  }

  integer(field: string): number | null {
    const value = this.#row.get(field).replace(/[\s\u00a0\u202f]/g, '');
    if (value === '') return null;
    if (!/^\d+$/.test(value)) {
      this.fail(field, `not a whole number "${value}"`);
      return null;
    }
    return Number(value);
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T | null): T | null {
    const value = this.#row.get(field).toLowerCase();
    if (value === '') return fallback;
    const found = allowed.find((a) => a === value);
    if (found === undefined) this.fail(field, `"${value}" is not one of ${allowed.join(', ')}`);
    return found ?? fallback;
  }
}

/** The start of the day after the local day that starts at `dayStart` in `timeZone`. */
function nextDayStart(dayStart: number, timeZone: string): number {
  const approx = new Date(dayStart + 36 * 3_600_000);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(approx)
    .split('-')
    .map(Number);
  return zonedToUtc({ year: parts[0] ?? 1970, month: parts[1] ?? 1, day: parts[2] ?? 1 }, timeZone);
}

/** Formats one row error as users read it: `consents.csv:12: granted_at: unreadable date "x"`. */
export function formatRowError(error: RowError): string {
  return `${error.file}:${error.line}: ${error.field === '' ? '' : `${error.field}: `}${error.message}`;
}
