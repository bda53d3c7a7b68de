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

/** ARCEP's short numbers (3BPQ, 10XY, 118XYZ, 1X emergency): not E.164, kept as dialled. */
const SHORT_NUMBER = /^(?:1\d{1,2}|10\d{2}|118\d{3}|3\d{3})$/;

const SEPARATORS = /[\s.\-()/\u00a0]/g;

/** Normalises one writing of a phone number to E.164 with libphonenumber-js. Pure; no cache. */
export function normalisePhone(raw: string): PhoneResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (HIDDEN.has(text.toLowerCase())) return { ok: true, value: 'anonymous' };
  const compact = text.replace(SEPARATORS, '');
  if (SHORT_NUMBER.test(compact)) return { ok: true, value: compact };
  if (!/^\+?\d+$/.test(compact)) return { ok: false, reason: 'invalid' };
  const fast = frenchFastPath(compact);
  if (fast !== undefined) return { ok: true, value: fast };
  const { parsePhoneNumberFromString } = libphonenumber();
  // `33162000000` and `0033…` are international writings without the plus.
  const international = compact.startsWith('+')
    ? compact
    : compact.startsWith('00')
      ? `+${compact.slice(2)}`
      : /^(?:33|262|590|594|596|508)\d{9}$/.test(compact) || /^508\d{6}$/.test(compact)
        ? `+${compact}`
        : undefined;
  if (international !== undefined) {
    const parsed = parsePhoneNumberFromString(international);
    return parsed?.isValid() ? { ok: true, value: parsed.number } : { ok: false, reason: 'invalid' };
  }
  // An overseas fixed or mobile number (0262…, 0690…) belongs to its territory even where France's own
  // patterns also accept it (libphonenumber-js takes 0269… and 0596… as valid +33 numbers). Only the
  // overseas prefixes count: libphonenumber-js also lists France's 0806–0809 as overseas fixed lines.
  for (const territory of OVERSEAS_PREFIX.test(compact) ? OVERSEAS_TERRITORIES : []) {
    const parsed = parsePhoneNumberFromString(compact, territory);
    const type = parsed?.isValid() ? parsed.getType() : undefined;
    if (parsed && (type === 'FIXED_LINE' || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE')) {
      return { ok: true, value: parsed.number };
    }
  }
  for (const territory of FRENCH_TERRITORIES) {
    const parsed = parsePhoneNumberFromString(compact, territory);
    if (parsed?.isValid()) return { ok: true, value: parsed.number };
  }
  return { ok: false, reason: 'invalid' };
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
function frenchFastPath(compact: string): string | undefined {
  const plus = compact.startsWith('+33');
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

  normalise(raw: string): PhoneResult {
    let result = this.#cache.get(raw);
    if (result === undefined) {
      result = normalisePhone(raw);
      if (this.#cache.size >= this.#limit) this.#cache.clear();
      this.#cache.set(raw, result);
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
export function phoneFastPathSql(stripped: string): string {
  let sql = fastPathSqlCache.get(stripped);
  if (sql === undefined) {
    sql = buildPhoneFastPathSql(stripped);
    fastPathSqlCache.set(stripped, sql);
  }
  return sql;
}

const fastPathSqlCache = new Map<string, string>();

function buildPhoneFastPathSql(stripped: string): string {
  const france = validNationalPattern('FR');
  const overseasFixedOrMobile = OVERSEAS_TERRITORIES.map((t) => validNationalPattern(t, [0, 1])).join('|');
  return `(CASE
    WHEN starts_with(${stripped}, '+33') AND regexp_full_match(${stripped}, ${sqlString(`\\+33${france}`)}) THEN ${stripped}
    WHEN starts_with(${stripped}, '0') AND length(${stripped}) = 10
         AND NOT (regexp_matches(${stripped}, ${sqlString(`^${OVERSEAS_PREFIX_SOURCE}`)})
                  AND regexp_full_match(${stripped}, ${sqlString(`0(?:${overseasFixedOrMobile})`)}))
         AND regexp_full_match(${stripped}, ${sqlString(`0${france}`)}) THEN '+33' || substr(${stripped}, 2)
  END)`;
}
