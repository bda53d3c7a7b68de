/**
 * How the dashboard writes dates, numbers, money and phone numbers: French first (`lundi 23 novembre
 * 2026`, `01 62 00 00 00`, `12,5 %`, `1 250,00 €`), English on request. Pure: no DOM, no clock.
 */

export type Lang = 'fr' | 'en';

export const PARIS = 'Europe/Paris';

const LOCALES: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(lang: Lang, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${lang}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (format === undefined) {
    format = new Intl.NumberFormat(LOCALES[lang], options);
    cache.set(key, format);
  }
  return format;
}

function dateFormat(lang: Lang, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${lang}|${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (format === undefined) {
    format = new Intl.DateTimeFormat(LOCALES[lang], options);
    cache.set(key, format);
  }
  return format;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day `YYYY-MM-DD` as noon UTC, so that no zone moves it to another day. */
function dayInstant(day: string): Date | undefined {
  const match = DAY.exec(day);
  if (match === null) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
  // Date.UTC rolls 2026-13-01 over to 2027-01-01: such a day is not a day.
  return date.toISOString().slice(0, 10) === day ? date : undefined;
}

/** `2026-11-23` → `lundi 23 novembre 2026` (fr, with `1er` for the first) or `Monday 23 November 2026` (en). */
export function formatDay(day: string, lang: Lang): string {
  const date = dayInstant(day);
  if (date === undefined) return day;
  return longDay(date, lang, 'UTC');
}

function longDay(date: Date, lang: Lang, zone: string): string {
  const parts = dateFormat(lang, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: zone,
  })
    .formatToParts(date)
    .map((part) => (lang === 'fr' && part.type === 'day' && part.value === '1' ? '1er' : part.value));
  return parts.join('').replace(',', '');
}

/** `2026-11-23` → `23 nov.` (fr) or `23 Nov` (en): for chart axes and dense tables. */
export function formatShortDay(day: string, lang: Lang): string {
  const date = dayInstant(day);
  if (date === undefined) return day;
  return dateFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(date);
}

/**
 * An instant in Europe/Paris (`lundi 23 novembre 2026 à 19:59`), or in `zone` when it is another one,
 * then named (`lundi 23 novembre 2026 à 22:59 (heure de La Réunion)`).
 */
export function formatDateTime(iso: string, lang: Lang, zone: string = PARIS): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = longDay(date, lang, zone);
  const time = formatTime(iso, lang, zone);
  return lang === 'fr' ? `${day} à ${time}` : `${day}, ${time}`;
}

/** An instant for dense tables: `23 nov. 2026 à 19:59` (fr), `23 Nov 2026, 19:59` (en), Europe/Paris. */
export function formatShortDateTime(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = dateFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', timeZone: PARIS }).format(
    date,
  );
  const time = formatTime(iso, lang);
  return lang === 'fr' ? `${day} à ${time}` : `${day}, ${time}`;
}

/** `19:59`, with the zone's name after it when the zone is not Europe/Paris. */
export function formatTime(iso: string, lang: Lang, zone: string = PARIS): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = dateFormat(lang, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: zone,
  }).format(date);
  if (zone === PARIS) return time;
  const named = dateFormat(lang, { timeZone: zone, timeZoneName: 'long' })
    .formatToParts(date)
    .find((part) => part.type === 'timeZoneName')?.value;
  return `${time} (${named ?? zone})`;
}

/** A fraction as a percentage: `0.125` → `12,5 %` (fr), `12.5%` (en). */
export function formatPercent(fraction: number | null | undefined, lang: Lang, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return numberFormat(lang, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(fraction);
}

/** A count: `1250` → `1 250` (fr), `1,250` (en). */
export function formatInteger(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat(lang, { maximumFractionDigits: 0 }).format(value);
}

/** A decimal with `digits` digits after the comma: `72.46` → `72,5`. */
export function formatDecimal(value: number | null | undefined, lang: Lang, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** Money kept in integer cents: `125000` → `1 250,00 €` (fr), `€1,250.00` (en). */
export function formatMoney(cents: number, lang: Lang): string {
  return numberFormat(lang, { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** Country codes whose numbers France writes as ten digits with a leading 0 (metropolitan and DROM). */
const NATIONAL_CODES = ['33', '262', '590', '594', '596'];

/** The nine national significant digits of a French (metropolitan or overseas) E.164 number. */
function nationalDigits(e164: string): string | undefined {
  const digits = e164.slice(1);
  const code = NATIONAL_CODES.find((c) => digits.startsWith(c) && digits.length === c.length + 9);
  return code === undefined ? undefined : digits.slice(code.length);
}

/**
 * An E.164 number the French way: `+33162000000` → `01 62 00 00 00`, `+262692123456` → `06 92 12 34 56`.
 * Other countries keep their international form.
 */
export function formatPhone(e164: string): string {
  if (!/^\+\d{6,15}$/.test(e164)) return e164;
  const national = nationalDigits(e164);
  if (national === undefined) return e164;
  return `0${national}`.replace(/(\d{2})(?=\d)/g, '$1 ');
}

/**
 * What to look for in caller IDs when a number is typed any French way (`01 62 00 00 00`, `01.62.00.00.00`,
 * `+33 (0)1 62 00 00 00`, `0033162000000`, `162000000`, or a part such as `01 62`): its national significant
 * digits (`162000000`, `162`), or `+` and its digits when it is another country's. Empty when nothing
 * numeric was typed.
 */
export function phoneSearchDigits(typed: string): string {
  const text = typed.trim().replace(/\(0\)/g, '');
  let digits = text.replace(/\D/g, '');
  let international = text.startsWith('+');
  if (!international && digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  if (international) {
    const code = NATIONAL_CODES.find((c) => digits.startsWith(c));
    return code === undefined ? `+${digits}` : digits.slice(code.length);
  }
  return digits.startsWith('0') ? digits.slice(1) : digits;
}

/** Whether the caller ID `e164` matches what `phoneSearchDigits` made of the typed text. */
export function phoneMatches(e164: string, search: string): boolean {
  if (search === '') return true;
  if (search.startsWith('+')) return e164.startsWith(search);
  return (nationalDigits(e164) ?? e164.slice(1)).includes(search);
}
