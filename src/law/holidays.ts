import Holidays from 'date-holidays';
import type { Territory } from '../numbering/model.ts';

/** Where a callee's holidays come from: a territory, or metropolitan France's Alsace-Moselle. */
export type HolidayZone = Territory | 'alsace_moselle';

export interface Holiday {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly name: string;
  /** `national`: the 11 days of L3133-1 (`hours.holiday`); `local`: the zone's own (`hours.local_holiday`). */
  readonly kind: 'national' | 'local';
}

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

/**
 * law.md's corrections to date-holidays: Saint-Martin has observed abolition day on 28 May since 2018
 * (the library keeps the 2012 decree's 27 May); Good Friday is a legal holiday only in Alsace-Moselle
 * (the library also marks it public in Guadeloupe and Martinique, by custom).
 */
interface Correction {
  readonly zone: HolidayZone;
  /** date-holidays' rule to drop (`05-27`, `easter -2`). */
  readonly drop: string;
  /** The day that replaces it, `MM-DD`, if any. */
  readonly replaceWith?: { readonly monthDay: string; readonly name: string };
}

export const HOLIDAY_CORRECTIONS: readonly Correction[] = [
  {
    zone: 'saint_martin',
    drop: '05-27',
    replaceWith: { monthDay: '05-28', name: 'Abolition de l’esclavage' },
  },
  { zone: 'guadeloupe', drop: 'easter -2' },
  { zone: 'martinique', drop: 'easter -2' },
];

interface LibraryHoliday {
  readonly date: string;
  readonly name: string;
  readonly type: string;
  readonly rule: string;
}

let national: Holidays | undefined;
const byZone = new Map<HolidayZone, Holidays>();
const cache = new Map<string, ReadonlyMap<string, Holiday>>();

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

/** Every public holiday of `zone` in `year`, keyed by `YYYY-MM-DD`. */
export function holidaysOf(zone: HolidayZone, year: number): ReadonlyMap<string, Holiday> {
  const key = `${zone}:${year}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
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
  const sorted = new Map([...result.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  cache.set(key, sorted);
  return sorted;
}

/** The holiday on local date `date` (`YYYY-MM-DD`) in `zone`, if any. */
export function holidayOn(zone: HolidayZone, date: string): Holiday | undefined {
  return holidaysOf(zone, Number(date.slice(0, 4))).get(date);
}

/** Human name of a holiday zone, in French, for explanations. */
export const ZONE_NAMES: Record<HolidayZone, string> = {
  metropole: 'France métropolitaine',
  alsace_moselle: 'Alsace-Moselle',
  guadeloupe: 'Guadeloupe',
  saint_martin: 'Saint-Martin',
  saint_barthelemy: 'Saint-Barthélemy',
  guyane: 'Guyane',
  martinique: 'Martinique',
  reunion: 'La Réunion',
  mayotte: 'Mayotte',
  saint_pierre_et_miquelon: 'Saint-Pierre-et-Miquelon',
  foreign: 'étranger',
};
