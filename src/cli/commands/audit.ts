import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { type FindingsSummary, TABLE_FIELDS } from '../../audit/findings.ts';
import { violationJson } from '../../audit/json.ts';
import { auditStoredFindings, type StoredFindings } from '../../audit/stored.ts';
import { auditCalls, type Violation } from '../../law/evaluate.ts';
import type { RuleSet } from '../../law/rules.ts';
import { zonedToUtc } from '../../law/time.ts';
import {
  type CallRecord,
  DEFAULT_SHORT_CALL_SECONDS,
  OUTCOMES,
  type Outcome,
  PURPOSES,
} from '../../records/model.ts';
import { formatRowError, parseBoolean, parseDateTime, parsePhone, readTable } from '../../registry/csv.ts';
import {
  decodeText,
  type LoadedRegistry,
  loadRegistryFiles,
  loadRegistryFolder,
} from '../../registry/load.ts';
import { REGISTRY_FILES, type RegistryFile, type RowError } from '../../registry/model.ts';
import { UsageError } from '../../shared/errors.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { CSV_COLUMNS } from '../findings-csv.ts';
import { count, renderCsv, renderTable, tableHead, tableLine } from '../format.ts';
import {
  addRegistryOptions,
  lawFacts,
  loadRules,
  type RegistryFlags,
  registerHolidayLibrary,
} from './law-options.ts';

const OUTCOME_SYNONYMS: Record<string, Outcome> = {
  'no-answer': 'no_answer',
  noanswer: 'no_answer',
  cancelled: 'canceled',
  invalid: 'invalid_number',
};

function outcomeOf(text: string): Outcome | undefined {
  const lower = text.toLowerCase();
  return OUTCOMES.find((o) => o === lower) ?? OUTCOME_SYNONYMS[lower];
}

function numberOf(text: string): number | null | undefined {
  if (text === '') return null;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}

export interface ReadCalls {
  readonly calls: CallRecord[];
  readonly errors: RowError[];
}

/**
 * Reads a canonical call CSV (records.md §1) into call records, in memory. Rows with a missing or
 * unreadable required field are reported with file, line and field, never silently dropped.
 */
export function readCallsFile(
  text: string,
  file: string,
  options: { readonly timeZone: string; readonly provider?: string; readonly client?: string },
): ReadCalls {
  const table = readTable(text, file, ['call_id', 'started_at', 'caller', 'callee', 'outcome']);
  const errors: RowError[] = [...table.errors];
  const calls: CallRecord[] = [];
  for (const row of table.rows) {
    const before = errors.length;
    const fail = (field: string, message: string) => errors.push({ file, line: row.line, field, message });
    const required = (field: string): string => {
      const value = row.get(field);
      if (value === '') fail(field, 'required value missing');
      return value;
    };
    const optional = (field: string): string | null => (row.get(field) === '' ? null : row.get(field));
    const callId = required('call_id');
    const startedText = required('started_at');
    const started = startedText === '' ? undefined : parseDateTime(startedText, options.timeZone);
    if (started !== undefined && !started.ok) fail('started_at', started.message);
    const phone = (field: string): string => {
      const value = required(field);
      if (value === '') return '';
      const parsed = parsePhone(value);
      if (!parsed.ok) fail(field, parsed.message);
      return parsed.ok ? parsed.value : '';
    };
    const caller = phone('caller');
    const callee = phone('callee');
    const outcomeText = required('outcome');
    const outcome = outcomeOf(outcomeText);
    if (outcomeText !== '' && outcome === undefined) fail('outcome', `unknown outcome "${outcomeText}"`);
    const purposeText = row.get('purpose').toLowerCase();
    const purpose = purposeText === '' ? 'prospecting' : PURPOSES.find((p) => p === purposeText);
    if (purpose === undefined) fail('purpose', `unknown purpose "${purposeText}"`);
    const directionText = row.get('direction').toLowerCase();
    if (directionText !== '' && directionText !== 'outbound' && directionText !== 'inbound') {
      fail('direction', `unknown direction "${directionText}"`);
    }
    const refusedText = row.get('refused');
    const refused = refusedText === '' ? { ok: true as const, value: false } : parseBoolean(refusedText);
    if (!refused.ok) fail('refused', refused.message);
    const ring = numberOf(row.get('ring_seconds'));
    const talk = numberOf(row.get('talk_seconds'));
    if (ring === undefined) fail('ring_seconds', `not a number "${row.get('ring_seconds')}"`);
    if (talk === undefined) fail('talk_seconds', `not a number "${row.get('talk_seconds')}"`);
    if (errors.length > before || started === undefined || !started.ok || outcome === undefined) continue;
    calls.push({
      provider: optional('provider') ?? options.provider ?? '',
      callId,
      startedAt: new Date(started.value.ms),
      caller,
      callee,
      direction: directionText === 'inbound' ? 'inbound' : 'outbound',
      outcome,
      short:
        outcome === 'answered' && talk !== null && talk !== undefined && talk < DEFAULT_SHORT_CALL_SECONDS,
      ringSeconds: ring ?? null,
      talkSeconds: talk ?? null,
      site: optional('site'),
      client: optional('client') ?? options.client ?? null,
      campaign: optional('campaign'),
      agent: optional('agent'),
      purpose: purpose ?? 'prospecting',
      refused: refused.ok && refused.value,
      sipCode: numberOf(row.get('sip_code')) ?? null,
      q850Cause: numberOf(row.get('q850_cause')) ?? null,
      attestation: ((a) => (a === 'A' || a === 'B' || a === 'C' ? a : null))(
        row.get('attestation').toUpperCase(),
      ),
      disposition: optional('disposition'),
      signal: null,
    });
  }
  return { calls, errors };
}

export {
  addRegistryOptions,
  lawFacts,
  loadRules,
  type RegistryFlags,
  registerHolidayLibrary,
} from './law-options.ts';

/** Reads the registry named by the flags (folder first, then each file flag overriding it). */
export function loadRegistryFromFlags(flags: RegistryFlags): LoadedRegistry {
  const fileFlags: Partial<Record<RegistryFile, string>> = {};
  for (const kind of REGISTRY_FILES) {
    const path = flags[kind];
    if (path !== undefined) fileFlags[kind] = path;
  }
  if (flags.registry !== undefined && Object.keys(fileFlags).length > 0) {
    throw new UsageError('give either --registry DIR or one flag per registry file, not both');
  }
  if (flags.registry !== undefined) return loadRegistryFolder(flags.registry);
  return loadRegistryFiles(fileFlags);
}

export function reportRowErrors(ctx: CliContext, errors: readonly RowError[]): void {
  const shown = errors.slice(0, 50);
  for (const error of shown) ctx.err(`vigie: ${formatRowError(error)}`);
  if (errors.length > shown.length) ctx.err(`vigie: … and ${errors.length - shown.length} more row errors`);
}

function perThousand(n: number, calls: number): string {
  if (calls === 0) return '–';
  return ((n / calls) * 1000)
    .toLocaleString('fr-FR', { maximumFractionDigits: 1 })
    .replace(/\u202f|\u00a0/g, ' ');
}

/** How many calls were audited, in total and per provider (the denominators of the summary). */
export interface CallCounts {
  readonly total: number;
  readonly byProvider: ReadonlyMap<string, number>;
}

export function countCalls(calls: readonly CallRecord[]): CallCounts {
  const byProvider = new Map<string, number>();
  for (const c of calls) byProvider.set(c.provider, (byProvider.get(c.provider) ?? 0) + 1);
  return { total: calls.length, byProvider };
}

/** The table of violations, then the summary: violations per rule and per provider, per 1,000 calls. */
/**
 * The violations an audit prints, in order, one at a time: an array, or stored findings read back
 * from their JSON one by one (millions of them never all exist as objects at once).
 */
export interface ViolationList {
  readonly length: number;
  at(k: number): Violation;
  /** Gathered as the findings were found: the table then reads them once, not twice. */
  readonly summary?: FindingsSummary;
}

function listOf(violations: readonly Violation[]): ViolationList {
  return {
    length: violations.length,
    at: (k) => {
      const v = violations[k];
      if (v === undefined) throw new RangeError(`no violation ${k} of ${violations.length}`);
      return v;
    },
  };
}

/** The table's column headers: its fields' names, in words. */
const TABLE_HEADERS = TABLE_FIELDS.map((field) => (field === 'localTime' ? 'local time' : field));

function tableRow(v: Violation): string[] {
  return TABLE_FIELDS.map((field) => v[field] ?? '');
}

/** The summary of `violations`, read through once. */
function summaryOf(violations: ViolationList): FindingsSummary {
  const summary: FindingsSummary = {
    longest: TABLE_FIELDS.map(() => 0),
    byRule: new Map(),
    byProvider: new Map(),
  };
  for (let k = 0; k < violations.length; k++) {
    const v = violations.at(k);
    const row = tableRow(v);
    for (let c = 0; c < row.length; c++)
      summary.longest[c] = Math.max(summary.longest[c] ?? 0, (row[c] ?? '').length);
    const rule = summary.byRule.get(v.rule) ?? { violation: 0, warning: 0 };
    rule[v.severity] += 1;
    summary.byRule.set(v.rule, rule);
    summary.byProvider.set(v.provider, (summary.byProvider.get(v.provider) ?? 0) + 1);
  }
  return summary;
}

export function renderAuditTable(violations: readonly Violation[], counts: CallCounts): string {
  return [...auditTableLines(listOf(violations), counts)].join('\n');
}

/**
 * The audit's table line by line: the findings (read twice: for the columns' widths and the
 * summaries, then for the lines), then the totals, the findings per rule and per provider.
 */
export function* auditTableLines(violations: ViolationList, counts: CallCounts): Generator<string> {
  const { longest, byRule, byProvider } = violations.summary ?? summaryOf(violations);
  const widths = TABLE_HEADERS.map((h, c) => Math.max(h.length, longest[c] ?? 0));
  const providers = new Map<string, { calls: number; findings: number }>();
  for (const [provider, n] of counts.byProvider) providers.set(provider, { calls: n, findings: 0 });
  for (const [provider, n] of byProvider) {
    const entry = providers.get(provider) ?? { calls: 0, findings: 0 };
    entry.findings += n;
    providers.set(provider, entry);
  }
  if (violations.length > 0) {
    yield* tableHead(TABLE_HEADERS, widths);
    for (let k = 0; k < violations.length; k++) yield tableLine(tableRow(violations.at(k)), widths);
    yield '';
  }
  const total = counts.total;
  yield `${count(total)} calls, ${count(violations.length)} findings / ${count(total)} appels, ${count(violations.length)} constats`;
  if (byRule.size > 0) {
    yield '';
    yield renderTable(
      ['rule', 'severity', 'findings', 'per 1,000 calls'],
      [...byRule.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([rule, n]) => [
          rule,
          n.violation > 0 ? 'violation' : 'warning',
          count(n.violation + n.warning),
          perThousand(n.violation + n.warning, total),
        ]),
    );
  }
  if (providers.size > 0) {
    yield '';
    yield renderTable(
      ['provider', 'calls', 'findings', 'per 1,000 calls'],
      [...providers.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([provider, n]) => [
          provider === '' ? '(none)' : provider,
          count(n.calls),
          count(n.findings),
          perThousand(n.findings, n.calls),
        ]),
    );
  }
}

interface AuditFlags extends RegistryFlags {
  readonly calls?: string;
  readonly format: string;
  readonly timezone: string;
  readonly provider?: string;
  readonly client?: string;
  readonly from?: string;
  readonly to?: string;
  readonly db: string;
  readonly rules?: string;
  readonly threads?: string;
}

/** `--threads N`: 1 to 64, or the machine's cores (at most 8) by default. */
function threadsFlag(value: string | undefined): number {
  if (value === undefined) return Math.min(8, availableParallelism());
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--threads ${value}: expected a whole number from 1 to 64`);
  return n;
}

/** `--from 2026-11-01` is the start of that day in Paris; `--to` a day includes it; an ISO instant is taken as is. */
export function dayFlag(name: string, value: string | undefined, end: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day !== null) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3]) + (end ? 1 : 0)];
    return new Date(zonedToUtc({ year, month, day: date }, 'Europe/Paris'));
  }
  const parsed = parseDateTime(value, 'Europe/Paris');
  if (!parsed.ok)
    throw new UsageError(`--${name} ${value}: expected a date (2026-11-23) or an ISO 8601 time`);
  return new Date(parsed.value.ms);
}

/** About how many characters are written at once: large writes, but no string of millions of findings. */
const JSON_CHUNK = 1 << 20;

/**
 * Prints `n` findings as one JSON array, one finding a line (`[` + the findings joined by `,\n` + `]`),
 * in writes of about a megabyte: millions of findings do not fit in one string.
 */
function printJson(ctx: CliContext, n: number, json: (i: number) => string): void {
  if (n === 0) ctx.out('[]');
  let chunk = '[';
  for (let i = 0; i < n; i++) {
    chunk += json(i);
    if (i === n - 1) ctx.out(`${chunk}]`);
    else if (chunk.length >= JSON_CHUNK) {
      ctx.out(`${chunk},`);
      chunk = '';
    } else chunk += ',\n';
  }
}

/**
 * Prints in pieces of about a megabyte: millions of violations do not fit in one string (JSON stays
 * one valid array, the table one aligned table).
 */
function printViolations(
  ctx: CliContext,
  format: string,
  violations: ViolationList,
  counts: CallCounts,
): void {
  const slice = 10_000;
  if (format === 'json') {
    printJson(ctx, violations.length, (i) => violationJson(violations.at(i)));
  } else if (format === 'csv') {
    ctx.out(renderCsv(CSV_COLUMNS, []));
    for (let i = 0; i < violations.length; i += slice) {
      const rows: unknown[][] = [];
      for (let k = i; k < Math.min(i + slice, violations.length); k++) {
        const v = violations.at(k);
        rows.push(CSV_COLUMNS.map((c) => v[c]));
      }
      ctx.out(renderCsv(CSV_COLUMNS, rows).split('\n').slice(1).join('\n'));
    }
  } else printLines(ctx, auditTableLines(violations, counts));
}

/** Prints `lines` (each ended by a newline) through `ctx.out`, in pieces of about a megabyte. */
function printLines(ctx: CliContext, lines: Iterable<string>): void {
  let piece: string[] = [];
  let size = 0;
  for (const line of lines) {
    piece.push(line);
    size += line.length + 1;
    if (size >= JSON_CHUNK) {
      ctx.out(piece.join('\n'));
      piece = [];
      size = 0;
    }
  }
  if (piece.length > 0) ctx.out(piece.join('\n'));
}

function hasRegistryFlags(flags: RegistryFlags): boolean {
  return flags.registry !== undefined || REGISTRY_FILES.some((kind) => flags[kind] !== undefined);
}

/** `vigie audit` without `--calls`: the stored calls, with the stored registry (or the files given). */
async function auditStore(ctx: CliContext, flags: AuditFlags, rules: RuleSet): Promise<void> {
  const from = dayFlag('from', flags.from, false);
  const to = dayFlag('to', flags.to, true);
  const threads = threadsFlag(flags.threads);
  const filter = {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(flags.provider === undefined ? {} : { provider: flags.provider }),
    ...(flags.client === undefined ? {} : { client: flags.client }),
  };
  if (!hasRegistryFlags(flags)) {
    // The stored registry: each worker thread audits its share of the callees.
    const { auditStoredInThreads } = await import('../stored-audit.ts');
    const bar = ctx.env.progress === true ? await auditBar() : undefined;
    let audit: StoredFindings;
    try {
      audit = await auditStoredInThreads(
        { db: flags.db, env: ctx.env, rules, filter, format: flags.format === 'csv' ? 'csv' : 'json' },
        threads,
        bar === undefined ? undefined : (read, total) => bar.update(read, total),
      );
    } finally {
      bar?.stop();
    }
    printStoredFindings(ctx, flags.format, audit);
    return;
  }
  const files = loadRegistryFromFlags(flags);
  reportRowErrors(ctx, files.errors);
  // DuckDB loads only when a database is read: `vigie check` without --db starts faster without it.
  const { openStore } = await import('../../store/store.ts');
  const store = await openStore({ path: flags.db, readOnly: true });
  try {
    // The registry of the files named, in memory: one thread (each worker would parse the files).
    const facts = { ...lawFacts(ctx.env, files.index, false), streamRegistry: false };
    printStoredFindings(ctx, flags.format, await auditStoredFindings(store, facts, rules, filter));
  } finally {
    store.close();
  }
  if (files.errors.length > 0) ctx.setExitCode(3);
}

/** A progress bar on standard error: rows read of the calls and their history. */
async function auditBar(): Promise<{ update(read: number, total: number): void; stop(): void }> {
  const { SingleBar } = await import('cli-progress');
  const bar = new SingleBar({
    format: 'audit [{bar}] {percentage}% | {read} appels lus sur {all} | ETA {eta_formatted}',
    hideCursor: true,
    stream: process.stderr,
  });
  let started = false;
  return {
    update(read, total) {
      if (!started) bar.start(total, 0, { read: count(0), all: count(total) });
      started = true;
      bar.update(read, { read: count(read), all: count(total) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function printStoredFindings(ctx: CliContext, format: string, audit: StoredFindings): void {
  const { findings, order } = audit;
  // JSON and CSV: the findings were kept as their lines, copied out in order.
  if (format === 'json' || format === 'csv') findings.print(order, { text: ctx.out, bytes: ctx.outBytes });
  else {
    const violations: ViolationList = {
      length: order.length,
      at: (k) => findings.at(order[k] ?? 0),
      summary: findings.summary,
    };
    printViolations(ctx, format, violations, { total: audit.calls, byProvider: audit.callsByProvider });
  }
}

export function registerAudit(program: Command, ctx: CliContext): void {
  const command = program
    .command('audit')
    .description('every violation of French telemarketing law among the stored calls (or a calls file)')
    .option('--calls <file>', 'a canonical call CSV to audit in memory, without any database')
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--timezone <zone>', 'zone of naive times in the calls file', 'Europe/Paris')
    .option(
      '--provider <name>',
      'stored calls: only this provider; --calls: provider of rows that do not say',
    )
    .option('--client <name>', 'stored calls: only this client (donneur d’ordre)')
    .option('--from <date>', 'stored calls: from this day (Paris) or ISO instant, inclusive')
    .option('--to <date>', 'stored calls: to this day (Paris, inclusive) or ISO instant (exclusive)')
    .option(
      '--threads <n>',
      'stored calls: worker threads sharing the callees (default: the cores, at most 8)',
    )
    .addOption(dbOption(ctx));
  addRegistryOptions(command, true).action(async (flags: AuditFlags) => {
    if (!['table', 'json', 'csv'].includes(flags.format)) {
      throw new UsageError(`--format ${flags.format}: expected table, json or csv`);
    }
    try {
      new Intl.DateTimeFormat('en', { timeZone: flags.timezone });
    } catch {
      throw new UsageError(`--timezone ${flags.timezone}: not an IANA time zone (Europe/Paris)`);
    }
    const rules = loadRules(flags.rules);
    await registerHolidayLibrary();
    if (flags.calls === undefined) {
      await auditStore(ctx, flags, rules);
      return;
    }
    const registry = loadRegistryFromFlags(flags);
    let bytes: Buffer;
    try {
      bytes = readFileSync(flags.calls);
    } catch (error) {
      throw new UsageError(`cannot read calls file ${flags.calls}`, { cause: error });
    }
    const file = flags.calls.split(/[\\/]/).at(-1) ?? flags.calls;
    const read = readCallsFile(decodeText(bytes), file, {
      timeZone: flags.timezone,
      ...(flags.provider === undefined ? {} : { provider: flags.provider }),
    });
    const rowErrors = [...registry.errors, ...read.errors];
    reportRowErrors(ctx, rowErrors);
    const violations = auditCalls(read.calls, lawFacts(ctx.env, registry.index), rules);
    printViolations(ctx, flags.format, listOf(violations), countCalls(read.calls));
    if (rowErrors.length > 0) ctx.setExitCode(3);
  });
}
