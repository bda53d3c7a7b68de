import { formatter } from '../shared/time.ts';
import { ZONE_TABLE, ZONE_TABLE_RANGE } from './zone-table.ts';

/** Wall-clock reading of an instant in one IANA zone. Pure: Intl only, no clock. */
export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  readonly date: string;
  /** `HH:MM:SS` in the zone. */
  readonly time: string;
  /** Seconds since local midnight. */
  readonly secondOfDay: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** Offset from UTC in minutes (positive east). */
  readonly offsetMinutes: number;
  readonly timeZone: string;
}

const DAY_MS = 86_400_000;

/** The wall-clock fields of `ms` in `timeZone` as numbers (year, month, day, hour, minute, second). */
function wallFields(ms: number, timeZone: string): [number, number, number, number, number, number] {
  const fields = [0, 0, 0, 0, 0, 0] as [number, number, number, number, number, number];
  for (const part of formatter(timeZone).formatToParts(ms)) {
    const value = Number(part.value);
    if (part.type === 'year') fields[0] = value;
    else if (part.type === 'month') fields[1] = value;
    else if (part.type === 'day') fields[2] = value;
    else if (part.type === 'hour') fields[3] = value;
    else if (part.type === 'minute') fields[4] = value;
    else if (part.type === 'second') fields[5] = value;
  }
  return fields;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Offset in minutes of `timeZone` at the whole second `ms`, from Intl. */
export function intlOffsetAt(ms: number, timeZone: string): number {
  const [y, mo, d, h, mi, s] = wallFields(ms, timeZone);
  return Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - ms) / 60_000);
}

/** The zone's offset at `ms` from the generated table, or undefined (zone or instant not in it). */
function tabulatedOffset(ms: number, timeZone: string): number | undefined {
  const pairs = ZONE_TABLE[timeZone];
  if (pairs === undefined || ms < ZONE_TABLE_RANGE[0] || ms >= ZONE_TABLE_RANGE[1]) return undefined;
  const minute = Math.floor(ms / 60_000);
  // The last pair whose start is at or before `minute` (the first one starts before the range).
  let lo = 0;
  let hi = pairs.length / 2;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((pairs[2 * mid] ?? 0) <= minute) lo = mid;
    else hi = mid;
  }
  return pairs[2 * lo + 1];
}

const HOUR_MS = 3_600_000;
const hourOffsets = new Map<string, Map<number, number | null>>();
let cachedHours = 0;

/**
 * The zone's offset during the UTC hour of `ms`, cached: Intl is slow and audits read millions of
 * instants. An hour whose two ends disagree (a transition inside it) is never cached.
 */
function cachedOffset(ms: number, timeZone: string): number {
  const tabulated = tabulatedOffset(ms, timeZone);
  if (tabulated !== undefined) return tabulated;
  const hour = Math.floor(ms / HOUR_MS);
  let zone = hourOffsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    hourOffsets.set(timeZone, zone);
  }
  let offset = zone.get(hour);
  if (offset === undefined) {
    const start = intlOffsetAt(hour * HOUR_MS, timeZone);
    offset = start === intlOffsetAt(hour * HOUR_MS + HOUR_MS - 1000, timeZone) ? start : null;
    if (++cachedHours > 500_000) {
      for (const hours of hourOffsets.values()) hours.clear();
      cachedHours = 0;
    }
    zone.set(hour, offset);
  }
  return offset ?? intlOffsetAt(ms, timeZone);
}

/** The local calendar day of `ms` in `timeZone`, in days since 1970-01-01 (`epochDay(localTime(…).date)`). */
export function localEpochDay(ms: number, timeZone: string): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  return Math.floor((wholeSecond + cachedOffset(wholeSecond, timeZone) * 60_000) / DAY_MS);
}

/** The numeric reading of an instant in a zone, without strings (see `localTime`). */
export interface LocalClock {
  /** Local calendar day, in days since 1970-01-01. */
  readonly day: number;
  readonly secondOfDay: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
}

/** `localTime` as numbers only: what the rules compare, for millions of calls. */
export function localClock(ms: number, timeZone: string): LocalClock {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  const local = wholeSecond + cachedOffset(wholeSecond, timeZone) * 60_000;
  const day = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday (4).
  return { day, secondOfDay: (local - day * DAY_MS) / 1000, weekday: ((((day + 3) % 7) + 7) % 7) + 1 };
}

/** Reads `instant` on a clock of `timeZone`, daylight-saving time included. */
export function localTime(instant: Date | number, timeZone: string): LocalTime {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  const offsetMinutes = cachedOffset(wholeSecond, timeZone);
  const wall = new Date(wholeSecond + offsetMinutes * 60_000);
  const [y, mo, d] = [wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate()];
  const [h, mi, s] = [wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds()];
  return {
    date: `${pad(y, 4)}-${pad(mo)}-${pad(d)}`,
    time: `${pad(h)}:${pad(mi)}:${pad(s)}`,
    secondOfDay: h * 3600 + mi * 60 + s,
    weekday: ((wall.getUTCDay() + 6) % 7) + 1,
    offsetMinutes,
    timeZone,
  };
}

/** ISO 8601 local writing with its offset: `2026-11-23T10:15:00+01:00`. */
export function isoLocal(local: LocalTime): string {
  const sign = local.offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(local.offsetMinutes);
  return `${local.date}T${local.time}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The UTC instant of a wall-clock reading in `timeZone`. In a DST gap the clock is read as if the
 * earlier offset still held (02:30 on a spring-forward day becomes 03:30); in an overlap the first one.
 */
export function zonedToUtc(
  fields: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number },
  timeZone: string,
): number {
  const naive = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour ?? 0,
    fields.minute ?? 0,
    fields.second ?? 0,
  );
  const offsetAt = (ms: number): number => localTime(ms, timeZone).offsetMinutes * 60_000;
  const before = naive - offsetAt(naive - DAY_MS / 2);
  const after = naive - offsetAt(naive + DAY_MS / 2);
  if (before === after) return before;
  // Around a transition: keep the candidate whose wall clock reads back as asked, the earlier one first.
  for (const candidate of [Math.min(before, after), Math.max(before, after)]) {
    if (candidate + offsetAt(candidate) === naive) return candidate;
  }
  return Math.min(before, after) + Math.abs(before - after);
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date. */
export function epochDay(date: string): number {
  return Math.floor(
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS,
  );
}

/** `YYYY-MM-DD` of an epoch day. */
export function dateOfEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** French short writing of a `YYYY-MM-DD` date: `23/11/2026`. */
export function frenchDate(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** French day and month only: `23/11`. */
export function frenchDayMonth(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}`;
}

export { DAY_MS };
