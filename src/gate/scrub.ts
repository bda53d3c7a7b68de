import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import type { Violation } from '../law/evaluate.ts';
import { normalisePhone } from '../numbering/phone.ts';
import { decodeText } from '../registry/load.ts';
import { UsageError } from '../shared/errors.ts';
import { keyNumber, numberKey } from './compact.ts';
import { csvField, detectDelimiter, fieldText, newSpan, nextRecord, splitFields } from './csv-rows.ts';
import type { GateEngine, GateQuestion } from './engine.ts';

/**
 * Rules a scrub leaves out: they depend on when and from which caller ID the call will be placed, not
 * on the contact (the gate checks them before each call).
 */
export function scrubbedRule(rule: string): boolean {
  return !rule.startsWith('hours.') && !rule.startsWith('callerid.');
}

/** The reason id of a row whose number cannot be read for sure (not guessed: excluded). */
export const UNREADABLE = 'scrub.unreadable_number';

export interface ScrubOptions {
  readonly input: string;
  readonly out: string;
  readonly excluded: string;
  readonly client: string;
  readonly campaign: string | null;
  /** UTC ms the contacts are scrubbed for. */
  readonly at: number;
  /** The phone column's name; detected when absent. */
  readonly column?: string;
}

export interface ScrubResult {
  readonly input: { readonly path: string; readonly sha256: string; readonly bytes: number };
  readonly column: string;
  readonly rows: number;
  readonly callable: number;
  readonly excluded: number;
  /** Excluded rows per reason (a row counts once for each of its rules). */
  readonly byRule: Readonly<Record<string, number>>;
  readonly out: { readonly path: string; readonly sha256: string };
  readonly excludedFile: { readonly path: string; readonly sha256: string };
}

const PHONE_NAMES = /^(?:phone|telephone|tel|numero|number|num|mobile|portable|msisdn|callee|gsm|contact)/;

function plain(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Buffered writes to a file, with its sha256. */
class Output {
  readonly #fd: number;
  readonly #buf = Buffer.allocUnsafe(1 << 20);
  #pos = 0;
  readonly #hash = createHash('sha256');

  constructor(path: string) {
    this.#fd = openSync(path, 'w');
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.#pos + n > this.#buf.length) this.flush();
    if (n > this.#buf.length) {
      const part = src.subarray(start, end);
      this.#hash.update(part);
      writeSync(this.#fd, part);
      return;
    }
    this.#buf.set(src.subarray(start, end), this.#pos);
    this.#pos += n;
  }

  text(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.bytes(b, 0, b.length);
  }

  flush(): void {
    if (this.#pos === 0) return;
    const part = this.#buf.subarray(0, this.#pos);
    this.#hash.update(part);
    writeSync(this.#fd, part);
    this.#pos = 0;
  }

  close(): string {
    this.flush();
    closeSync(this.#fd);
    return this.#hash.digest('hex');
  }
}

/** What the scrub decided for one callee: callable, or the excluded row's added cells. */
interface Verdict {
  readonly excluded: boolean;
  readonly rules: readonly string[];
  /** The two added cells, delimiter first, CSV-escaped. */
  readonly cells: string;
}

const CALLABLE: Verdict = { excluded: false, rules: [], cells: '' };

/**
 * The `+33` key of a clean writing of a number (`0612345678`, `06 12 34 56 78`, `+33 6 12…`), read
 * from the field's bytes without a string, or -1 (then the text goes through `normalisePhone`).
 * `plus` tells the writing: 1 for `+33…`, 0 for `0…`.
 */
function fastKey(buf: Uint8Array, start: number, end: number, out: { plus: number }): number {
  let i = start;
  let e = end;
  if (e - i >= 2 && buf[i] === 0x22 && buf[e - 1] === 0x22) {
    i++;
    e--;
  }
  let digits = 0;
  let key = 0;
  let plus = -1;
  for (; i < e; i++) {
    const c = buf[i] as number;
    if (c >= 0x30 && c <= 0x39) {
      if (plus === -1) {
        // A national writing: the leading 0 is not part of the key.
        if (c !== 0x30) return -1;
        plus = 0;
        continue;
      }
      if (plus === 1 && digits < 2) {
        // +33: the country code.
        if (c !== 0x33) return -1;
        digits++;
        continue;
      }
      key = key * 10 + (c - 0x30);
      digits++;
    } else if (c === 0x2b && plus === -1) plus = 1;
    else if (c !== 0x20 && c !== 0x2e && c !== 0x2d) return -1;
  }
  const need = plus === 1 ? 11 : 9;
  if (plus === -1 || digits !== need) return -1;
  if (plus === 0 && key < 100_000_000) return -1;
  out.plus = plus;
  return key;
}

/**
 * Scrubs a contact file against the gate: every row whose number the registry, the live counts and
 * the law allow is copied to `out` byte for byte; every other row goes to `excluded` with its rule ids
 * and French explanations in two added columns. Rows in = callable + excluded (blank lines are not rows).
 */
export function scrubFile(engine: GateEngine, options: ScrubOptions): ScrubResult {
  let buf: Buffer;
  try {
    buf = readFileSync(options.input);
  } catch (error) {
    throw new UsageError(`cannot read contacts file ${options.input}`, { cause: error });
  }
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const span = newSpan();
  let pos = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  if (!nextRecord(buf, pos, 0x2c, -1, span) || span.end === span.start)
    throw new UsageError(`${options.input}: empty file, no header line`);
  const headerText = decodeText(buf.subarray(span.start, span.end));
  const delimiter = detectDelimiter(headerText);
  const names = splitFields(headerText, delimiter);
  const column = phoneColumn(names, options, buf, span.next, delimiter);
  const out = new Output(options.out);
  const excl = new Output(options.excluded);
  out.bytes(buf, 0, span.next);
  const d = String.fromCharCode(delimiter);
  const eol = buf[span.end] === 0x0d ? '\r\n' : '\n';
  excl.bytes(buf, 0, span.end);
  excl.text(`${d}vigie_rules${d}vigie_reasons${eol}`);
  pos = span.next;

  const registry = engine.registry;
  const history = engine.history;
  const base: GateQuestion = {
    caller: '+33162000000',
    callee: '',
    at: options.at,
    client: options.client,
    campaign: options.campaign,
    purpose: 'prospecting',
    provider: null,
  };
  const verdictOf = (violations: readonly Violation[]): Verdict => {
    const kept = violations.filter((v) => scrubbedRule(v.rule));
    if (!kept.some((v) => v.severity === 'violation')) return CALLABLE;
    const rules = kept.map((v) => v.rule);
    const reasons = kept.map((v) => `${v.rule} : ${v.explanation}`).join(' | ');
    return {
      excluded: true,
      rules,
      cells: `${d}${csvField(rules.join(' '), delimiter)}${d}${csvField(reasons, delimiter)}`,
    };
  };
  // Every callee the registry and the counts know nothing of gets the same decision as any other of
  // its zone (the rules then read only its place): one per zone, keyed by its ARCEP block of 1,000.
  const blockZone = new Uint8Array(1_000_000);
  const zones = new Map<string, number>();
  const zoneVerdicts: Verdict[] = [];
  const plusBlocks = new Uint8Array(1_000_000);
  const nationalBlocks = new Uint8Array(1_000_000);
  const fast = { plus: 0 };
  const byRule = new Map<string, number>();
  let rows = 0;
  let callable = 0;
  let excluded = 0;
  const columnIndex = names.indexOf(column);

  const verdictForKey = (key: number, e164: string | null): Verdict => {
    if (registry.knowsNothingOf(key) && !history.hasCalleeKey(key)) {
      const block = (key / 1000) | 0;
      let zone = blockZone[block] ?? 0;
      if (zone === 0) {
        const info = engine.describe(e164 ?? keyNumber(key));
        const name = `${info.territory}|${info.timeZone}`;
        zone = zones.get(name) ?? 0;
        if (zone === 0) {
          zone = zones.size + 1;
          zones.set(name, zone);
          zoneVerdicts[zone] = verdictOf(engine.lawViolations({ ...base, callee: e164 ?? keyNumber(key) }));
        }
        blockZone[block] = zone;
      }
      return zoneVerdicts[zone] ?? CALLABLE;
    }
    return verdictOf(engine.lawViolations({ ...base, callee: e164 ?? keyNumber(key) }));
  };

  while (nextRecord(buf, pos, delimiter, columnIndex, span)) {
    pos = span.next;
    if (span.end === span.start) continue;
    rows++;
    let verdict: Verdict;
    let key = fastKey(buf, span.fieldStart, span.fieldEnd, fast);
    if (key >= 0) {
      // The writing's block was checked once against normalisePhone: same answer for its 1,000 numbers.
      const blocks = fast.plus === 1 ? plusBlocks : nationalBlocks;
      const block = (key / 1000) | 0;
      let state = blocks[block] ?? 0;
      if (state === 0) {
        const digits = String(key).padStart(9, '0');
        const r = normalisePhone(fast.plus === 1 ? `+33${digits}` : `0${digits}`);
        state = r.ok && r.value === `+33${digits}` ? 1 : 2;
        blocks[block] = state;
      }
      if (state === 2) key = -1;
    }
    if (key >= 0) verdict = verdictForKey(key, null);
    else {
      const raw = fieldText(buf, span.fieldStart, span.fieldEnd);
      const r = normalisePhone(raw);
      if (!r.ok) {
        verdict = {
          excluded: true,
          rules: [UNREADABLE],
          cells: `${d}${UNREADABLE}${d}${csvField(`${UNREADABLE} : numéro illisible « ${raw.trim()} » (colonne ${column}) / unreadable number`, delimiter)}`,
        };
      } else {
        const k = numberKey(r.value);
        verdict =
          k >= 0 ? verdictForKey(k, r.value) : verdictOf(engine.lawViolations({ ...base, callee: r.value }));
      }
    }
    if (!verdict.excluded) {
      callable++;
      out.bytes(buf, span.start, span.next);
      continue;
    }
    excluded++;
    for (const rule of verdict.rules) byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
    excl.bytes(buf, span.start, span.end);
    excl.text(verdict.cells);
    excl.text(span.next > span.end + 1 ? '\r\n' : '\n');
  }
  const outHash = out.close();
  const exclHash = excl.close();
  return {
    input: { path: options.input, sha256, bytes: buf.length },
    column,
    rows,
    callable,
    excluded,
    byRule: Object.fromEntries([...byRule].sort(([a], [b]) => (a < b ? -1 : 1))),
    out: { path: options.out, sha256: outHash },
    excludedFile: { path: options.excluded, sha256: exclHash },
  };
}

/** The phone column: the one named, else the first whose name says so, else the first whose values read as numbers. */
function phoneColumn(
  names: readonly string[],
  options: ScrubOptions,
  buf: Uint8Array,
  firstRow: number,
  delimiter: number,
): string {
  const file = basename(options.input);
  if (options.column !== undefined) {
    if (!names.includes(options.column))
      throw new UsageError(`${file}: no column "${options.column}" (columns: ${names.join(', ')})`);
    return options.column;
  }
  const named = names.find((n) => PHONE_NAMES.test(plain(n)));
  if (named !== undefined) return named;
  const span = newSpan();
  for (let c = 0; c < names.length; c++) {
    let pos = firstRow;
    let seen = 0;
    let ok = 0;
    while (seen < 20 && nextRecord(buf, pos, delimiter, c, span)) {
      pos = span.next;
      if (span.end === span.start) continue;
      seen++;
      if (normalisePhone(fieldText(buf, span.fieldStart, span.fieldEnd)).ok) ok++;
    }
    if (seen > 0 && ok === seen) return names[c] ?? '';
  }
  throw new UsageError(
    `${file}: no phone column found (columns: ${names.join(', ')}); name it with --column / aucune colonne de numéros`,
  );
}
