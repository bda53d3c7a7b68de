import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalisePhone,
  PhoneNormaliser,
  phoneFastPathSql,
  phoneStripSql,
  regionTerritories,
} from '../../src/numbering/phone.ts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

describe('normalisePhone', () => {
  it.each([
    ['01 62 00 00 00', '+33162000000'],
    ['+33 1 62 00 00 00', '+33162000000'],
    ['0033162000000', '+33162000000'],
    ['33162000000', '+33162000000'],
    ['01.62.00.00.00', '+33162000000'],
    ['(01) 62-00-00-00', '+33162000000'],
    ['06 12 34 56 78', '+33612345678'],
    ['+262 262 12 34 56', '+262262123456'],
    ['0262 12 34 56', '+262262123456'],
    ['0692 12 34 56', '+262692123456'],
    ['0269 61 23 45', '+262269612345'],
    ['0639 01 23 45', '+262639012345'],
    ['0590 12 34 56', '+590590123456'],
    ['0690 12 34 56', '+590690123456'],
    ['0594 12 34 56', '+594594123456'],
    ['0596 70 12 34', '+596596701234'],
    ['+33 (0)6 12 34 56 78', '+33612345678'],
    ['0696 12 34 56', '+596696123456'],
    ['0800 12 34 56', '+33800123456'],
    ['08 06 00 00 00', '+33806000000'],
    ['0809 12 34 56', '+33809123456'],
    ['08 99 12 34 56', '+33899123456'],
    ['3010', '3010'],
    ['118 712', '118712'],
    ['Anonymous', 'anonymous'],
    ['Masqué', 'anonymous'],
  ])('%s → %s', (raw, expected) => {
    expect(normalisePhone(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([['12345'], ['06 12 34'], ['abc'], ['06123456789012']])('%s is invalid', (raw) => {
    expect(normalisePhone(raw)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('says empty for blanks', () => {
    expect(normalisePhone('  ')).toEqual({ ok: false, reason: 'empty' });
  });
});

/** Writings of French numbers as they come from dialers and spreadsheets. */
const writings = fc
  .tuple(
    fc.constantFrom(
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '262',
      '269',
      '639',
      '590',
      '594',
      '596',
      '690',
      '692',
      '694',
      '696',
    ),
    fc.stringMatching(/^\d{9}$/),
    fc.constantFrom('national', 'plus', 'zerozero', 'spaced', 'dotted'),
  )
  .map(([prefix, digits, style]) => {
    const nsn = (prefix + digits).slice(0, 9);
    switch (style) {
      case 'plus':
        return `+33${nsn}`;
      case 'zerozero':
        return `0033${nsn}`;
      case 'spaced':
        return `0${nsn}`.replace(/(\d{2})(?=\d)/g, '$1 ');
      case 'dotted':
        return `0${nsn}`.replace(/(\d{2})(?=\d)/g, '$1.');
      default:
        return `0${nsn}`;
    }
  });

describe('properties', () => {
  it('normalising twice changes nothing', () => {
    fc.assert(
      fc.property(writings, (raw) => {
        const once = normalisePhone(raw);
        if (!once.ok) return;
        expect(normalisePhone(once.value)).toEqual(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('the memoising normaliser answers as the plain one', () => {
    const cached = new PhoneNormaliser(50);
    fc.assert(
      fc.property(fc.array(writings, { maxLength: 200 }), (raws) => {
        for (const raw of raws) expect(cached.normalise(raw)).toEqual(normalisePhone(raw));
      }),
    );
  });

  it('the SQL fast path agrees with libphonenumber-js wherever it answers', async () => {
    const samples = fc.sample(writings, { numRuns: 3000, seed: 42 });
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const values = samples.map((s) => `('${s}')`).join(', ');
    const reader = await connection.runAndReadAll(
      `SELECT raw, ${phoneFastPathSql('s')} AS fast FROM (SELECT raw, ${phoneStripSql('raw')} AS s FROM (VALUES ${values}) v(raw))`,
    );
    let answered = 0;
    for (const [raw, fast] of reader.getRows()) {
      const expected = normalisePhone(String(raw));
      if (fast === null) continue;
      answered++;
      expect({ raw, fast }).toEqual({ raw, fast: expected.ok ? expected.value : null });
    }
    // The fast path must answer for most clean writings, or it is not worth having.
    expect(answered).toBeGreaterThan(samples.length / 3);
    connection.closeSync();
  });
});

describe('the region of national writings (--country)', () => {
  it.each([
    ['214943', 'FR'],
    ['123654987', 'FR'],
    ['902569596', 'FR'],
    ['100', 'FR'],
    ['1001', 'FR'],
    ['508214943', 'FR'],
    ['0612345678', 'TN'],
    ['0522123456', 'TN'],
  ])('%s in %s is invalid, never guessed into a territory', (raw, region) => {
    expect(normalisePhone(raw, region)).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each([
    ['0522 12 34 56', 'MA', '+212522123456'],
    ['06 12 34 56 78', 'MA', '+212612345678'],
    ['212522123456', 'MA', '+212522123456'],
    ['71 234 567', 'TN', '+21671234567'],
    ['+33 6 12 34 56 78', 'TN', '+33612345678'],
    ['0033612345678', 'MA', '+33612345678'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
  ])('%s in %s → %s', (raw, region, expected) => {
    expect(normalisePhone(raw, region)).toEqual({ ok: true, value: expected });
  });

  it('French short numbers are French only', () => {
    expect(normalisePhone('3010', 'FR')).toEqual({ ok: true, value: '3010' });
    expect(normalisePhone('3010', 'MA').ok).toBe(false);
  });

  it('never returns a territory other than the region’s or the one the writing’s own prefix names', () => {
    const regions = ['FR', 'MA', 'TN', 'BE', 'DE', 'SN'] as const;
    const writing = fc.tuple(
      fc.constantFrom('', '', '0', '+', '00', '33', '212', '216', '262', '508', '590'),
      fc.stringMatching(/^\d{2,12}$/),
    );
    fc.assert(
      fc.property(writing, fc.constantFrom(...regions), ([prefix, digits], region) => {
        const raw = prefix + digits;
        const result = normalisePhone(raw, region);
        if (!result.ok || !result.value.startsWith('+')) return;
        const parsed = parsePhoneNumberFromString(result.value);
        expect(parsed?.isValid()).toBe(true);
        const international = raw.startsWith('+') || raw.startsWith('00');
        if (international) {
          const written = raw.startsWith('+') ? raw.slice(1) : raw.slice(2);
          expect(written.startsWith(parsed?.countryCallingCode ?? '?')).toBe(true);
        } else {
          expect({
            raw,
            region,
            territory: regionTerritories(region).includes(parsed?.country ?? '?'),
          }).toEqual({
            raw,
            region,
            territory: true,
          });
        }
      }),
      { numRuns: 5000, seed: 12 },
    );
  });
});
