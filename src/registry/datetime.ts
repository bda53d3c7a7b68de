import { zonedToUtc } from '../law/time.ts';

// Dates of registry and calls files and of `--at`: apart from csv.ts so that `vigie check` reads its
// `--at` without loading the CSV reader.

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string };

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const FRENCH = /^(\d{2})\/(\d{2})\/(\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

export interface ParsedDate {
  readonly ms: number;
  /** True when the text had no time of day. */
  readonly dateOnly: boolean;
}

/**
 * Reads `2026-11-23`, `2026-11-23T10:15:00+01:00`, `2026-11-23 10:15:00`, `23/11/2026` and
 * `23/11/2026 10:15(:00)`; a naive time is read in `timeZone`.
 */
export function parseDateTime(text: string, timeZone: string): Parsed<ParsedDate> {
  const iso = ISO.exec(text);
  const french = iso === null ? FRENCH.exec(text) : null;
  if (iso === null && french === null) return { ok: false, message: `unreadable date "${text}"` };
  const [year, month, day, hour, minute, second, zone] =
    iso !== null
      ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6], iso[7]]
      : [french?.[3], french?.[2], french?.[1], french?.[4], french?.[5], french?.[6], undefined];
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
  };
  const check = new Date(Date.UTC(fields.year, fields.month - 1, fields.day));
  if (
    check.getUTCMonth() !== fields.month - 1 ||
    check.getUTCDate() !== fields.day ||
    fields.hour > 23 ||
    fields.minute > 59 ||
    fields.second > 59
  ) {
    return { ok: false, message: `impossible date "${text}"` };
  }
  const dateOnly = hour === undefined;
  if (zone !== undefined) {
    const utc = Date.UTC(
      fields.year,
      fields.month - 1,
      fields.day,
      fields.hour,
      fields.minute,
      fields.second,
    );
    if (zone.toUpperCase() === 'Z') return { ok: true, value: { ms: utc, dateOnly } };
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    return { ok: true, value: { ms: utc - offset * 60_000, dateOnly } };
  }
  return { ok: true, value: { ms: zonedToUtc(fields, timeZone), dateOnly } };
}
