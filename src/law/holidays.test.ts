import { describe, expect, it } from 'vitest';
import { type HolidayZone, holidaysOf } from './holidays.ts';

const EASTER: Record<number, { goodFriday: string; monday: string; ascension: string; whitMonday: string }> =
  {
    2025: { goodFriday: '04-18', monday: '04-21', ascension: '05-29', whitMonday: '06-09' },
    2026: { goodFriday: '04-03', monday: '04-06', ascension: '05-14', whitMonday: '05-25' },
    2027: { goodFriday: '03-26', monday: '03-29', ascension: '05-06', whitMonday: '05-17' },
  };

function national(year: number): string[] {
  const e = EASTER[year];
  if (e === undefined) throw new Error(`no Easter for ${year}`);
  return [
    '01-01',
    e.monday,
    '05-01',
    '05-08',
    e.ascension,
    e.whitMonday,
    '07-14',
    '08-15',
    '11-01',
    '11-11',
    '12-25',
  ].map((md) => `${year}-${md}`);
}

const LOCAL: Record<HolidayZone, (year: number) => string[]> = {
  metropole: () => [],
  foreign: () => [],
  saint_pierre_et_miquelon: () => [],
  alsace_moselle: (y) => [`${y}-${EASTER[y]?.goodFriday}`, `${y}-12-26`],
  mayotte: (y) => [`${y}-04-27`],
  martinique: (y) => [`${y}-05-22`],
  guadeloupe: (y) => [`${y}-05-27`],
  saint_martin: (y) => [`${y}-05-28`],
  guyane: (y) => [`${y}-06-10`],
  saint_barthelemy: (y) => [`${y}-10-09`],
  reunion: (y) => [`${y}-12-20`],
};

const cases = (Object.keys(LOCAL) as HolidayZone[]).flatMap((zone) =>
  [2025, 2026, 2027].map((year) => [zone, year] as const),
);

describe('holidaysOf', () => {
  it.each(cases)('%s %i: exactly the national days plus the zone’s own', (zone, year) => {
    const days = holidaysOf(zone, year);
    const nationalDays = [...days.values()].filter((h) => h.kind === 'national').map((h) => h.date);
    const localDays = [...days.values()].filter((h) => h.kind === 'local').map((h) => h.date);
    expect(nationalDays).toEqual(national(year).sort());
    expect(localDays.sort()).toEqual(LOCAL[zone](year).sort());
  });

  it('moves Saint-Martin’s abolition day to 28 May (date-holidays says 27)', () => {
    expect(holidaysOf('saint_martin', 2026).get('2026-05-27')).toBeUndefined();
    expect(holidaysOf('saint_martin', 2026).get('2026-05-28')?.kind).toBe('local');
  });

  it('drops Good Friday outside Alsace-Moselle (Guadeloupe and Martinique custom)', () => {
    expect(holidaysOf('guadeloupe', 2026).get('2026-04-03')).toBeUndefined();
    expect(holidaysOf('martinique', 2026).get('2026-04-03')).toBeUndefined();
    expect(holidaysOf('alsace_moselle', 2026).get('2026-04-03')?.name).toBe('Vendredi saint');
  });
});
