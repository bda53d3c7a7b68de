import type { Attribution } from './model.ts';

/**
 * ARCEP's numbering open data (MAJNUM.csv blocks, MAJRIO.csv operator names) as a compact,
 * sorted index. Pure: text in, index out; the caller decodes the files (Windows-1252) and does I/O.
 */

/** One attributed block of MAJNUM.csv. */
export interface ArcepBlock {
  /** EZABPQM: the block's prefix. */
  readonly prefix: string;
  /** First and last number of the block, same number of digits (`0162000000`, `3010`). */
  readonly start: string;
  readonly end: string;
  readonly operatorCode: string;
  /** MAJNUM's Territoire label, verbatim (`Métropole`, `Guadeloupe, St Martin et St Barthélemy`, `National`…). */
  readonly territory: string;
  /** ISO date (YYYY-MM-DD). */
  readonly attributedOn: string;
}

/** A line of an ARCEP file that was not loaded, with the reason (1-based line number). */
export interface ParseIssue {
  readonly line: number;
  readonly reason: string;
}

export type ParseResult<T> =
  | { readonly ok: true; readonly value: T; readonly issues: readonly ParseIssue[] }
  | { readonly ok: false; readonly error: string };

/**
 * The attributed blocks as parallel typed arrays sorted by `starts`. A number is keyed by its digit
 * count and value (`rangeKey`), so `0162…` (10 digits), `3010` (4) and 14-digit M2M numbers never collide.
 */
export interface ArcepIndex {
  readonly size: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly prefixLengths: Uint8Array;
  readonly operatorIndexes: Uint16Array;
  readonly territoryIndexes: Uint8Array;
  /** Attribution dates, in days since 1970-01-01. */
  readonly attributedDays: Int32Array;
  readonly operatorCodes: readonly string[];
  readonly territoryLabels: readonly string[];
  /** Mnémo → operator name, from MAJRIO.csv (which names only part of MAJNUM's operators). */
  readonly operatorNames: ReadonlyMap<string, string>;
  /** Latest attribution date in the data (ISO), a stand-in for the files' vintage. */
  readonly vintage: string | null;
}

/** Counts shown after an import. */
export interface ArcepStats {
  readonly blocks: number;
  readonly operators: number;
  readonly namedOperators: number;
  readonly territories: readonly string[];
  readonly vintage: string | null;
}

const MAX_DIGITS = 14;
const KEY_SCALE = 1e14;
const DAY_MS = 86_400_000;

/**
 * The sort key of a digit string: digit count × 10^14 + value. Exact in a double up to 14 digits
 * (15 × 10^14 < 2^53). Returns -1 for anything that is not 1–14 digits.
 */
export function rangeKey(digits: string): number {
  if (digits.length === 0 || digits.length > MAX_DIGITS || !/^\d+$/.test(digits)) return -1;
  return digits.length * KEY_SCALE + Number(digits);
}

function digitsOfKey(key: number): string {
  const length = Math.floor(key / KEY_SCALE);
  return String(key - length * KEY_SCALE).padStart(length, '0');
}

/** Splits one `;`-separated line, honouring double quotes (`"a;b"`, `""` for a quote). */
export function splitCsvLine(line: string, separator = ';'): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

function headerName(field: string): string {
  return field
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** `DD/MM/YYYY` → days since 1970-01-01, or undefined when not a real date. */
export function frenchDateToDays(text: string): number | undefined {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (match === null) return undefined;
  const [, dd, mm, yyyy] = match;
  const day = Number(dd);
  const month = Number(mm);
  const year = Number(yyyy);
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return time / DAY_MS;
}

export function daysToIso(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

const MAJNUM_COLUMNS = [
  'ezabpqm',
  'tranche_debut',
  'tranche_fin',
  'mnemo',
  'territoire',
  'date_attribution',
] as const;

/** Parses MAJNUM.csv text; bad lines are reported as issues, a missing header is an error. */
export function parseMajnum(text: string): ParseResult<ArcepBlock[]> {
  const all = lines(text);
  const header = splitCsvLine(all[0] ?? '').map(headerName);
  if (!header.includes('ezabpqm') || !header.includes('tranche_debut')) {
    return {
      ok: false,
      error: `not a MAJNUM.csv file: its first line lacks the EZABPQM and Tranche_Debut columns`,
    };
  }
  // Accents may arrive mangled (a UTF-8 copy read as Windows-1252): fall back to ARCEP's column order.
  const column = MAJNUM_COLUMNS.map((name, position) => {
    const found = header.indexOf(name);
    return found >= 0 ? found : position;
  });
  const [cPrefix, cStart, cEnd, cOperator, cTerritory, cDate] = column as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const blocks: ArcepBlock[] = [];
  const issues: ParseIssue[] = [];
  for (let i = 1; i < all.length; i++) {
    const raw = all[i] ?? '';
    if (raw.trim() === '') continue;
    const fields = splitCsvLine(raw);
    const prefix = fields[cPrefix] ?? '';
    const start = fields[cStart] ?? '';
    const end = fields[cEnd] ?? '';
    const operatorCode = fields[cOperator] ?? '';
    const territory = fields[cTerritory] ?? '';
    const date = fields[cDate] ?? '';
    const line = i + 1;
    if (!/^\d{1,14}$/.test(start) || !/^\d{1,14}$/.test(end) || start.length !== end.length) {
      issues.push({
        line,
        reason: `range ${start}–${end} is not two numbers of the same length (at most 14 digits)`,
      });
      continue;
    }
    if (start > end) {
      issues.push({ line, reason: `range ${start}–${end} ends before it starts` });
      continue;
    }
    if (!/^\d+$/.test(prefix) || !start.startsWith(prefix)) {
      issues.push({ line, reason: `block prefix ${prefix} does not start the range ${start}` });
      continue;
    }
    if (operatorCode === '') {
      issues.push({ line, reason: 'no operator code (Mnémo)' });
      continue;
    }
    const days = frenchDateToDays(date);
    if (days === undefined) {
      issues.push({ line, reason: `attribution date ${date} is not DD/MM/YYYY` });
      continue;
    }
    blocks.push({ prefix, start, end, operatorCode, territory, attributedOn: daysToIso(days) });
  }
  if (blocks.length === 0) return { ok: false, error: 'MAJNUM.csv holds no valid block' };
  return { ok: true, value: blocks, issues };
}

/** Parses MAJRIO.csv text into Mnémo → operator name; a code listed twice keeps its latest entry. */
export function parseMajrio(text: string): ParseResult<Map<string, string>> {
  const all = lines(text);
  const header = splitCsvLine(all[0] ?? '').map(headerName);
  const cCode = header.indexOf('code_attributaire');
  const cName = header.indexOf('attributaire');
  if (cCode < 0 || cName < 0) {
    return {
      ok: false,
      error: 'not a MAJRIO.csv file: its first line lacks the Code Attributaire and Attributaire columns',
    };
  }
  const cDate = header.findIndex((name) => name.startsWith('date'));
  const names = new Map<string, string>();
  const dates = new Map<string, number>();
  const issues: ParseIssue[] = [];
  for (let i = 1; i < all.length; i++) {
    const raw = all[i] ?? '';
    if (raw.trim() === '') continue;
    const fields = splitCsvLine(raw);
    const code = fields[cCode] ?? '';
    const name = fields[cName] ?? '';
    if (code === '' || name === '') {
      issues.push({ line: i + 1, reason: 'no operator code or name' });
      continue;
    }
    const days = frenchDateToDays(cDate >= 0 ? (fields[cDate] ?? '') : '') ?? 0;
    if (days >= (dates.get(code) ?? Number.NEGATIVE_INFINITY)) {
      names.set(code, name);
      dates.set(code, days);
    }
  }
  return { ok: true, value: names, issues };
}

/** Sorts the blocks into an index; a block overlapping an earlier one is dropped and reported. */
export function buildArcepIndex(
  blocks: readonly ArcepBlock[],
  operatorNames: ReadonlyMap<string, string> = new Map(),
): { readonly index: ArcepIndex; readonly issues: readonly ParseIssue[] } {
  const keyed = blocks
    .map((block) => ({ block, start: rangeKey(block.start), end: rangeKey(block.end) }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: typeof keyed = [];
  const issues: ParseIssue[] = [];
  for (const entry of keyed) {
    const last = kept.at(-1);
    if (last !== undefined && entry.start <= last.end) {
      issues.push({
        line: 0,
        reason: `block ${entry.block.prefix} (${entry.block.start}–${entry.block.end}) overlaps block ${last.block.prefix}`,
      });
      continue;
    }
    kept.push(entry);
  }
  const operatorCodes: string[] = [];
  const operatorPosition = new Map<string, number>();
  const territoryLabels: string[] = [];
  const territoryPosition = new Map<string, number>();
  const size = kept.length;
  const starts = new Float64Array(size);
  const ends = new Float64Array(size);
  const prefixLengths = new Uint8Array(size);
  const operatorIndexes = new Uint16Array(size);
  const territoryIndexes = new Uint8Array(size);
  const attributedDays = new Int32Array(size);
  let latest = Number.NEGATIVE_INFINITY;
  kept.forEach(({ block, start, end }, i) => {
    let op = operatorPosition.get(block.operatorCode);
    if (op === undefined) {
      op = operatorCodes.push(block.operatorCode) - 1;
      operatorPosition.set(block.operatorCode, op);
    }
    let territory = territoryPosition.get(block.territory);
    if (territory === undefined) {
      territory = territoryLabels.push(block.territory) - 1;
      territoryPosition.set(block.territory, territory);
    }
    const days = Date.parse(`${block.attributedOn}T00:00:00Z`) / DAY_MS;
    starts[i] = start;
    ends[i] = end;
    prefixLengths[i] = block.prefix.length;
    operatorIndexes[i] = op;
    territoryIndexes[i] = territory;
    attributedDays[i] = days;
    latest = Math.max(latest, days);
  });
  if (operatorCodes.length > 0xffff || territoryLabels.length > 0xff) {
    throw new Error('ARCEP data has more operators or territories than the index can hold');
  }
  const names = new Map([...operatorNames].filter(([code]) => operatorPosition.has(code)));
  return {
    index: {
      size,
      starts,
      ends,
      prefixLengths,
      operatorIndexes,
      territoryIndexes,
      attributedDays,
      operatorCodes,
      territoryLabels,
      operatorNames: names,
      vintage: Number.isFinite(latest) ? daysToIso(latest) : null,
    },
    issues,
  };
}

/** Parses both files and indexes them: the one call behind `vigie numbering update` and the build script. */
export function indexArcepFiles(
  majnumText: string,
  majrioText?: string,
): ParseResult<{ readonly index: ArcepIndex; readonly stats: ArcepStats }> {
  const blocks = parseMajnum(majnumText);
  if (!blocks.ok) return blocks;
  const names = majrioText === undefined ? undefined : parseMajrio(majrioText);
  if (names !== undefined && !names.ok) return names;
  const { index, issues } = buildArcepIndex(blocks.value, names?.value);
  return {
    ok: true,
    value: { index, stats: arcepStats(index) },
    issues: [...blocks.issues, ...(names?.issues ?? []), ...issues],
  };
}

export function arcepStats(index: ArcepIndex): ArcepStats {
  return {
    blocks: index.size,
    operators: index.operatorCodes.length,
    namedOperators: index.operatorNames.size,
    territories: index.territoryLabels,
    vintage: index.vintage,
  };
}

/** Position of the block holding `digits` (a national number or short number), or -1. Binary search. */
export function findBlock(index: ArcepIndex, digits: string): number {
  const key = rangeKey(digits);
  if (key < 0) return -1;
  const { starts, ends } = index;
  let low = 0;
  let high = index.size - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if ((starts[mid] ?? Number.POSITIVE_INFINITY) <= key) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found >= 0 && (ends[found] ?? -1) >= key ? found : -1;
}

/** The block at a position of the index, as MAJNUM wrote it. */
export function blockAt(index: ArcepIndex, position: number): ArcepBlock | null {
  const start = index.starts[position];
  const end = index.ends[position];
  const prefixLength = index.prefixLengths[position];
  const operator = index.operatorCodes[index.operatorIndexes[position] ?? -1];
  const territory = index.territoryLabels[index.territoryIndexes[position] ?? -1];
  const days = index.attributedDays[position];
  if (
    start === undefined ||
    end === undefined ||
    prefixLength === undefined ||
    operator === undefined ||
    territory === undefined ||
    days === undefined
  ) {
    return null;
  }
  const startDigits = digitsOfKey(start);
  return {
    prefix: startDigits.slice(0, prefixLength),
    start: startDigits,
    end: digitsOfKey(end),
    operatorCode: operator,
    territory,
    attributedOn: daysToIso(days),
  };
}

/** ARCEP's attribution of the block holding `digits`, or null when no attributed block holds it. */
export function attributionOf(index: ArcepIndex, digits: string): Attribution | null {
  const block = blockAt(index, findBlock(index, digits));
  if (block === null) return null;
  return {
    block: block.prefix,
    operatorCode: block.operatorCode,
    operatorName: index.operatorNames.get(block.operatorCode) ?? null,
    territory: block.territory,
    attributedOn: block.attributedOn,
  };
}

const FORMAT = 'vigie-arcep-index';
const FORMAT_VERSION = 1;

/** The serialised form: columns, with starts delta-encoded so that gzip shrinks them well. */
interface SerialisedIndex {
  readonly format: typeof FORMAT;
  readonly version: typeof FORMAT_VERSION;
  readonly vintage: string | null;
  readonly operatorCodes: readonly string[];
  readonly operatorNames: Readonly<Record<string, string>>;
  readonly territoryLabels: readonly string[];
  readonly startDeltas: readonly number[];
  readonly sizes: readonly number[];
  readonly prefixLengths: readonly number[];
  readonly operators: readonly number[];
  readonly territories: readonly number[];
  readonly dayDeltas: readonly number[];
}

/** A compact JSON text of the index (about 5× smaller than MAJNUM.csv before compression). */
export function serialiseArcepIndex(index: ArcepIndex): string {
  const startDeltas: number[] = [];
  const sizes: number[] = [];
  const dayDeltas: number[] = [];
  let previousStart = 0;
  let previousDay = 0;
  for (let i = 0; i < index.size; i++) {
    const start = index.starts[i] ?? 0;
    const day = index.attributedDays[i] ?? 0;
    startDeltas.push(start - previousStart);
    sizes.push((index.ends[i] ?? 0) - start);
    dayDeltas.push(day - previousDay);
    previousStart = start;
    previousDay = day;
  }
  const serialised: SerialisedIndex = {
    format: FORMAT,
    version: FORMAT_VERSION,
    vintage: index.vintage,
    operatorCodes: index.operatorCodes,
    operatorNames: Object.fromEntries([...index.operatorNames].sort(([a], [b]) => a.localeCompare(b))),
    territoryLabels: index.territoryLabels,
    startDeltas,
    sizes,
    prefixLengths: [...index.prefixLengths],
    operators: [...index.operatorIndexes],
    territories: [...index.territoryIndexes],
    dayDeltas,
  };
  return JSON.stringify(serialised);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(n: unknown): n is number {
  return Number.isSafeInteger(n);
}

function numbers(value: unknown, name: string, length: number): readonly number[] {
  // Array builtins rather than a loop: this runs once per process start, before any JIT warms up.
  if (!Array.isArray(value) || value.length !== length || !value.every(isInteger)) {
    throw new Error(`ARCEP index: column ${name} is missing, has the wrong length or holds a non-integer`);
  }
  return value;
}

function strings(value: unknown, name: string): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) for (const s of value) if (typeof s === 'string') out.push(s);
  if (!Array.isArray(value) || out.length !== value.length) {
    throw new Error(`ARCEP index: ${name} is not a list of strings`);
  }
  return out;
}

/** Reads `serialiseArcepIndex`'s output back; throws on anything else (a corrupt or foreign file). */
export function deserialiseArcepIndex(text: string): ArcepIndex {
  const data: unknown = JSON.parse(text);
  if (!isRecord(data) || data.format !== FORMAT || data.version !== FORMAT_VERSION) {
    throw new Error(`not a ${FORMAT} version ${FORMAT_VERSION} file`);
  }
  const operatorCodes = strings(data.operatorCodes, 'operatorCodes');
  const territoryLabels = strings(data.territoryLabels, 'territoryLabels');
  const size = Array.isArray(data.startDeltas) ? data.startDeltas.length : 0;
  const startDeltas = numbers(data.startDeltas, 'startDeltas', size);
  const sizes = numbers(data.sizes, 'sizes', size);
  const dayDeltas = numbers(data.dayDeltas, 'dayDeltas', size);
  const prefixLengths = Uint8Array.from(numbers(data.prefixLengths, 'prefixLengths', size));
  const operatorIndexes = Uint16Array.from(numbers(data.operators, 'operators', size));
  const territoryIndexes = Uint8Array.from(numbers(data.territories, 'territories', size));
  const starts = new Float64Array(size);
  const ends = new Float64Array(size);
  const attributedDays = new Int32Array(size);
  let start = 0;
  let day = 0;
  for (let i = 0; i < size; i++) {
    start += startDeltas[i] ?? 0;
    day += dayDeltas[i] ?? 0;
    starts[i] = start;
    ends[i] = start + (sizes[i] ?? 0);
    attributedDays[i] = day;
    if (
      (operatorIndexes[i] ?? 0) >= operatorCodes.length ||
      (territoryIndexes[i] ?? 0) >= territoryLabels.length
    ) {
      throw new Error(`ARCEP index: block ${i} refers to an unknown operator or territory`);
    }
    if (i > 0 && start <= (ends[i - 1] ?? 0)) throw new Error(`ARCEP index: block ${i} is out of order`);
  }
  const names = new Map<string, string>();
  if (isRecord(data.operatorNames)) {
    for (const [code, name] of Object.entries(data.operatorNames))
      if (typeof name === 'string') names.set(code, name);
  }
  const vintage = typeof data.vintage === 'string' ? data.vintage : null;
  return {
    size,
    starts,
    ends,
    prefixLengths,
    operatorIndexes,
    territoryIndexes,
    attributedDays,
    operatorCodes,
    territoryLabels,
    operatorNames: names,
    vintage,
  };
}
