import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { libphonenumber, phoneMetadata } from './libphonenumber.ts';

/** An E.164 number (`+33162000000`), a French short number (`3010`, `118712`) or `anonymous`. */
export type PhoneNumber = string;

export type PhoneResult =
  | { readonly ok: true; readonly value: PhoneNumber }
  | { readonly ok: false; readonly reason: 'empty' | 'invalid' };

/**
 * Territories whose numbers are dialled from France with a national `0` prefix: metropolitan France
 * first, then the overseas departments and collectivities that share France's trunk prefix. A national
 * writing such as `0262 12 34 56` is valid only as Réunion's +262 262 12 34 56, so each is tried in turn.
 */
export const FRENCH_TERRITORIES = ['FR', 'RE', 'YT', 'GP', 'MF', 'BL', 'GF', 'MQ', 'PM'] as const;

/** Caller IDs that hide the number, as dialers write them. */
const HIDDEN = new Set([
  'anonymous',
  'anonyme',
  'private',
  'privé',
  'prive',
  'restricted',
  'unavailable',
  'unknown',
  'masqué',
  'masque',
  'hidden',
]);

/**
 * French short numbers reachable from any line (ARCEP): emergency 15, 17, 18, 112, 114, 115, 119, 191–197,
 * 116XYZ, the operators' 10XY (X ≥ 1), directory 118XYZ and the 3BPQ services. Not E.164: kept as
 * dialled. Any other 2–6 digit number is a PBX extension (`100`, `1001`, `214943`), not a subscriber.
 */
const SHORT_NUMBER_SOURCE = '(?:1[5789]|11[0-9]|19[1-7]|116\\d{3}|118\\d{3}|10[1-9]\\d|3\\d{3})';
const SHORT_NUMBER = new RegExp(`^${SHORT_NUMBER_SOURCE}$`);

/** The short-number pattern for SQL (`regexp_full_match`). */
export const FRENCH_SHORT_NUMBER_PATTERN = SHORT_NUMBER_SOURCE;

const SEPARATORS = /[\s.\-()/\u00a0]/g;

/** The default region of numbers written without an international prefix. */
export const DEFAULT_REGION = 'FR';

/** Whether libphonenumber-js knows `region` (an ISO 3166 code such as `FR`, `MA`, `TN`). */
export function isSupportedRegion(region: string): boolean {
  return libphonenumber().isSupportedCountry(
    region as Parameters<ReturnType<typeof libphonenumber>['isSupportedCountry']>[0],
  );
}

/**
 * Territories whose national writings a region's users dial with the region's own rules: France and the
 * overseas departments and collectivities that share its plan (`0262…` is Réunion), else the region alone.
 */
export function regionTerritories(region: string): readonly string[] {
  return region === 'FR' ? FRENCH_TERRITORIES : [region];
}

/**
 * Normalises one writing of a phone number to E.164 with libphonenumber-js. Pure; no cache.
 * A writing without an international prefix is read in `region` (default FR) and must be written as that
 * region writes its numbers (with its national prefix, `0` in France): `123654987` is not guessed into
 * `+33123654987`, nor `214943` into Saint-Pierre-et-Miquelon. The result's territory is always one of the
 * region's (`regionTerritories`) or the one the writing's own international prefix names.
 */
export function normalisePhone(raw: string, region: string = DEFAULT_REGION): PhoneResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (HIDDEN.has(text.toLowerCase())) return { ok: true, value: 'anonymous' };
  const compact = text.replace(SEPARATORS, '');
  if (region === 'FR' && SHORT_NUMBER.test(compact)) return { ok: true, value: compact };
  if (!/^\+?\d+$/.test(compact)) return { ok: false, reason: 'invalid' };
  const fast = frenchFastPath(compact, region);
  if (fast !== undefined) return { ok: true, value: fast };
  const { parsePhoneNumberFromString } = libphonenumber();
  const international = internationalWriting(compact, region);
  if (international !== undefined) {
    const parsed = parsePhoneNumberFromString(international);
    return parsed?.isValid() ? { ok: true, value: parsed.number } : { ok: false, reason: 'invalid' };
  }
  // A national writing: valid in one of the region's territories, written with that territory's national
  // prefix (libphonenumber-js also accepts the bare national number, which is how `123654987` became
  // a French number).
  const asWritten = (parsed: ReturnType<typeof parsePhoneNumberFromString>) =>
    parsed?.isValid() === true && parsed.formatNational().replace(/\D/g, '') === compact;
  // An overseas fixed or mobile number (0262…, 0690…) belongs to its territory even where France's own
  // patterns also accept it (libphonenumber-js takes 0269… and 0596… as valid +33 numbers). Only the
  // overseas prefixes count: libphonenumber-js also lists France's 0806–0809 as overseas fixed lines.
  for (const territory of region === 'FR' && OVERSEAS_PREFIX.test(compact) ? OVERSEAS_TERRITORIES : []) {
    const parsed = parsePhoneNumberFromString(compact, territory);
    const type = asWritten(parsed) ? parsed?.getType() : undefined;
    if (parsed && (type === 'FIXED_LINE' || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE')) {
      return { ok: true, value: parsed.number };
    }
  }
  for (const territory of regionTerritories(region)) {
    const parsed = parsePhoneNumberFromString(compact, territory as 'FR');
    if (parsed && asWritten(parsed)) return { ok: true, value: parsed.number };
  }
  return { ok: false, reason: 'invalid' };
}

/**
 * The `+…` form of a writing with an international prefix: `+…`, `00…`, or, without either, the region's
 * own calling code followed by a full national number (`33162000000`; for France also the overseas codes
 * 262, 590, 594, 596 with 9 digits). Undefined for a national writing.
 */
function internationalWriting(compact: string, region: string): string | undefined {
  if (compact.startsWith('+')) return compact;
  if (compact.startsWith('00')) return `+${compact.slice(2)}`;
  if (region === 'FR') return /^(?:33|262|590|594|596)\d{9}$/.test(compact) ? `+${compact}` : undefined;
  const code = callingCode(region);
  if (!compact.startsWith(code) || compact.startsWith('0')) return undefined;
  const parsed = libphonenumber().parsePhoneNumberFromString(`+${compact}`);
  return parsed?.isValid() && parsed.countryCallingCode === code ? `+${compact}` : undefined;
}

const OVERSEAS_TERRITORIES = FRENCH_TERRITORIES.filter((t) => t !== 'FR');

/** National prefixes of the overseas geographic and mobile numbers (law.md: 0262, 0269, 0590, 0639, 0690…). */
const OVERSEAS_PREFIX = /^0(?:26|59|63|69)/;
const OVERSEAS_PREFIX_SOURCE = '0(?:26|59|63|69)';

let fastPatterns: { france: RegExp; national: RegExp; overseas: RegExp } | undefined;

/**
 * The E.164 form of a clean metropolitan writing (`+33…`, or a national `0…` of ten digits that no
 * overseas territory claims) that libphonenumber-js's own patterns accept, else undefined: the same
 * answer as the library (and as `phoneFastPathSql`) without loading it.
 */
function frenchFastPath(compact: string, region: string): string | undefined {
  const plus = compact.startsWith('+33');
  if (!plus && region !== 'FR') return undefined;
  if (!plus && !(compact.length === 10 && compact.startsWith('0') && !compact.startsWith('00')))
    return undefined;
  if (fastPatterns === undefined) {
    const sources = builtFastPatternSources() ?? fastPatternSources();
    fastPatterns = {
      france: new RegExp(sources.france),
      national: new RegExp(sources.national),
      overseas: new RegExp(sources.overseas),
    };
  }
  if (plus) return fastPatterns.france.test(compact) ? compact : undefined;
  if (fastPatterns.overseas.test(compact) || !fastPatterns.national.test(compact)) return undefined;
  return `+33${compact.slice(1)}`;
}

export interface FastPatternSources {
  readonly france: string;
  readonly national: string;
  readonly overseas: string;
}

/** The fast path's patterns, from libphonenumber-js's metadata (a JSON file of ~7 ms to load). */
export function fastPatternSources(): FastPatternSources {
  return {
    france: `^\\+33${validNationalPattern('FR')}$`,
    national: `^0${validNationalPattern('FR')}$`,
    overseas: `^(?=${OVERSEAS_PREFIX_SOURCE})0(?:${OVERSEAS_TERRITORIES.map((t) => validNationalPattern(t, [0, 1])).join('|')})$`,
  };
}

/** Where the build writes `fastPatternSources()`, beside the compiled code (dist/ only). */
export const FAST_PATTERNS_FILE_NAME = 'phone-patterns.json';

/** The patterns as the build wrote them, else undefined (sources run from src/, an unreadable file). */
function builtFastPatternSources(): FastPatternSources | undefined {
  const path = fileURLToPath(new URL(`./data/${FAST_PATTERNS_FILE_NAME}`, import.meta.url));
  if (!existsSync(path)) return undefined;
  try {
    const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (
      typeof data === 'object' &&
      data !== null &&
      'france' in data &&
      typeof data.france === 'string' &&
      'national' in data &&
      typeof data.national === 'string' &&
      'overseas' in data &&
      typeof data.overseas === 'string'
    )
      return { france: data.france, national: data.national, overseas: data.overseas };
  } catch {
    // Unreadable: the metadata says the same, more slowly.
  }
  return undefined;
}

/**
 * A memoising normaliser: call records repeat the same few caller IDs millions of times, and
 * callees repeat across days, so each distinct writing is parsed once.
 */
export class PhoneNormaliser {
  readonly #cache = new Map<string, PhoneResult>();
  readonly #limit: number;

  constructor(limit = 1_000_000) {
    this.#limit = limit;
  }

  normalise(raw: string, region: string = DEFAULT_REGION): PhoneResult {
    const key = region === DEFAULT_REGION ? raw : `${region}\u0000${raw}`;
    let result = this.#cache.get(key);
    if (result === undefined) {
      result = normalisePhone(raw, region);
      if (this.#cache.size >= this.#limit) this.#cache.clear();
      this.#cache.set(key, result);
    }
    return result;
  }
}

type CountryMetadata = readonly unknown[];

function countryMetadata(territory: string): CountryMetadata {
  const entry = phoneMetadata().countries[territory];
  if (entry === undefined) throw new Error(`libphonenumber-js has no metadata for ${territory}`);
  return entry;
}

/**
 * The national-number patterns of a territory's number types, from libphonenumber-js's metadata (types
 * in its order: 0 fixed line, 1 mobile, then the special ones); all of them by default.
 */
export function validNationalPattern(territory: string, typeIndexes?: readonly number[]): string {
  const types = countryMetadata(territory)[11];
  const patterns = (Array.isArray(types) ? types : [])
    .filter((_, i) => typeIndexes === undefined || typeIndexes.includes(i))
    .filter((type): type is [string, ...unknown[]] => Array.isArray(type) && typeof type[0] === 'string')
    .map((type) => type[0]);
  return `(?:${patterns.join('|')})`;
}

export function callingCode(territory: string): string {
  return String(countryMetadata(territory)[0]);
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A DuckDB expression removing the separators that people type inside phone numbers. */
export function phoneStripSql(column: string): string {
  // A regex replacement copies every value; most numbers are already compact, so look first.
  const separators = [' ', '.', '-', '(', ')', '/', '\u00a0']
    .map((c) => `contains(${column}, '${c}')`)
    .join(' OR ');
  return `(CASE WHEN ${separators} THEN regexp_replace(${column}, '[ .\\-()/\u00a0]', '', 'g') ELSE ${column} END)`;
}

/**
 * A DuckDB expression giving the E.164 form of `stripped` (see `phoneStripSql`) when the writing is a
 * clean metropolitan number (`+33…` or a national `0…` of ten digits) that libphonenumber-js's own
 * patterns accept, NULL otherwise. It lets the ingest of millions of rows skip JavaScript for the common
 * writings; every other writing, overseas numbers included, goes through `normalisePhone`. Three
 * regular expressions only: each query compiles them, and ingest runs a query per file.
 * A property test keeps the two paths in agreement.
 */
export function phoneFastPathSql(stripped: string, region: string = DEFAULT_REGION): string {
  const key = `${region}\u0000${stripped}`;
  let sql = fastPathSqlCache.get(key);
  if (sql === undefined) {
    sql = buildPhoneFastPathSql(stripped, region);
    fastPathSqlCache.set(key, sql);
  }
  return sql;
}

const fastPathSqlCache = new Map<string, string>();

function buildPhoneFastPathSql(stripped: string, region: string): string {
  const france = validNationalPattern('FR');
  // A national `0…` writing is French only when the region is France.
  if (region !== 'FR') {
    return `(CASE WHEN starts_with(${stripped}, '+33') AND regexp_full_match(${stripped}, ${sqlString(`\\+33${france}`)}) THEN ${stripped} END)`;
  }
  const overseasFixedOrMobile = OVERSEAS_TERRITORIES.map((t) => validNationalPattern(t, [0, 1])).join('|');
  return `(CASE
    WHEN starts_with(${stripped}, '+33') AND regexp_full_match(${stripped}, ${sqlString(`\\+33${france}`)}) THEN ${stripped}
    WHEN starts_with(${stripped}, '0') AND length(${stripped}) = 10
         AND NOT (regexp_matches(${stripped}, ${sqlString(`^${OVERSEAS_PREFIX_SOURCE}`)})
                  AND regexp_full_match(${stripped}, ${sqlString(`0(?:${overseasFixedOrMobile})`)}))
         AND regexp_full_match(${stripped}, ${sqlString(`0${france}`)}) THEN '+33' || substr(${stripped}, 2)
  END)`;
}
