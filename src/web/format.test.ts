import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatDay,
  formatInteger,
  formatMoney,
  formatPercent,
  formatPhone,
  formatShortDateTime,
  formatShortDay,
  formatTime,
  phoneMatches,
  phoneSearchDigits,
} from './format.ts';

/** Intl separates groups and units with no-break spaces (U+00A0 or U+202F by ICU version): compare as spaces. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('dates', () => {
  it.each([
    ['2026-11-23', 'fr', 'lundi 23 novembre 2026'],
    ['2026-11-23', 'en', 'Monday 23 November 2026'],
    ['2026-01-01', 'fr', 'jeudi 1er janvier 2026'],
    ['2026-03-29', 'fr', 'dimanche 29 mars 2026'],
    ['2026-01-01', 'en', 'Thursday 1 January 2026'],
    ['2026-13-01', 'fr', '2026-13-01'],
    ['2026-02-30', 'fr', '2026-02-30'],
    ['hier', 'fr', 'hier'],
  ] as const)('formatDay(%s, %s) = %s', (day, lang, expected) => {
    expect(formatDay(day, lang)).toBe(expected);
  });

  it.each([
    ['2026-11-23', 'fr', '23 nov.'],
    ['2026-11-23', 'en', '23 Nov'],
  ] as const)('formatShortDay(%s, %s) = %s', (day, lang, expected) => {
    expect(formatShortDay(day, lang)).toBe(expected);
  });

  it.each([
    // 18:59 UTC is 19:59 in Paris in winter, 20:59 in summer (CEST).
    ['2026-11-23T18:59:00Z', 'Europe/Paris', 'fr', 'lundi 23 novembre 2026 à 19:59'],
    ['2026-07-06T18:59:00Z', 'Europe/Paris', 'fr', 'lundi 6 juillet 2026 à 20:59'],
    ['2026-11-23T18:59:00Z', 'Indian/Reunion', 'fr', 'lundi 23 novembre 2026 à 22:59 (heure de La Réunion)'],
    ['2026-11-23T23:30:00Z', 'Europe/Paris', 'fr', 'mardi 24 novembre 2026 à 00:30'],
    ['2026-11-23T18:59:00Z', 'Europe/Paris', 'en', 'Monday 23 November 2026, 19:59'],
  ] as const)('formatDateTime(%s, %s, %s) = %s', (iso, zone, lang, expected) => {
    expect(formatDateTime(iso, lang, zone)).toBe(expected);
  });

  it.each([
    ['2026-11-23T18:59:00Z', 'fr', '23 nov. 2026 à 19:59'],
    ['2026-11-23T18:59:00Z', 'en', '23 Nov 2026, 19:59'],
    ['2026-03-29T01:30:00Z', 'fr', '29 mars 2026 à 03:30'],
  ] as const)('formatShortDateTime(%s, %s) = %s', (iso, lang, expected) => {
    expect(formatShortDateTime(iso, lang)).toBe(expected);
  });

  it('names the zone only when it is not Paris', () => {
    expect(formatTime('2026-11-23T18:59:00Z', 'fr')).toBe('19:59');
    expect(formatTime('2026-11-23T18:59:00Z', 'fr', 'America/Cayenne')).toBe(
      '15:59 (heure de la Guyane française)',
    );
    expect(formatTime('not a time', 'fr')).toBe('not a time');
  });
});

describe('numbers', () => {
  it.each([
    [0.125, 'fr', '12,5 %'],
    [0.02, 'fr', '2,0 %'],
    [1, 'fr', '100,0 %'],
    [0.125, 'en', '12.5%'],
    [Number.NaN, 'fr', '—'],
    [null, 'fr', '—'],
  ] as const)('formatPercent(%s, %s) = %s', (value, lang, expected) => {
    expect(plain(formatPercent(value, lang))).toBe(expected);
  });

  it.each([
    [125000, 'fr', '1 250,00 €'],
    [5, 'fr', '0,05 €'],
    [-1234567, 'fr', '-12 345,67 €'],
    [125000, 'en', '€1,250.00'],
  ] as const)('formatMoney(%s cents, %s) = %s', (cents, lang, expected) => {
    expect(plain(formatMoney(cents, lang))).toBe(expected);
  });

  it.each([
    [1250, 'fr', '1 250'],
    [1250, 'en', '1,250'],
    [0, 'fr', '0'],
    [undefined, 'fr', '—'],
  ] as const)('formatInteger(%s, %s) = %s', (value, lang, expected) => {
    expect(plain(formatInteger(value, lang))).toBe(expected);
  });
});

describe('phone numbers', () => {
  it.each([
    ['+33162000000', '01 62 00 00 00'],
    ['+33612345678', '06 12 34 56 78'],
    ['+33939000001', '09 39 00 00 01'],
    ['+262692123456', '06 92 12 34 56'],
    ['+590690123456', '06 90 12 34 56'],
    ['+212522123456', '+212522123456'],
    ['0162000000', '0162000000'],
  ])('formatPhone(%s) = %s', (e164, expected) => {
    expect(formatPhone(e164)).toBe(expected);
  });

  it.each([
    ['01 62 00 00 00', '162000000'],
    ['01.62.00.00.00', '162000000'],
    ['01-62-00-00-00', '162000000'],
    ['0162000000', '162000000'],
    ['+33 1 62 00 00 00', '162000000'],
    ['+33 (0)1 62 00 00 00', '162000000'],
    ['0033162000000', '162000000'],
    ['162000000', '162000000'],
    ['01 62', '162'],
    ['+262 692 12 34 56', '692123456'],
    ['+212 522', '+212522'],
    ['abc', ''],
  ])('phoneSearchDigits(%s) = %s', (typed, expected) => {
    expect(phoneSearchDigits(typed)).toBe(expected);
  });

  const french = fc
    .tuple(
      fc.constantFrom('33', '262', '590', '594', '596'),
      fc.integer({ min: 1, max: 9 }),
      fc.nat(99_999_999),
    )
    .map(([code, first, rest]) => `+${code}${first}${String(rest).padStart(8, '0')}`);

  it('finds a number from its French form, whatever separators are typed', () => {
    const separator = fc.constantFrom(' ', '.', '-', '', '  ');
    fc.assert(
      fc.property(french, separator, (e164, sep) => {
        const typed = formatPhone(e164).replace(/ /g, sep);
        expect(phoneMatches(e164, phoneSearchDigits(typed))).toBe(true);
        expect(phoneMatches(e164, phoneSearchDigits(e164))).toBe(true);
      }),
    );
  });

  it('does not find a number from another number', () => {
    fc.assert(
      fc.property(french, french, (a, b) => {
        fc.pre(formatPhone(a) !== formatPhone(b));
        expect(phoneMatches(b, phoneSearchDigits(formatPhone(a)))).toBe(false);
      }),
    );
  });

  it('writes every French number as five pairs of digits starting with 0', () => {
    fc.assert(
      fc.property(french, (e164) => {
        expect(formatPhone(e164)).toMatch(/^0\d( \d{2}){4}$/);
      }),
    );
  });
});
