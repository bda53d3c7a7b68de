/**
 * Date formats that a user states for a file (`--date-format 'DD/MM/YY HH:mm'`): spreadsheet re-saves
 * and PBX web exports write dates in layouts that cannot be told apart from the values alone
 * (`24/08/17` is 24 August 2017 or 17 August 2024). Vigie never guesses such a layout: the user names
 * it with these tokens, and a value that does not fit it exactly is unreadable.
 *
 * A small parser of our own rather than a date library: the same compiled pattern must give both a
 * TypeScript reader (tests, messages) and a SQL expression that DuckDB evaluates on millions of rows.
 */

/** Tokens of a date format, longest first so that `YYYY` is not read as two `YY`. */
const TOKENS = [
  'YYYY',
  'YY',
  'MM',
  'M',
  'DD',
  'D',
  'HH',
  'H',
  'hh',
  'h',
  'mm',
  'm',
  'ss',
  's',
  'SSS',
  'A',
] as const;
type Token = (typeof TOKENS)[number];

type Field = 'year' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'millis' | 'meridiem';

const FIELD_OF: Record<Token, Field> = {
  YYYY: 'year',
  YY: 'year',
  MM: 'month',
  M: 'month',
  DD: 'day',
  D: 'day',
  HH: 'hour',
  H: 'hour',
  hh: 'hour12',
  h: 'hour12',
  mm: 'minute',
  m: 'minute',
  ss: 'second',
  s: 'second',
  SSS: 'millis',
  A: 'meridiem',
};

const REGEX_OF: Record<Token, string> = {
  YYYY: '(\\d{4})',
  YY: '(\\d{2})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  DD: '(\\d{2})',
  D: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  hh: '(\\d{2})',
  h: '(\\d{1,2})',
  mm: '(\\d{2})',
  m: '(\\d{1,2})',
  ss: '(\\d{2})',
  s: '(\\d{1,2})',
  SSS: '(\\d{3})',
  A: '([AaPp][Mm])',
};

/** Variable-width numeric tokens: two numbers side by side without a separator would be ambiguous. */
const VARIABLE = new Set<Token>(['M', 'D', 'H', 'h', 'm', 's']);

type Part = { readonly token: Token } | { readonly literal: string };

/** A date format checked and compiled: its parts, the regular expression and the group of each field. */
export interface DateFormat {
  readonly pattern: string;
  readonly parts: readonly Part[];
  /** Anchored regular expression (RE2 and JavaScript agree on this subset). */
  readonly regex: string;
  /** 1-based capture group of each field present. */
  readonly groups: Readonly<Partial<Record<Field, number>>>;
  /** Whether the year is written with two digits (read as 20YY, the century of any call record). */
  readonly shortYear: boolean;
}

/** The local date and time a value denotes (no zone: it is read in `--timezone`). */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export type DateFormatResult = { ok: true; format: DateFormat } | { ok: false; reason: string };

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Splits a pattern into tokens and literals; `[text]` is a literal, as are spaces and punctuation. */
function tokenise(pattern: string): Part[] | string {
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] ?? '';
    if (ch === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) return `unclosed "[" at position ${i + 1}`;
      parts.push({ literal: pattern.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const token = TOKENS.find((t) => pattern.startsWith(t, i));
    if (token !== undefined) {
      parts.push({ token });
      i += token.length;
      continue;
    }
    if (/[A-Za-z]/.test(ch) && ch !== 'T') return `unknown token "${ch}" at position ${i + 1}`;
    parts.push({ literal: ch });
    i++;
  }
  return parts;
}

/**
 * Checks and compiles a date format: it must name the year, month, day, hour and minute once each, a
 * 12-hour clock needs `A`, and no variable-width number may touch another number (`YYYYMD` could
 * read `2020111` as 1 November or 11 January).
 */
export function compileDateFormat(pattern: string): DateFormatResult {
  const parts = tokenise(pattern);
  if (typeof parts === 'string') return { ok: false, reason: parts };
  const groups: Partial<Record<Field, number>> = {};
  let group = 0;
  let previousNumeric: Token | undefined;
  for (const part of parts) {
    if ('literal' in part) {
      if (part.literal !== '') previousNumeric = undefined;
      continue;
    }
    const field = FIELD_OF[part.token];
    if (groups[field] !== undefined) return { ok: false, reason: `"${part.token}" appears twice` };
    const numeric = part.token !== 'A';
    if (
      numeric &&
      previousNumeric !== undefined &&
      (VARIABLE.has(part.token) || VARIABLE.has(previousNumeric))
    ) {
      return {
        ok: false,
        reason: `"${previousNumeric}${part.token}" is ambiguous without a separator; use two-digit tokens (MM, DD, HH…)`,
      };
    }
    previousNumeric = numeric ? part.token : undefined;
    groups[field] = ++group;
  }
  if (groups.hour !== undefined && groups.hour12 !== undefined)
    return { ok: false, reason: 'both a 24-hour (H) and a 12-hour (h) hour' };
  if (groups.hour12 !== undefined && groups.meridiem === undefined)
    return { ok: false, reason: 'a 12-hour hour (h, hh) needs A (AM/PM)' };
  if (groups.meridiem !== undefined && groups.hour12 === undefined)
    return { ok: false, reason: 'A (AM/PM) needs a 12-hour hour (h, hh)' };
  const missing = [
    ['year', 'YYYY'],
    ['month', 'MM'],
    ['day', 'DD'],
    ['minute', 'mm'],
  ].filter(([field]) => groups[field as Field] === undefined);
  if (groups.hour === undefined && groups.hour12 === undefined) missing.splice(3, 0, ['hour', 'HH']);
  if (missing.length > 0)
    return { ok: false, reason: `missing ${missing.map(([f, t]) => `${f} (${t})`).join(', ')}` };
  const regex = `^${parts.map((p) => ('literal' in p ? escapeRegex(p.literal) : REGEX_OF[p.token])).join('')}$`;
  const shortYear = parts.some((p) => 'token' in p && p.token === 'YY');
  return { ok: true, format: { pattern, parts, regex, groups, shortYear } };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Reads a value written in `format`; undefined when it does not fit the format or is not a real date. */
export function parseWithDateFormat(text: string, format: DateFormat): LocalDateTime | undefined {
  const match = new RegExp(format.regex).exec(text.trim());
  if (match === null) return undefined;
  const get = (field: Field) => {
    const g = format.groups[field];
    return g === undefined ? undefined : match[g];
  };
  const year = Number(get('year')) + (format.shortYear ? 2000 : 0);
  const month = Number(get('month'));
  const day = Number(get('day'));
  let hour: number;
  const hour12 = get('hour12');
  if (hour12 !== undefined) {
    const h = Number(hour12);
    if (h < 1 || h > 12) return undefined;
    hour = (h % 12) + ((get('meridiem') ?? '').toUpperCase() === 'PM' ? 12 : 0);
  } else hour = Number(get('hour'));
  const minute = Number(get('minute'));
  const second = Number(get('second') ?? '0');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second };
}

/** Writes a local date and time in `format` (the inverse of `parseWithDateFormat`, for tests and docs). */
export function formatWithDateFormat(value: LocalDateTime, format: DateFormat): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const hour12 = value.hour % 12 === 0 ? 12 : value.hour % 12;
  const write: Record<Token, () => string> = {
    YYYY: () => pad(value.year, 4),
    YY: () => pad(value.year % 100, 2),
    MM: () => pad(value.month, 2),
    M: () => String(value.month),
    DD: () => pad(value.day, 2),
    D: () => String(value.day),
    HH: () => pad(value.hour, 2),
    H: () => String(value.hour),
    hh: () => pad(hour12, 2),
    h: () => String(hour12),
    mm: () => pad(value.minute, 2),
    m: () => String(value.minute),
    ss: () => pad(value.second, 2),
    s: () => String(value.second),
    SSS: () => '000',
    A: () => (value.hour < 12 ? 'AM' : 'PM'),
  };
  return format.parts.map((p) => ('literal' in p ? p.literal : write[p.token]())).join('');
}

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The SQL expression reading `expression` (text) as a naive TIMESTAMP in `format`, NULL when it does not
 * fit: the value is matched by the same regular expression, rewritten as ISO text and cast, which also
 * rejects impossible dates (30 February).
 */
export function dateFormatSql(expression: string, format: DateFormat): string {
  const g = format.groups;
  const ref = (field: Field) => (g[field] === undefined ? '' : `\\${g[field]}`);
  const year = format.shortYear ? `20${ref('year')}` : ref('year');
  const second = g.second === undefined ? '00' : ref('second');
  const re = sqlString(format.regex);
  const trimmed = `trim(${expression})`;
  if (g.hour12 === undefined) {
    const iso = sqlString(`${year}-${ref('month')}-${ref('day')} ${ref('hour')}:${ref('minute')}:${second}`);
    return `(CASE WHEN regexp_full_match(${trimmed}, ${re}) THEN try_cast(regexp_replace(${trimmed}, ${re}, ${iso}) AS TIMESTAMP) END)`;
  }
  const day = sqlString(`${year}-${ref('month')}-${ref('day')} 00:${ref('minute')}:${second}`);
  const h = `try_cast(regexp_extract(${trimmed}, ${re}, ${g.hour12}) AS INTEGER)`;
  const pm = `upper(regexp_extract(${trimmed}, ${re}, ${g.meridiem})) = 'PM'`;
  return `(CASE WHEN regexp_full_match(${trimmed}, ${re}) AND ${h} BETWEEN 1 AND 12 THEN try_cast(regexp_replace(${trimmed}, ${re}, ${day}) AS TIMESTAMP) + to_hours(${h} % 12 + CASE WHEN ${pm} THEN 12 ELSE 0 END) END)`;
}
