/**
 * Time for the simulator: UTC seconds inside, local wall-clock times for the exports and the rules,
 * and the French public holidays (computed here, independently of src/law, so that truth.json is a
 * second opinion and not a copy).
 */

import { zoneOffsetMinutes } from '../shared/time.ts';

export const DAY = 86_400;

export type Territory = 'metropole' | 'guadeloupe' | 'martinique' | 'guyane' | 'reunion' | 'mayotte';

export const TERRITORY_ZONES: Readonly<Record<Territory, string>> = {
  metropole: 'Europe/Paris',
  guadeloupe: 'America/Guadeloupe',
  martinique: 'America/Martinique',
  guyane: 'America/Cayenne',
  reunion: 'Indian/Reunion',
  mayotte: 'Indian/Mayotte',
};

/** Seconds to add to UTC to get the zone's wall clock at `utc` (seconds). */
export function zoneOffset(zone: string, utc: number): number {
  return zoneOffsetMinutes(new Date(utc * 1000), zone) * 60;
}

/** The UTC instant of a wall-clock time (`local` seconds as if UTC) in `zone`; for the times the simulator uses (never in a DST gap). */
export function fromLocal(zone: string, local: number): number {
  let utc = local - zoneOffset(zone, local);
  utc = local - zoneOffset(zone, utc);
  return utc;
}

/** Midnight (Paris) of a `YYYY-MM-DD` day, as UTC seconds. */
export function parisMidnight(day: string): number {
  return fromLocal('Europe/Paris', Date.parse(`${day}T00:00:00Z`) / 1000);
}

export interface LocalTime {
  /** Wall-clock seconds as if UTC (for date arithmetic). */
  readonly local: number;
  readonly date: string;
  /** 0 Sunday … 6 Saturday. */
  readonly weekday: number;
  readonly secondOfDay: number;
}

export function localTime(zone: string, utc: number): LocalTime {
  const local = utc + zoneOffset(zone, utc);
  const d = new Date(local * 1000);
  return {
    local,
    date: d.toISOString().slice(0, 10),
    weekday: d.getUTCDay(),
    secondOfDay: ((local % DAY) + DAY) % DAY,
  };
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD HH:MM:SS` in the zone (dialers' server-local times). */
export function formatLocal(zone: string, utc: number): string {
  const d = new Date((utc + zoneOffset(zone, utc)) * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `DD/MM/YYYY HH:MM:SS` in the zone (French Excel). */
export function formatFrench(zone: string, utc: number): string {
  const d = new Date((utc + zoneOffset(zone, utc)) * 1000);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** ISO 8601 in UTC with `Z`, whole seconds. */
export function isoUtc(utc: number): string {
  return `${new Date(utc * 1000).toISOString().slice(0, 19)}Z`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 2822 in UTC, as Twilio writes it: `Mon, 19 Oct 2026 08:15:00 +0000`. */
export function rfc2822(utc: number): string {
  const d = new Date(utc * 1000);
  return `${WEEKDAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + n * DAY * 1000).toISOString().slice(0, 10);
}

/** Gregorian Easter Sunday (anonymous Meeus/Jones/Butcher), as `YYYY-MM-DD`. */
export function easter(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${pad(month)}-${pad(day)}`;
}

const national = new Map<number, ReadonlySet<string>>();

/** The 11 national public holidays (code du travail L3133-1) of a year. */
export function nationalHolidays(year: number): ReadonlySet<string> {
  let set = national.get(year);
  if (set === undefined) {
    const e = easter(year);
    set = new Set([
      `${year}-01-01`,
      addDays(e, 1),
      `${year}-05-01`,
      `${year}-05-08`,
      addDays(e, 39),
      addDays(e, 50),
      `${year}-07-14`,
      `${year}-08-15`,
      `${year}-11-01`,
      `${year}-11-11`,
      `${year}-12-25`,
    ]);
    national.set(year, set);
  }
  return set;
}

const ABOLITION: Readonly<Partial<Record<Territory, string>>> = {
  mayotte: '04-27',
  martinique: '05-22',
  guadeloupe: '05-27',
  guyane: '06-10',
  reunion: '12-20',
};

/** A holiday of the callee's territory only (law.md `hours.local_holiday`): Alsace-Moselle, abolition of slavery. */
export function isLocalHoliday(date: string, territory: Territory, alsaceMoselle: boolean): boolean {
  const year = Number(date.slice(0, 4));
  if (alsaceMoselle && (date === addDays(easter(year), -2) || date.slice(5) === '12-26')) return true;
  return ABOLITION[territory] === date.slice(5);
}
