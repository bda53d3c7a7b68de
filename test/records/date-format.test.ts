import fc from 'fast-check';
import { DuckDBInstance, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileDateFormat,
  type DateFormat,
  dateFormatSql,
  formatWithDateFormat,
  type LocalDateTime,
  parseWithDateFormat,
} from '../../src/records/date-format.ts';

const compile = (pattern: string): DateFormat => {
  const result = compileDateFormat(pattern);
  if (!result.ok) throw new Error(`${pattern}: ${result.reason}`);
  return result.format;
};

const PATTERNS = [
  'YYYY/M/D HH:mm',
  'YYYY/M/D H:mm',
  'DD/MM/YY HH:mm',
  'DD/MM/YYYY HH:mm:ss',
  'MM-DD-YYYY h:mm A',
  'YYYY-MM-DD[T]HH:mm:ss',
  'D.M.YYYY H:mm:ss',
  'YYYYMMDDHHmmss',
];

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Any real local date and time; years 2000–2099 so that two-digit years are unambiguous. */
const localDateTime = fc
  .record({
    year: fc.integer({ min: 2000, max: 2099 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
  })
  .map((v): LocalDateTime => ({ ...v, day: Math.min(v.day, daysIn(v.year, v.month)) }));

const withoutSeconds = (format: DateFormat, v: LocalDateTime): LocalDateTime =>
  format.groups.second === undefined ? { ...v, second: 0 } : v;

describe('date formats', () => {
  it('reads back every date it writes, in every format', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATTERNS), localDateTime, (pattern, value) => {
        const format = compile(pattern);
        const text = formatWithDateFormat(value, format);
        expect(parseWithDateFormat(text, format)).toEqual(withoutSeconds(format, value));
      }),
    );
  });

  it('rejects an impossible date instead of moving it to another day', () => {
    // Day 29–31 of a month that does not have it, written in a layout that accepts the digits.
    const impossible = fc
      .record({
        year: fc.integer({ min: 2000, max: 2099 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 29, max: 31 }),
      })
      .filter((v) => v.day > daysIn(v.year, v.month));
    fc.assert(
      fc.property(fc.constantFrom(...PATTERNS), impossible, (pattern, { year, month, day }) => {
        const format = compile(pattern);
        const text = formatWithDateFormat({ year, month, day, hour: 10, minute: 0, second: 0 }, format);
        expect(parseWithDateFormat(text, format)).toBeUndefined();
      }),
    );
  });

  it('rejects an hour, minute or month out of range, and text that does not fit the layout exactly', () => {
    const format = compile('DD/MM/YYYY HH:mm');
    expect(parseWithDateFormat('24/11/2026 09:32', format)).toEqual({
      year: 2026,
      month: 11,
      day: 24,
      hour: 9,
      minute: 32,
      second: 0,
    });
    for (const bad of [
      '24/13/2026 09:32',
      '00/11/2026 09:32',
      '24/11/2026 24:00',
      '24/11/2026 09:60',
      '2026/11/24 09:32',
      '24/11/26 09:32',
      '24/11/2026 9:32',
      '24/11/2026 09:32:10',
      '24-11-2026 09:32',
    ]) {
      expect(parseWithDateFormat(bad, format), bad).toBeUndefined();
    }
    expect(parseWithDateFormat('12/30/2026 12:05 AM', compile('MM/DD/YYYY hh:mm A'))).toMatchObject({
      day: 30,
      hour: 0,
    });
    expect(parseWithDateFormat('12/30/2026 13:05 PM', compile('MM/DD/YYYY hh:mm A'))).toBeUndefined();
  });

  it('refuses layouts that would need a guess, saying why', () => {
    const reason = (pattern: string) => {
      const result = compileDateFormat(pattern);
      return result.ok ? undefined : result.reason;
    };
    expect(reason('YYYYMD HH:mm')).toMatch(/ambiguous/);
    expect(reason('DD/MM HH:mm')).toMatch(/missing year/);
    expect(reason('DD/MM/YYYY hh:mm')).toMatch(/needs A/);
    expect(reason('DD/MM/YYYY HH:mm A')).toMatch(/needs a 12-hour/);
    expect(reason('DD/MM/YYYY HH:mm:ss DD')).toMatch(/twice/);
    expect(reason('DD/MM/YYYY HH:mm Q')).toMatch(/unknown token "Q"/);
    expect(reason('YYYY/M/D HH:mm')).toBeUndefined();
  });
});

describe('date formats in SQL (what ingest runs)', () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => instance.closeSync());

  /** Reads `texts` with the SQL expression in one DuckDB query, as local ISO text or null. */
  async function readSql(texts: readonly string[], format: DateFormat): Promise<(string | null)[]> {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `SELECT strftime(${dateFormatSql('t', format)}, '%Y-%m-%d %H:%M:%S') AS v FROM (SELECT unnest($texts) AS t, generate_subscripts($texts, 1) AS i) ORDER BY i`,
        { texts: listValue([...texts]) },
        { texts: LIST(VARCHAR) },
      );
      return reader.getRowObjects().map((r) => (r.v === null ? null : String(r.v)));
    } finally {
      connection.closeSync();
    }
  }

  const iso = (v: LocalDateTime) =>
    `${String(v.year).padStart(4, '0')}-${String(v.month).padStart(2, '0')}-${String(v.day).padStart(2, '0')} ${String(v.hour).padStart(2, '0')}:${String(v.minute).padStart(2, '0')}:${String(v.second).padStart(2, '0')}`;

  it('agrees with the TypeScript reader on written dates and on impossible ones', async () => {
    for (const pattern of PATTERNS) {
      const format = compile(pattern);
      const values = fc.sample(localDateTime, 60);
      const texts = [
        ...values.map((v) => formatWithDateFormat(v, format)),
        formatWithDateFormat({ year: 2026, month: 2, day: 29, hour: 10, minute: 0, second: 0 }, format),
        formatWithDateFormat({ year: 2026, month: 4, day: 31, hour: 10, minute: 0, second: 0 }, format),
        'not a date',
      ];
      const expected = texts.map((t) => {
        const parsed = parseWithDateFormat(t, format);
        return parsed === undefined ? null : iso(parsed);
      });
      expect(expected.slice(-3)).toEqual([null, null, null]);
      expect(await readSql(texts, format), pattern).toEqual(expected);
    }
  });
});
