import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoLocal, localTime, zonedToUtc } from './time.ts';

const ZONES = [
  'Europe/Paris',
  'America/Guadeloupe',
  'America/Cayenne',
  'America/Martinique',
  'Indian/Reunion',
  'Indian/Mayotte',
  'America/Miquelon',
];

function oracle(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
  return parts.replace(' ', 'T');
}

describe('localTime', () => {
  it('agrees with Intl for any instant and zone, DST transitions included', () => {
    const around = [
      Date.UTC(2026, 2, 29, 1),
      Date.UTC(2026, 9, 25, 1),
      Date.UTC(2026, 2, 8, 5),
      Date.UTC(2026, 10, 1, 4),
    ];
    const instant = fc.oneof(
      fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2028, 0, 1) }),
      fc.constantFrom(...around).chain((t) => fc.integer({ min: t - 7_200_000, max: t + 7_200_000 })),
    );
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ms, zone) => {
        const local = localTime(ms, zone);
        expect(`${local.date}T${local.time}`).toBe(oracle(ms, zone));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['2026-03-29T00:59:59Z', '2026-03-29T01:59:59+01:00'],
    ['2026-03-29T01:00:00Z', '2026-03-29T03:00:00+02:00'],
    ['2026-10-25T00:59:59Z', '2026-10-25T02:59:59+02:00'],
    ['2026-10-25T01:00:00Z', '2026-10-25T02:00:00+01:00'],
  ])('Paris around the DST changes: %s → %s', (utc, local) => {
    expect(isoLocal(localTime(new Date(utc), 'Europe/Paris'))).toBe(local);
  });

  it('zonedToUtc reads a gap forward and an overlap as its first occurrence', () => {
    expect(
      new Date(
        zonedToUtc({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Paris'),
      ).toISOString(),
    ).toBe('2026-03-29T01:30:00.000Z');
    expect(
      new Date(
        zonedToUtc({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Paris'),
      ).toISOString(),
    ).toBe('2026-10-25T00:30:00.000Z');
  });
});
