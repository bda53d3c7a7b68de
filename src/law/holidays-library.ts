import Holidays from 'date-holidays';
import { HOLIDAY_CORRECTIONS, type Holiday, type HolidayZone } from './holidays.ts';

/**
 * Public holidays computed by `date-holidays` with law.md's corrections. The engine reads the table
 * generated from this (holidays-table.ts, `scripts/build-holidays.ts`); this module is loaded only to
 * build and test that table and for years outside it (the library alone costs ~120 ms of start-up).
 */

/** date-holidays' state of each zone (FR country); zones without one get the national list only. */
const STATES: Partial<Record<HolidayZone, string>> = {
  alsace_moselle: '57',
  guadeloupe: 'GP',
  martinique: 'MQ',
  guyane: 'GF',
  reunion: 'RE',
  mayotte: 'YT',
  saint_martin: 'MF',
  saint_barthelemy: 'BL',
};

interface LibraryHoliday {
  readonly date: string;
  readonly name: string;
  readonly type: string;
  readonly rule: string;
}

let national: Holidays | undefined;
const byZone = new Map<HolidayZone, Holidays>();

function library(zone: HolidayZone): { nationalLib: Holidays; zoneLib: Holidays | undefined } {
  national ??= new Holidays('FR');
  const state = STATES[zone];
  if (state === undefined) return { nationalLib: national, zoneLib: undefined };
  let lib = byZone.get(zone);
  if (lib === undefined) {
    lib = new Holidays('FR', state);
    byZone.set(zone, lib);
  }
  return { nationalLib: national, zoneLib: lib };
}

function publicHolidays(lib: Holidays, year: number): LibraryHoliday[] {
  return (lib.getHolidays(year, 'fr') as LibraryHoliday[]).filter((h) => h.type === 'public');
}

/** Every public holiday of `zone` in `year` according to date-holidays and law.md, sorted by date. */
export function libraryHolidaysOf(zone: HolidayZone, year: number): Holiday[] {
  const { nationalLib, zoneLib } = library(zone);
  const result = new Map<string, Holiday>();
  for (const h of publicHolidays(nationalLib, year)) {
    const date = h.date.slice(0, 10);
    result.set(date, { date, name: h.name, kind: 'national' });
  }
  if (zoneLib !== undefined) {
    const corrections = HOLIDAY_CORRECTIONS.filter((c) => c.zone === zone);
    for (const h of publicHolidays(zoneLib, year)) {
      const date = h.date.slice(0, 10);
      if (result.has(date)) continue;
      const correction = corrections.find((c) => c.drop === h.rule);
      if (correction === undefined) {
        result.set(date, { date, name: h.name, kind: 'local' });
      } else if (correction.replaceWith !== undefined) {
        const moved = `${String(year).padStart(4, '0')}-${correction.replaceWith.monthDay}`;
        if (!result.has(moved))
          result.set(moved, { date: moved, name: correction.replaceWith.name, kind: 'local' });
      }
    }
  }
  return [...result.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
