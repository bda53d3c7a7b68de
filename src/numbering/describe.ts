import { type ArcepIndex, attributionOf } from './arcep.ts';
import type { Attribution, LineType, NumberInfo, Territory } from './model.ts';
import { libphonenumber } from './libphonenumber.ts';
import { normalisePhone } from './phone.ts';

/** Every French territory, metropolitan first. */
export const FRENCH_TERRITORIES_LIST: readonly Exclude<Territory, 'foreign'>[] = [
  'metropole',
  'guadeloupe',
  'saint_martin',
  'saint_barthelemy',
  'guyane',
  'martinique',
  'reunion',
  'mayotte',
  'saint_pierre_et_miquelon',
];

/** IANA zone per territory (law.md, "Callee's time zone and territory"). */
export const TIME_ZONES: Readonly<Record<Territory, string>> = {
  metropole: 'Europe/Paris',
  guadeloupe: 'America/Guadeloupe',
  saint_martin: 'America/Guadeloupe',
  saint_barthelemy: 'America/Guadeloupe',
  guyane: 'America/Cayenne',
  martinique: 'America/Martinique',
  reunion: 'Indian/Reunion',
  mayotte: 'Indian/Mayotte',
  saint_pierre_et_miquelon: 'America/Miquelon',
  // No zone can be derived for a foreign number; Paris is the caller's side and only a fallback.
  foreign: 'Europe/Paris',
};

/** Regions of the geographic numbers, by the digit after the 0. */
export const REGIONS: Readonly<Record<string, string>> = {
  '1': 'Île-de-France',
  '2': 'Nord-Ouest',
  '3': 'Nord-Est',
  '4': 'Sud-Est',
  '5': 'Sud-Ouest',
};

/** ARCEP's verified telemarketing (NPV) ranges: metropolitan then overseas (decision 2022-1583). */
export const TELEMARKETING_PREFIXES: readonly string[] = [
  '0162',
  '0163',
  '0270',
  '0271',
  '0377',
  '0378',
  '0424',
  '0425',
  '0568',
  '0569',
  '0948',
  '0949',
  '09475',
  '09476',
  '09477',
  '09478',
  '09479',
];

/** Country calling codes of the numbering plan ARCEP manages, with their default territory. */
const FRENCH_CALLING_CODES: readonly (readonly [string, Territory])[] = [
  ['33', 'metropole'],
  ['262', 'reunion'],
  ['590', 'guadeloupe'],
  ['594', 'guyane'],
  ['596', 'martinique'],
  ['508', 'saint_pierre_et_miquelon'],
];

const GUADELOUPE_GROUP: readonly Territory[] = ['guadeloupe', 'saint_martin', 'saint_barthelemy'];
const INDIAN_OCEAN: readonly Territory[] = ['reunion', 'mayotte'];

/**
 * National prefixes that name a territory (law.md, law-research §4). Longest prefix first. Used when
 * MAJNUM has no block for the number or labels the block `National`.
 */
const PREFIX_TERRITORIES: readonly (readonly [string, Territory])[] = [
  ['09475', 'guadeloupe'],
  ['09476', 'guyane'],
  ['09477', 'martinique'],
  ['09478', 'reunion'],
  ['09479', 'reunion'],
  ['0262', 'reunion'],
  ['0263', 'reunion'],
  ['0692', 'reunion'],
  ['0693', 'reunion'],
  ['0269', 'mayotte'],
  ['0639', 'mayotte'],
  ['0590', 'guadeloupe'],
  ['0690', 'guadeloupe'],
  ['0691', 'guadeloupe'],
  ['0594', 'guyane'],
  ['0694', 'guyane'],
  ['0596', 'martinique'],
  ['0696', 'martinique'],
  ['0697', 'martinique'],
  ['0508', 'saint_pierre_et_miquelon'],
  ['0708', 'saint_pierre_et_miquelon'],
];

/**
 * MAJNUM labels Guadeloupe, Saint-Martin and Saint-Barthélemy as one territory. These fixed-line
 * prefixes are the ones known to serve one island only; every other +590 number stays ambiguous.
 */
const ISLAND_PREFIXES: readonly (readonly [string, Territory])[] = [
  ['059027', 'saint_barthelemy'],
  ['059029', 'saint_barthelemy'],
  ['059087', 'saint_martin'],
];

/** ARCEP's short numbers: 1X/11X emergency, 10XY, 118XYZ, 3BPQ. */
const SHORT_NUMBER = /^(?:1\d{1,2}|10\d{2}|118\d{3}|3\d{3})$/;

interface Located {
  readonly territory: Territory;
  readonly possible: readonly Territory[];
}

/**
 * Decomposed, the accents of the Latin letters in ARCEP's labels are combining marks of U+0300–U+036F
 * (a plain range: `\p{M}` took `vigie check` 0.3 ms to compile).
 */
function accentless(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

const labelTerritories = new Map<string, Located | null>();

/** Maps MAJNUM's Territoire label; null for `National` and anything unknown. */
export function territoryOfArcepLabel(label: string): Located | null {
  // ARCEP's labels are a handful: each is read once (audits describe millions of numbers).
  let located = labelTerritories.get(label);
  if (located === undefined) {
    located = readArcepLabel(label);
    labelTerritories.set(label, located);
  }
  return located;
}

function readArcepLabel(label: string): Located | null {
  const text = accentless(label);
  if (text.includes('martinique')) return { territory: 'martinique', possible: ['martinique'] };
  if (text.includes('guadeloupe') || text.includes('martin') || text.includes('barthelemy')) {
    return { territory: 'guadeloupe', possible: GUADELOUPE_GROUP };
  }
  if (text.includes('mayotte')) return { territory: 'mayotte', possible: ['mayotte'] };
  // "La Réunion - Océan indien" blocks may serve Mayotte as well as Réunion.
  if (text.includes('reunion')) {
    return text.includes('ocean')
      ? { territory: 'reunion', possible: INDIAN_OCEAN }
      : { territory: 'reunion', possible: ['reunion'] };
  }
  if (text.includes('guyane')) return { territory: 'guyane', possible: ['guyane'] };
  if (text.includes('miquelon'))
    return { territory: 'saint_pierre_et_miquelon', possible: ['saint_pierre_et_miquelon'] };
  if (text.includes('metropole')) return { territory: 'metropole', possible: ['metropole'] };
  return null;
}

function startsWithAny(
  digits: string,
  table: readonly (readonly [string, Territory])[],
): Territory | undefined {
  return table.find(([prefix]) => digits.startsWith(prefix))?.[1];
}

function locateByPrefix(national: string): Located | null {
  const territory = startsWithAny(national, PREFIX_TERRITORIES);
  if (territory === undefined) return null;
  if (territory === 'guadeloupe') return { territory, possible: GUADELOUPE_GROUP };
  if (national.startsWith('09478') || national.startsWith('09479'))
    return { territory, possible: INDIAN_OCEAN };
  return { territory, possible: [territory] };
}

function refineIslands(located: Located, national: string): Located {
  if (located.territory !== 'guadeloupe') return located;
  const island = startsWithAny(national, ISLAND_PREFIXES);
  return island === undefined ? located : { territory: island, possible: [island] };
}

/**
 * The national digits of a number of the French plan: `+33162000000` → `0162000000`, `+262269…` →
 * `0269…`, `+508411234` → `0508411234`; a short number as is; null for foreign, hidden or malformed input.
 */
export function nationalDigits(number: string): string | null {
  if (SHORT_NUMBER.test(number)) return number;
  if (!/^\+\d{4,15}$/.test(number)) return null;
  const digits = number.slice(1);
  const code = FRENCH_CALLING_CODES.find(([prefix]) => digits.startsWith(prefix))?.[0];
  if (code === undefined) return null;
  const subscriber = digits.slice(code.length);
  // Saint-Pierre-et-Miquelon's fixed numbers have six digits; France writes them 05 08 xx xx xx.
  if (code === '508' && subscriber.length === 6) return `0508${subscriber}`;
  return `0${subscriber}`;
}

function callingCodeTerritory(number: string): Territory | undefined {
  const digits = number.slice(1);
  return FRENCH_CALLING_CODES.find(([prefix]) => digits.startsWith(prefix))?.[1];
}

/** Line type of national digits of the French plan (see `nationalDigits`). */
export function lineTypeOf(national: string): LineType {
  if (SHORT_NUMBER.test(national)) return 'short';
  // 13- and 14-digit 07 numbers are ARCEP's machine-to-machine mobile blocks.
  if (/^07\d{11,12}$/.test(national)) return 'mobile';
  if (national.length !== 10 || !national.startsWith('0')) return 'unknown';
  if (/^0[1-5]/.test(national)) return 'geographic';
  if (/^0[67]/.test(national)) return 'mobile';
  if (national.startsWith('09')) return 'non_geographic_09';
  if (/^080[0-5]/.test(national)) return 'special_free';
  if (/^080[6-9]/.test(national)) return 'special_normal';
  // law.md names 081/082/089; libphonenumber's FR metadata also classes the rarer 083–088 blocks as
  // premium-rate or shared-cost, that is surcharged too.
  if (national.startsWith('08')) return 'special_premium';
  return 'unknown';
}

/** Whether a number (E.164 or national digits) lies in ARCEP's verified telemarketing (NPV) ranges. */
export function isTelemarketingRange(number: string): boolean {
  const national = number.startsWith('+') ? nationalDigits(number) : number;
  if (national === null || !/^0\d{9}$/.test(national)) return false;
  return TELEMARKETING_PREFIXES.some((prefix) => national.startsWith(prefix));
}

/** French display of national digits: pairs (`01 62 00 00 00`); short numbers as dialled. */
export function formatFrench(national: string): string {
  if (SHORT_NUMBER.test(national) || !national.startsWith('0') || national.length < 4) return national;
  // Pairs of digits, a lone last digit joined to the last pair (by slices: audits format millions).
  const end = national.length % 2 === 1 ? national.length - 3 : national.length;
  let text = national.slice(0, 2);
  for (let i = 2; i < end; i += 2) text += ` ${national.slice(i, i + 2)}`;
  return end < national.length ? `${text} ${national.slice(end)}` : text;
}

function formatForeign(e164: string): string {
  return libphonenumber().parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

function canonical(number: string): string | null {
  const text = number.trim();
  if (text === 'anonymous' || /^\+\d+$/.test(text) || SHORT_NUMBER.test(text)) return text;
  const normalised = normalisePhone(text);
  return normalised.ok ? normalised.value : null;
}

/**
 * Everything the numbering plan says about one number: territory and zone, line type, NPV range and
 * ARCEP attribution. Total: an unrecognised input gives line type `unknown`. Without `arcep`,
 * `attribution` is null and `attributionChecked` false.
 * @example describeNumber('+33162000000', index).region // 'Île-de-France'
 */
export function describeNumber(number: string, arcep?: ArcepIndex): NumberInfo {
  const attributionChecked = arcep !== undefined;
  const e164 = canonical(number);
  if (e164 === 'anonymous') {
    return {
      e164: 'anonymous',
      national: 'anonymous',
      territory: 'metropole',
      timeZone: TIME_ZONES.metropole,
      lineType: 'hidden',
      region: null,
      telemarketingRange: false,
      attribution: null,
      nationalDigits: null,
      territoryCertain: false,
      possibleTerritories: FRENCH_TERRITORIES_LIST,
      attributionChecked,
    };
  }
  const national = e164 === null ? null : nationalDigits(e164);
  if (e164 === null || national === null) {
    const text = e164 ?? number.trim();
    const isForeign = e164 !== null;
    return {
      e164: text,
      national: isForeign ? formatForeign(text) : text,
      territory: 'foreign',
      timeZone: TIME_ZONES.foreign,
      lineType: isForeign ? 'foreign' : 'unknown',
      region: null,
      telemarketingRange: false,
      attribution: null,
      nationalDigits: null,
      territoryCertain: false,
      possibleTerritories: [],
      attributionChecked,
    };
  }
  const lineType = lineTypeOf(national);
  const attribution: Attribution | null =
    arcep !== undefined && lineType !== 'unknown' ? attributionOf(arcep, national) : null;
  const located = locate(e164, national, lineType, attribution);
  return {
    e164,
    national: formatFrench(national),
    territory: located.territory,
    timeZone: TIME_ZONES[located.territory],
    lineType,
    region:
      lineType === 'geographic' && located.territory === 'metropole'
        ? (REGIONS[national.charAt(1)] ?? null)
        : null,
    telemarketingRange: isTelemarketingRange(national),
    attribution,
    nationalDigits: national,
    territoryCertain: located.certain,
    possibleTerritories: located.possible,
    attributionChecked,
  };
}

function locate(
  e164: string,
  national: string,
  lineType: LineType,
  attribution: Attribution | null,
): Located & { readonly certain: boolean } {
  if (lineType === 'short')
    return { territory: 'metropole', possible: FRENCH_TERRITORIES_LIST, certain: false };
  const fromBlock = attribution === null ? null : territoryOfArcepLabel(attribution.territory);
  const fromPrefix = locateByPrefix(national);
  const fromCode = callingCodeTerritory(e164) ?? 'metropole';
  // Mayotte's prefixes are more precise than a shared "Réunion - Océan indien" block.
  const base: Located =
    fromBlock !== null && !(fromBlock.possible.length > 1 && fromPrefix?.possible.length === 1)
      ? fromBlock
      : (fromPrefix ??
        (fromCode === 'guadeloupe'
          ? { territory: fromCode, possible: GUADELOUPE_GROUP }
          : fromCode === 'reunion'
            ? { territory: fromCode, possible: INDIAN_OCEAN }
            : { territory: fromCode, possible: [fromCode] }));
  const located = refineIslands(base, national);
  if (located.territory === 'metropole' && lineType !== 'geographic') {
    // A metropolitan mobile, 08 or 09 number can be used anywhere (law.md).
    return { territory: 'metropole', possible: FRENCH_TERRITORIES_LIST, certain: false };
  }
  return { ...located, certain: located.possible.length === 1 && lineType !== 'unknown' };
}

/**
 * How a caller ID stands against law.md's caller-ID rules:
 * - `npv`: a verified telemarketing number (no caller-ID rule fires on its type);
 * - `geographic_outside_npv`, `non_geographic_09_outside_npv`: `callerid.not_npv` for call-centre prospecting;
 * - `mobile`: 06/07 and overseas mobiles, `callerid.mobile`;
 * - `hidden`, `premium_089`, `short_forbidden` (3BPQ other than 30PQ/31PQ), `directory_118`: `callerid.forbidden`;
 * - `short_allowed_30_31`: 30PQ/31PQ, allowed;
 * - `short_other`: 1X/11X/10XY service numbers, which law.md does not name;
 * - `special`: 08 numbers other than 089 (free, normal-rate, 081/082 and other surcharged 08), not named by law.md;
 * - `foreign`: a number outside the French plan;
 * - `unknown`: a +33/overseas number that fits no block of the plan.
 * `callerid.unattributed` is separate: it depends on `attribution`, not on the category.
 */
export type CallerIdCategory =
  | 'npv'
  | 'geographic_outside_npv'
  | 'non_geographic_09_outside_npv'
  | 'mobile'
  | 'premium_089'
  | 'short_allowed_30_31'
  | 'short_forbidden'
  | 'short_other'
  | 'directory_118'
  | 'hidden'
  | 'special'
  | 'foreign'
  | 'unknown';

/** The caller-ID category of a described number (see `CallerIdCategory`). */
export function callerIdCategory(info: NumberInfo): CallerIdCategory {
  const national = info.nationalDigits ?? nationalDigits(info.e164) ?? '';
  switch (info.lineType) {
    case 'hidden':
      return 'hidden';
    case 'foreign':
      return 'foreign';
    case 'mobile':
      return 'mobile';
    case 'short':
      if (/^118\d{3}$/.test(national)) return 'directory_118';
      if (/^3[01]\d{2}$/.test(national)) return 'short_allowed_30_31';
      if (/^3\d{3}$/.test(national)) return 'short_forbidden';
      return 'short_other';
    case 'geographic':
      return info.telemarketingRange ? 'npv' : 'geographic_outside_npv';
    case 'non_geographic_09':
      return info.telemarketingRange ? 'npv' : 'non_geographic_09_outside_npv';
    case 'special_premium':
      return national.startsWith('089') ? 'premium_089' : 'special';
    case 'special_free':
    case 'special_normal':
      return 'special';
    case 'unknown':
      return 'unknown';
  }
}
