import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { LawCall } from '../law/evaluate.ts';
import { DAY_MS } from '../law/time.ts';
import { PURPOSES, type Purpose } from '../records/model.ts';
import { loadStoredRegistry } from '../registry/store.ts';
import { loadActions } from '../reputation/queries.ts';
import type { Store } from '../store/store.ts';
import type { Attempt } from './history.ts';
import {
  COMPACT_KINDS,
  type CompactKind,
  type CompactRows,
  type CompactTable,
  CompactTableBuilder,
  GateRegistry,
} from './registry.ts';

/** Told as each kind loads: `rows` read of `total`. */
export type LoadProgress = (kind: string, rows: number, total: number) => void;

type Item = (column: number) => unknown;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;

/** Per kind: the columns read (after number; file name and line are appended) and the row made of them. */
const QUERIES: {
  readonly [K in CompactKind]: { columns: string; order: string; row: (x: Item) => CompactRows[K] };
} = {
  consents: {
    columns:
      'epoch_ms(t.granted_at)::DOUBLE, t.client, t.scope, t.source, epoch_ms(t.revoked_at)::DOUBLE, epoch_ms(t.slot_from)::DOUBLE, epoch_ms(t.slot_to)::DOUBLE',
    order: 't.granted_at',
    row: (x) => ({
      number: str(x(0)),
      grantedAt: num(x(1)) ?? 0,
      client: str(x(2)),
      scope: str(x(3)),
      source: text(x(4)),
      proof: null,
      revokedAt: num(x(5)),
      slotFrom: num(x(6)),
      slotTo: num(x(7)),
      file: str(x(8)),
      line: num(x(9)) ?? 0,
    }),
  },
  customers: {
    columns: 't.client, epoch_ms(t.contract_start)::DOUBLE, epoch_ms(t.contract_end)::DOUBLE',
    order: 't.contract_start',
    row: (x) => ({
      number: str(x(0)),
      client: str(x(1)),
      contractStart: num(x(2)) ?? 0,
      contractEnd: num(x(3)),
      file: str(x(4)),
      line: num(x(5)) ?? 0,
    }),
  },
  refusals: {
    columns: 'epoch_ms(t.refused_at)::DOUBLE, t.client',
    order: 't.refused_at',
    row: (x) => ({
      number: str(x(0)),
      refusedAt: num(x(1)) ?? 0,
      client: text(x(2)),
      file: str(x(3)),
      line: num(x(4)) ?? 0,
    }),
  },
  dnc: {
    columns: 'epoch_ms(t.added_at)::DOUBLE, t.reason',
    order: 't.added_at NULLS FIRST',
    row: (x) => ({
      number: str(x(0)),
      addedAt: num(x(1)),
      reason: text(x(2)),
      file: str(x(3)),
      line: num(x(4)) ?? 0,
    }),
  },
  bloctel: {
    columns: 'epoch_ms(t.consulted_at)::DOUBLE, t.client',
    order: 't.consulted_at',
    row: (x) => ({
      number: str(x(0)),
      consultedAt: num(x(1)) ?? 0,
      client: text(x(2)),
      file: str(x(3)),
      line: num(x(4)) ?? 0,
    }),
  },
  contacts: {
    columns: 't.type, t.postcode',
    order: '1',
    row: (x) => ({
      number: str(x(0)),
      type: x(1) === 'professional' ? 'professional' : 'consumer',
      postcode: text(x(2)),
      file: str(x(3)),
      line: num(x(4)) ?? 0,
    }),
  },
};

/** One number-keyed kind in force, straight from DuckDB's sorted stream into compact columns. */
export async function loadCompactTable<K extends CompactKind>(
  store: Store,
  kind: K,
  progress?: LoadProgress,
): Promise<CompactTable<CompactRows[K]>> {
  const q = QUERIES[kind];
  // contacts: the last row of a number in load order wins, as in RegistryIndex.
  const latest =
    kind === 'contacts'
      ? 'QUALIFY row_number() OVER (PARTITION BY t.number ORDER BY t.source_file_id DESC, t.line DESC) = 1'
      : '';
  const from = `FROM ${kind} t JOIN registry_files r ON r.source_file_id = t.source_file_id WHERE r.superseded_by IS NULL`;
  const total = Number((await store.one<{ n: bigint }>(`SELECT count(*) AS n ${from}`))?.n ?? 0);
  const builder = new CompactTableBuilder(kind, total);
  const result = await store.connection.stream(
    `SELECT t.number, ${q.columns}, r.file_name, t.line::DOUBLE ${from} ${latest}
     ORDER BY t.number, ${q.order}, t.source_file_id, t.line`,
  );
  let rows = 0;
  let told = 0;
  for (;;) {
    const chunk: DuckDBDataChunk | null = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const vectors = Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnVector(i));
    for (let j = 0; j < chunk.rowCount; j++)
      builder.push(q.row((c) => vectors[c]?.getItem(j)) as CompactRows[K]);
    rows += chunk.rowCount;
    if (progress !== undefined && (rows - told >= 500_000 || rows === total)) {
      progress(kind, rows, total);
      told = rows;
    }
  }
  if (progress !== undefined && told !== rows) progress(kind, rows, total);
  return builder.build();
}

/** The registry in force in the store, as the gate holds it. */
export async function loadGateRegistry(store: Store, progress?: LoadProgress): Promise<GateRegistry> {
  const tables = {} as { [K in CompactKind]: CompactTable<CompactRows[K]> };
  for (const kind of COMPACT_KINDS) {
    (tables as Record<CompactKind, unknown>)[kind] = await loadCompactTable(store, kind, progress);
  }
  const small = await loadStoredRegistry(store, undefined, ['consultations', 'assignments', 'campaigns']);
  return new GateRegistry(tables, small);
}

const purposeOf = (value: unknown): Purpose => PURPOSES.find((p) => p === value) ?? 'prospecting';

/**
 * The stored calls the gate counts at `now`: outbound calls within the frequency window (and a day's
 * margin either side), and every refused call (a refusal lasts).
 */
export async function loadStoredCalls(store: Store, now: number, windowDays: number): Promise<LawCall[]> {
  const rows = await store.all<{
    provider: string;
    call_id: string;
    t: number;
    caller: string;
    callee: string;
    client: string | null;
    campaign: string | null;
    purpose: string;
    refused: boolean;
  }>(
    `SELECT provider, call_id, epoch_ms(started_at)::DOUBLE AS t, caller, callee, client, campaign, purpose, refused
     FROM calls WHERE direction <> 'inbound' AND (started_at >= CAST($1 AS TIMESTAMPTZ) OR refused)
     ORDER BY started_at, provider, call_id`,
    [new Date(now - (windowDays + 2) * DAY_MS).toISOString()],
  );
  return rows.map((r) => ({
    provider: r.provider,
    callId: r.call_id,
    at: r.t,
    caller: r.caller,
    callee: r.callee,
    client: r.client,
    campaign: r.campaign,
    purpose: purposeOf(r.purpose),
    refused: r.refused,
  }));
}

/** Recorded attempts from `since` (UTC ms), with their ids, in order. */
export async function loadAttempts(store: Store, since: number): Promise<{ id: number; attempt: Attempt }[]> {
  const rows = await store.all<{
    id: bigint;
    provider: string;
    call_id: string | null;
    t: number;
    caller: string;
    callee: string;
    client: string | null;
    campaign: string | null;
    purpose: string;
  }>(
    `SELECT id, provider, call_id, epoch_ms(attempted_at)::DOUBLE AS t, caller, callee, client, campaign, purpose
     FROM gate_attempts WHERE attempted_at >= CAST($1 AS TIMESTAMPTZ) ORDER BY id`,
    [new Date(since).toISOString()],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    attempt: {
      provider: r.provider,
      callId: r.call_id,
      at: r.t,
      caller: r.caller,
      callee: r.callee,
      client: r.client,
      campaign: r.campaign,
      purpose: purposeOf(r.purpose),
    },
  }));
}

export { loadActions };
