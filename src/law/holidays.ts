import type { Territory } from '../numbering/model.ts';
import { HOLIDAY_LOCAL, HOLIDAY_NAMES, HOLIDAY_NATIONAL, HOLIDAY_TABLE_YEARS } from './holidays-table.ts';

/** Where a callee's holidays come from: a territory, or metropolitan France's Alsace-Moselle. */
export type HolidayZone = Territory | 'alsace_moselle';

export interface Holiday {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly name: string;
  /** `national`: the 11 days of L3133-1 (`hours.holiday`); `local`: the zone's own (`hours.local_holiday`). */
  readonly kind: 'national' | 'local';
}

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

/** Holidays of a year outside the generated table (holidays-library.ts registers date-holidays). */
export type HolidaySource = (zone: HolidayZone, year: number) => readonly Holiday[];

let fallback: HolidaySource | undefined;

/** Lets an edge provide the years the generated table does not cover (see `libraryHolidaysOf`). */
export function registerHolidaySource(source: HolidaySource): void {
  fallback = source;
  cache.clear();
  byDay.clear();
}

/** Whether `year`'s holidays come from the generated table (no library needed). */
export function holidayYearTabulated(year: number): boolean {
  return year >= HOLIDAY_TABLE_YEARS[0] && year <= HOLIDAY_TABLE_YEARS[1];
}

const cache = new Map<string, ReadonlyMap<string, Holiday>>();

let nationalYears: readonly string[] | undefined;
const localYears = new Map<HolidayZone, readonly string[]>();

function decode(entries: string, year: number, kind: Holiday['kind']): Holiday[] {
  const prefix = `${String(year).padStart(4, '0')}-`;
  return entries === ''
    ? []
    : entries.split(',').map((entry) => ({
        date: `${prefix}${entry.slice(0, 2)}-${entry.slice(2, 4)}`,
        name: HOLIDAY_NAMES[Number(entry.slice(4))] ?? '',
        kind,
      }));
}

/** One zone-year of the generated table, sorted by date. */
function fromTable(zone: HolidayZone, year: number): Holiday[] {
  const i = year - HOLIDAY_TABLE_YEARS[0];
  nationalYears ??= HOLIDAY_NATIONAL.split('|');
  let local = localYears.get(zone);
  if (local === undefined) {
    local = HOLIDAY_LOCAL[zone].split('|');
    localYears.set(zone, local);
  }
  return [...decode(nationalYears[i] ?? '', year, 'national'), ...decode(local[i] ?? '', year, 'local')].sort(
    (a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0),
  );
}

/** Every public holiday of `zone` in `year`, keyed by `YYYY-MM-DD`. */
export function holidaysOf(zone: HolidayZone, year: number): ReadonlyMap<string, Holiday> {
  const key = `${zone}:${year}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let list: readonly Holiday[];
  if (holidayYearTabulated(year)) list = fromTable(zone, year);
  else if (fallback !== undefined) list = fallback(zone, year);
  else
    throw new RangeError(
      `no holiday data for ${year}: the table covers ${HOLIDAY_TABLE_YEARS.join('–')} (register holidays-library.ts)`,
    );
  const result = new Map(list.map((h) => [h.date, h] as const));
  cache.set(key, result);
  return result;
}

/** The holiday on local date `date` (`YYYY-MM-DD`) in `zone`, if any. */
export function holidayOn(zone: HolidayZone, date: string): Holiday | undefined {
  return holidaysOf(zone, Number(date.slice(0, 4))).get(date);
}

const byDay = new Map<HolidayZone, Map<number, Holiday | null>>();

/** `holidayOn` for a local day given in days since 1970-01-01, cached: audits ask for millions of calls. */
export function holidayOnDay(zone: HolidayZone, day: number): Holiday | undefined {
  let days = byDay.get(zone);
  if (days === undefined) {
    days = new Map();
    byDay.set(zone, days);
  }
  let holiday = days.get(day);
  if (holiday === undefined) {
    holiday = holidayOn(zone, new Date(day * 86_400_000).toISOString().slice(0, 10)) ?? null;
    days.set(day, holiday);
  }
  return holiday ?? undefined;
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
