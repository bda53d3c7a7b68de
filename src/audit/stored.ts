import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBResult,
  DuckDBValue,
  DuckDBVector,
} from '@duckdb/node-api';
import { createEvaluator, type LawCall, type LawFacts, type Violation } from '../law/evaluate.ts';
import type { RuleSet } from '../law/rules.ts';
import { DAY_MS } from '../law/time.ts';
import { type CallRecord, PURPOSES, type Purpose } from '../records/model.ts';
import { numberKeySql, numberRangeSql, rangesOf, type Share, WHOLE } from '../registry/number-order.ts';
import { CalleeRegistry, NO_NUMBER_ROWS, type NumberRows } from '../registry/registry-index.ts';
import type { NUMBER_KINDS, NumberCursor } from '../registry/store.ts';
import type { Store } from '../store/store.ts';
import { Findings, type FindingsFormat, JSON_FINDINGS } from './findings.ts';

/** Which stored calls to report on. History outside the filter still counts (frequency, refusals). */
export interface StoredAuditFilter {
  /** Inclusive lower bound, UTC instant. */
  readonly from?: Date;
  /** Exclusive upper bound, UTC instant. */
  readonly to?: Date;
  readonly provider?: string;
  readonly client?: string;
}

export interface StoredAudit {
  /** Sorted by call time, then the call, then rule id (as `auditCalls`). */
  readonly violations: Violation[];
  /** Calls in the filter (all directions), in total and per provider, for the per-1,000 summary. */
  readonly calls: number;
  readonly callsByProvider: ReadonlyMap<string, number>;
}

/** A stored audit whose findings stay in columns: `order` lists their indices in `violations` order. */
export interface StoredFindings {
  readonly findings: Findings;
  readonly order: Uint32Array;
  readonly calls: number;
  readonly callsByProvider: ReadonlyMap<string, number>;
}

const DICTIONARIES = ['caller', 'client', 'campaign', 'provider', 'purpose'] as const;
type DictColumn = (typeof DICTIONARIES)[number];

function iso(date: Date): string {
  return date.toISOString();
}

/** The WHERE clause (on `c`) of the calls whose history the audit needs, with its parameters. */
function historyWhere(
  filter: StoredAuditFilter,
  historyDays: number,
): { sql: string; params: DuckDBValue[] } {
  const clauses = ["c.direction <> 'inbound'"];
  const params: DuckDBValue[] = [];
  const add = (clause: string, value: DuckDBValue) => {
    params.push(value);
    clauses.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (filter.to !== undefined) add('c.started_at < CAST(? AS TIMESTAMPTZ)', iso(filter.to));
  if (filter.from !== undefined) {
    // Earlier calls matter for the frequency window; refused calls at any time.
    add(
      '(c.started_at >= CAST(? AS TIMESTAMPTZ) OR c.refused)',
      iso(new Date(filter.from.getTime() - historyDays * DAY_MS)),
    );
  }
  if (filter.client !== undefined) add('c.client = ?', filter.client);
  return { sql: clauses.join(' AND '), params };
}

/** The rows a stored audit reads (its calls and their history), for its progress. */
export async function historyRows(store: Store, filter: StoredAuditFilter, rules: RuleSet): Promise<number> {
  const where = historyWhere(filter, rules['frequency.30d'].params.windowDays + 2);
  const row = await store.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM calls c WHERE ${where.sql}`,
    where.params,
  );
  return Number(row?.n ?? 0);
}

/** Calls in the filter, all directions, per provider. */
export async function countCalls(store: Store, filter: StoredAuditFilter): Promise<Map<string, number>> {
  const clauses = ['TRUE'];
  const params: DuckDBValue[] = [];
  const add = (clause: string, value: DuckDBValue) => {
    params.push(value);
    clauses.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (filter.from !== undefined) add('started_at >= CAST(? AS TIMESTAMPTZ)', iso(filter.from));
  if (filter.to !== undefined) add('started_at < CAST(? AS TIMESTAMPTZ)', iso(filter.to));
  if (filter.provider !== undefined) add('provider = ?', filter.provider);
  if (filter.client !== undefined) add('client = ?', filter.client);
  const rows = await store.all<{ provider: string; n: bigint }>(
    `SELECT provider, count(*) AS n FROM calls WHERE ${clauses.join(' AND ')} GROUP BY provider`,
    params,
  );
  return new Map(rows.map((r) => [r.provider, Number(r.n)]));
}

/**
 * Creates the temporary dictionary table of one column on `connection` (temporary tables belong to
 * their connection). Ids follow the values' order: every connection numbers them alike.
 */
async function createDictionary(connection: DuckDBConnection, column: DictColumn): Promise<void> {
  await connection.run(`DROP TABLE IF EXISTS temp.vigie_dict_${column}`);
  await connection.run(
    `CREATE TEMP TABLE vigie_dict_${column} AS
     SELECT v, (row_number() OVER (ORDER BY v NULLS LAST) - 1)::INTEGER AS id
     FROM (SELECT DISTINCT ${column} AS v FROM calls)`,
  );
}

/** Builds the temporary dictionary of one low-cardinality column; reading ids is much cheaper than strings. */
/**
 * Creates the temporary dictionary of one column on `connection` from its values (as `dictionary`
 * returned them, id = index): the same table as `createDictionary`, without reading the calls again.
 */
async function copyDictionary(
  connection: DuckDBConnection,
  column: DictColumn,
  values: readonly (string | null)[],
): Promise<void> {
  // Loaded here: `vigie check` imports this module and must not load DuckDB at start-up.
  const { LIST, listValue, VARCHAR } = await import('@duckdb/node-api');
  await connection.run(`DROP TABLE IF EXISTS temp.vigie_dict_${column}`);
  // Typed: an empty list, or one of NULLs only, says nothing of its items' type.
  await connection.run(
    `CREATE TEMP TABLE vigie_dict_${column} AS
     SELECT $1[i + 1] AS v, i::INTEGER AS id FROM range(len($1)) t(i)`,
    [listValue([...values])],
    [LIST(VARCHAR)],
  );
}

async function dictionary(store: Store, column: DictColumn): Promise<(string | null)[]> {
  await createDictionary(store.connection, column);
  const rows = await store.all<{ v: string | null; id: number }>(
    `SELECT v, id FROM temp.vigie_dict_${column}`,
  );
  const values: (string | null)[] = new Array<string | null>(rows.length).fill(null);
  for (const row of rows) values[row.id] = row.v;
  return values;
}

function entry(dict: readonly (string | null)[], id: number): string | null {
  return id < 0 ? null : (dict[id] ?? null);
}

function purposeOf(text: string | null): Purpose {
  return PURPOSES.find((p) => p === text) ?? 'prospecting';
}

function stringAt(vector: DuckDBVector, i: number): string {
  const value = vector.getItem(i);
  return typeof value === 'string' ? value : '';
}

function idAt(vector: DuckDBVector, i: number): number {
  const value = vector.getItem(i);
  return typeof value === 'number' ? value : -1;
}

/** Thrown by a share of a stored audit told to stop (see `auditShare`). */
export class AuditStopped extends Error {
  constructor() {
    super('audit stopped');
    this.name = 'AuditStopped';
  }
}

/**
 * The law engine's facts for a stored audit. With `streamRegistry`, the number-keyed registry kinds
 * (consents, contracts, refusals, DNC, Bloctel, contacts) are read from the store one callee at a
 * time (never all in memory) and `registry` answers only the others (consultations, assignments,
 * campaigns); without it, `registry` answers everything (files named on the command line).
 */
export interface AuditFacts extends LawFacts {
  readonly streamRegistry: boolean;
}

type Cursors = { readonly [K in keyof NumberRows]: NumberCursor<NumberRows[K][number]> };

async function openCursors(store: Store, share: Share): Promise<Cursors> {
  // Loaded here: `vigie check` imports this module and must not load DuckDB at start-up.
  const { openNumberCursor } = await import('../registry/store.ts');
  const open = async <K extends (typeof NUMBER_KINDS)[number]>(kind: K) =>
    openNumberCursor(await store.connect(), kind, share);
  return {
    consents: await open('consents'),
    customers: await open('customers'),
    refusals: await open('refusals'),
    dnc: await open('dnc'),
    bloctel: await open('bloctel'),
    contacts: await open('contacts'),
  };
}

async function take<T>(cursor: NumberCursor<T>, key: number, number: string): Promise<readonly T[]> {
  for (;;) {
    const rows = cursor.take(key, number);
    if (rows !== undefined) return rows;
    await cursor.fill();
  }
}

/** The registry rows of `number` (of order key `key`): the callees are asked for in order. */
async function rowsOf(cursors: Cursors, key: number, number: string): Promise<NumberRows> {
  const consents = await take(cursors.consents, key, number);
  const customers = await take(cursors.customers, key, number);
  const refusals = await take(cursors.refusals, key, number);
  const dnc = await take(cursors.dnc, key, number);
  const bloctel = await take(cursors.bloctel, key, number);
  const contacts = await take(cursors.contacts, key, number);
  if (
    consents.length + customers.length + refusals.length + dnc.length + bloctel.length + contacts.length ===
    0
  )
    return NO_NUMBER_ROWS;
  return { consents, customers, refusals, dnc, bloctel, contacts };
}

/**
 * Every violation among the stored calls, against the facts given (the stored registry), on this
 * thread (see auditShare).
 */
export async function auditStoredCalls(
  store: Store,
  auditFacts: AuditFacts,
  rules: RuleSet,
  filter: StoredAuditFilter = {},
): Promise<StoredAudit> {
  const { findings, order, calls, callsByProvider } = await auditStoredFindings(
    store,
    auditFacts,
    rules,
    filter,
  );
  const violations: Violation[] = [];
  for (const i of order) violations.push(findings.at(i));
  return { violations, calls, callsByProvider };
}

/** `auditStoredCalls` without making an object of each finding (millions of them: what the CLI writes). */
export async function auditStoredFindings(
  store: Store,
  auditFacts: AuditFacts,
  rules: RuleSet,
  filter: StoredAuditFilter = {},
): Promise<StoredFindings> {
  const findings = await auditShare(store, auditFacts, rules, filter);
  const order = findings.order();
  const callsByProvider = await countCalls(store, filter);
  let calls = 0;
  for (const n of callsByProvider.values()) calls += n;
  return { findings, order, calls, callsByProvider };
}

/** Which callees a share audits, and how it reports. */
export interface ShareOptions {
  /** Its share of the callees' ranges (default: all of them). */
  readonly share?: Share;
  /** Asked between chunks: true stops the share (AuditStopped). */
  readonly stop?: () => boolean;
  /** Told after each chunk how many rows (those `historyRows` counts) the share has read so far. */
  readonly progress?: (rows: number) => void;
  /** How the findings are kept (default JSON). */
  readonly format?: FindingsFormat;
}

/**
 * The findings among the stored calls to the callees of `share`'s ranges (all of them for WHOLE), in
 * the order found. The calls are streamed from DuckDB grouped by callee, one range of callees after
 * the other, in time order within each callee, so that only the current callee's recent calls are
 * held: memory stays bounded whatever the number of calls. When `stop` says so, the share throws
 * AuditStopped once DuckDB has finished what it was asked.
 */
export async function auditShare(
  store: Store,
  auditFacts: AuditFacts,
  rules: RuleSet,
  filter: StoredAuditFilter,
  { share = WHOLE, stop = () => false, progress, format = JSON_FINDINGS }: ShareOptions = {},
): Promise<Findings> {
  const windowDays = rules['frequency.30d'].params.windowDays;
  const keepMs = (windowDays + 2) * DAY_MS;
  const dicts = new Map<DictColumn, (string | null)[]>();
  for (const column of DICTIONARIES) dicts.set(column, await dictionary(store, column));
  // The dictionaries at hand: looked up for every call.
  const providers = dicts.get('provider') ?? [];
  const callers = dicts.get('caller') ?? [];
  const clients = dicts.get('client') ?? [];
  const campaigns = dicts.get('campaign') ?? [];
  const purposes = (dicts.get('purpose') ?? []).map(purposeOf);
  const where = historyWhere(filter, windowDays + 2);
  const ranges = rangesOf(share);
  const findings = new Findings(format);
  // More shares than ranges: this one has none.
  if (ranges.length === 0) return findings;
  // A second connection, with its own copies of the dictionaries, sorts every other range: DuckDB
  // sorts the next range while JavaScript audits this one.
  const other = ranges.length > 1 ? await store.connect() : store.connection;
  const otherReady = (async () => {
    if (other === store.connection) return;
    for (const column of DICTIONARIES) await copyDictionary(other, column, dicts.get(column) ?? []);
  })();
  // Awaited before the first odd range; handled now in case the audit stops before that.
  otherReady.catch(() => undefined);
  const key = numberKeySql('c.callee');
  const streamRange = async (k: number): Promise<DuckDBResult> => {
    const connection = k % 2 === 0 ? store.connection : other;
    if (connection === other) await otherReady;
    return connection.stream(
      `SELECT ${key} AS k, epoch_ms(c.started_at)::DOUBLE AS t, c.callee, dcr.id, dcl.id, dca.id, dp.id, dpu.id, c.refused, c.call_id
       FROM calls c
       JOIN temp.vigie_dict_caller dcr ON dcr.v = c.caller
       LEFT JOIN temp.vigie_dict_client dcl ON dcl.v = c.client
       LEFT JOIN temp.vigie_dict_campaign dca ON dca.v = c.campaign
       JOIN temp.vigie_dict_provider dp ON dp.v = c.provider
       JOIN temp.vigie_dict_purpose dpu ON dpu.v = c.purpose
       WHERE ${where.sql} AND ${numberRangeSql('c.callee')} = ${ranges[k] ?? 0}
       ORDER BY ${key}, c.callee, c.started_at, c.provider, c.call_id`,
      where.params,
    );
  };
  let nextRange = streamRange(0);
  const callee$ = auditFacts.streamRegistry ? new CalleeRegistry(auditFacts.registry) : undefined;
  const cursors = callee$ === undefined ? undefined : await openCursors(store, share);
  const facts: LawFacts = { describe: auditFacts.describe, registry: callee$ ?? auditFacts.registry };
  const evaluate = createEvaluator(facts, rules);
  const from = filter.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = filter.to?.getTime() ?? Number.POSITIVE_INFINITY;
  let callee = '';
  let prior: LawCall[] = [];
  // The chunk asked for ahead, settled however the audit ends: DuckDB must not be working for a
  // connection that is being closed.
  let pending: Promise<DuckDBDataChunk | null> = Promise.resolve(null);
  let read = 0;
  try {
    for (let k = 0; k < ranges.length; k++) {
      const result = await nextRange;
      if (k + 1 < ranges.length) {
        nextRange = streamRange(k + 1);
        // Awaited at the next range; handled now in case this one fails first.
        nextRange.catch(() => undefined);
      }
      // The next chunk is asked for before this one is read: DuckDB produces it meanwhile.
      pending = result.fetchChunk();
      for (;;) {
        const chunk = await pending;
        if (chunk === null || chunk.rowCount === 0) break;
        // Another share failed: this one's findings are of no use.
        if (stop()) throw new AuditStopped();
        pending = result.fetchChunk();
        const [kv, tv, calleeV, callerV, clientV, campaignV, providerV, purposeV, refusedV, callIdV] = [
          0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        ].map((k) => chunk.getColumnVector(k));
        if (
          kv === undefined ||
          tv === undefined ||
          calleeV === undefined ||
          callerV === undefined ||
          clientV === undefined ||
          campaignV === undefined ||
          providerV === undefined ||
          purposeV === undefined ||
          refusedV === undefined ||
          callIdV === undefined
        )
          throw new Error('audit query returned fewer columns than selected');
        // Read once: `rowCount` asks DuckDB each time.
        const rows = chunk.rowCount;
        read += rows;
        progress?.(read);
        for (let i = 0; i < rows; i++) {
          const number = stringAt(calleeV, i);
          const t = Number(tv.getItem(i));
          if (number !== callee) {
            callee = number;
            prior = [];
            if (callee$ !== undefined && cursors !== undefined)
              callee$.moveTo(number, await rowsOf(cursors, Number(kv.getItem(i)), number));
          } else if (prior.length > 32 && (prior[0]?.at ?? t) < t - keepMs) {
            prior = prior.filter((p) => p.refused || p.at >= t - keepMs);
          }
          const refused = refusedV.getItem(i) === true;
          const provider = entry(providers, idAt(providerV, i)) ?? '';
          const call: LawCall = {
            provider,
            // Decoded only where it is read: refused calls are cited by later explanations.
            callId: refused ? stringAt(callIdV, i) : '',
            at: t,
            caller: entry(callers, idAt(callerV, i)) ?? '',
            // The group's string: its hash is computed once for every registry lookup of the group.
            callee,
            client: entry(clients, idAt(clientV, i)),
            campaign: entry(campaigns, idAt(campaignV, i)),
            purpose: purposes[idAt(purposeV, i)] ?? 'prospecting',
            refused,
          };
          if (t >= from && t < to && (filter.provider === undefined || provider === filter.provider)) {
            const broken = evaluate(call, prior);
            if (broken.length > 0) {
              const callId = stringAt(callIdV, i);
              for (const v of broken) findings.add(v, callId, t);
            }
          }
          prior.push(call);
        }
      }
    }
  } finally {
    await pending.catch(() => undefined);
    await nextRange.catch(() => undefined);
    if (cursors !== undefined) for (const cursor of Object.values(cursors)) await cursor.settle();
  }
  return findings;
}

/**
 * The stored outbound calls to `callee` before `at` that a decision about a new call needs: those
 * of the last `days` days (frequency) and every refused one (refusal.recontact).
 */
export async function storedHistory(
  store: Store,
  callee: string,
  at: Date,
  days: number,
): Promise<CallRecord[]> {
  const rows = await store.all<{
    provider: string;
    call_id: string;
    t: number;
    caller: string;
    client: string | null;
    campaign: string | null;
    purpose: string;
    refused: boolean;
  }>(
    `SELECT provider, call_id, epoch_ms(started_at)::DOUBLE AS t, caller, client, campaign, purpose, refused
     FROM calls
     WHERE callee = $1 AND direction <> 'inbound' AND started_at < CAST($2 AS TIMESTAMPTZ)
       AND (started_at >= CAST($3 AS TIMESTAMPTZ) OR refused)
     ORDER BY started_at, provider, call_id`,
    [callee, iso(at), iso(new Date(at.getTime() - days * DAY_MS))],
  );
  return rows.map((r) => ({
    provider: r.provider,
    callId: r.call_id,
    startedAt: new Date(r.t),
    caller: r.caller,
    callee,
    direction: 'outbound',
    outcome: 'no_answer',
    short: false,
    ringSeconds: null,
    talkSeconds: null,
    site: null,
    client: r.client,
    campaign: r.campaign,
    agent: null,
    purpose: purposeOf(r.purpose),
    refused: r.refused,
    sipCode: null,
    q850Cause: null,
    attestation: null,
    disposition: null,
    signal: null,
  }));
}
