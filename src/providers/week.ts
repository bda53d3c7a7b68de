import { zonedToUtc } from '../law/time.ts';
import { addDays, dayNumber } from '../reputation/dates.ts';

/** An ISO 8601 week in Europe/Paris: Monday to Sunday, and its UTC bounds. */
export interface IsoWeek {
  /** `2026-W47` */
  readonly id: string;
  readonly year: number;
  readonly week: number;
  /** The seven Paris days, Monday first. */
  readonly days: readonly string[];
  readonly monday: string;
  readonly sunday: string;
  /** UTC instants: Monday 00:00 Paris (inclusive) and the next Monday 00:00 Paris (exclusive). */
  readonly from: number;
  readonly to: number;
}

const WEEK = /^(\d{4})-W(\d{2})$/;

/** Day of the week of a `YYYY-MM-DD`, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  // 1970-01-01 was a Thursday (4).
  return ((((dayNumber(day) + 3) % 7) + 7) % 7) + 1;
}

/** The ISO week holding `day`. */
export function weekOfDay(day: string): IsoWeek {
  const thursday = addDays(day, 4 - isoWeekday(day));
  const year = Number(thursday.slice(0, 4));
  const firstThursday = addDays(`${year}-01-04`, 4 - isoWeekday(`${year}-01-04`));
  const week = 1 + Math.round((dayNumber(thursday) - dayNumber(firstThursday)) / 7);
  return weekOf(year, week);
}

function parisMidnight(day: string): number {
  return zonedToUtc(
    { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) },
    'Europe/Paris',
  );
}

function weekOf(year: number, week: number): IsoWeek {
  const jan4 = `${year}-01-04`;
  const monday = addDays(jan4, 1 - isoWeekday(jan4) + (week - 1) * 7);
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const sunday = days[6] ?? monday;
  return {
    id: `${year}-W${String(week).padStart(2, '0')}`,
    year,
    week,
    days,
    monday,
    sunday,
    from: parisMidnight(monday),
    to: parisMidnight(addDays(monday, 7)),
  };
}

/** `2026-W47` → the week, or undefined when it is not an ISO week of that year. */
export function parseIsoWeek(text: string): IsoWeek | undefined {
  const m = WEEK.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > 53) return undefined;
  const w = weekOf(year, week);
  return w.year === year && weekOfDay(w.monday).id === w.id ? w : undefined;
}

/** The week `n` weeks before (negative: after). */
export function weeksBefore(week: IsoWeek, n: number): IsoWeek {
  return weekOfDay(addDays(week.monday, -7 * n));
}

/** `2026-11` of a day. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}
