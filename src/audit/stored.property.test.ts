import type { DuckDBValue } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakeDescribe, makeCall } from '../law/_testing.ts';
import { auditCalls } from '../law/evaluate.ts';
import { DEFAULT_RULES } from '../law/rules.ts';
import type { CallRecord } from '../records/model.ts';
import { RegistryIndex } from '../registry/registry-index.ts';
import { loadStoredRegistry } from '../registry/store.ts';
import { openStore, type Store } from '../store/store.ts';
import { auditStoredCalls } from './stored.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Calls from 2026-07-01 over 110 days: both sides of the opt-in date (2026-08-11). */
const BASE = Date.UTC(2026, 6, 1);
const CALLEES = ['+33612345678', '+33612345679', '+33140000000', '+262692123456', '+590690123456'];
const CALLERS = ['+33162000000', '+33612000000', '+33140000001', 'anonymous'];
const CLIENTS = ['ACME', 'BETA'];

const instant = (days: number, minutes: number) => BASE + days * DAY + minutes * MINUTE;
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const callee = fc.constantFrom(...CALLEES);
const client = fc.constantFrom(...CLIENTS);
const time = fc.tuple(fc.integer({ min: -400, max: 110 }), fc.integer({ min: 0, max: 1439 }));
const at = time.map(([d, m]) => instant(d, m));

const world = fc.record({
  calls: fc.array(
    fc.record({
      callee,
      caller: fc.constantFrom(...CALLERS),
      day: fc.integer({ min: 0, max: 110 }),
      minute: fc.integer({ min: 0, max: 1439 }),
      provider: fc.constantFrom('p1', 'p2'),
      client: maybe(client),
      campaign: maybe(fc.constantFrom('C1', 'C2')),
      purpose: fc.constantFrom('prospecting', 'service'),
      refused: fc.boolean(),
      inbound: fc.boolean(),
    }),
    { minLength: 1, maxLength: 30 },
  ),
  consents: fc.array(
    fc.record({
      number: callee,
      grantedAt: at,
      client,
      scope: fc.constantFrom('*', 'C1', 'hors_horaires'),
      revokedAt: maybe(at),
      slot: maybe(time),
    }),
    { maxLength: 8 },
  ),
  refusals: fc.array(fc.record({ number: callee, refusedAt: at, client: maybe(client) }), { maxLength: 4 }),
  dnc: fc.array(fc.record({ number: callee, addedAt: maybe(at), reason: maybe(fc.constant('plainte')) }), {
    maxLength: 2,
  }),
  bloctel: fc.array(fc.record({ number: callee, consultedAt: at, client: maybe(client) }), { maxLength: 4 }),
  contacts: fc.array(
    fc.record({
      number: callee,
      type: fc.constantFrom('consumer', 'professional'),
      postcode: maybe(fc.constantFrom('75011', '67000', '97133', '97150')),
    }),
    { maxLength: 4 },
  ),
  customers: fc.array(fc.record({ number: callee, client, start: at, end: maybe(at) }), { maxLength: 2 }),
  consultations: fc.array(fc.record({ client, consultedAt: at }), { maxLength: 6 }),
  campaigns: fc.array(
    fc.record({
      campaign: fc.constantFrom('C1', 'C2'),
      client: maybe(client),
      purpose: maybe(fc.constantFrom('prospecting', 'service')),
      sector: maybe(fc.constantFrom('cpf', 'home_adaptation')),
      dialer: fc.constantFrom('automated', 'manual'),
    }),
    { maxLength: 2 },
  ),
});
type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

/** Stores `rows` of one registry kind as one loaded file, in load order; `times` are ms columns. */
async function insertRows(
  store: Store,
  kind: string,
  columns: readonly string[],
  times: readonly string[],
  rows: readonly (readonly DuckDBValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const file = await store.one<{ id: number }>(
    `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
     VALUES ($1, $2, $3, 0, 'registry', 'utf-8', NULL, now(), 0, 0, 0, 0, 0, 0, 0) RETURNING id`,
    [`registry:${kind}`, `/t/${kind}.csv`, `sha-${kind}`],
  );
  const id = file?.id ?? 0;
  await store.run(`INSERT INTO registry_files VALUES ($1, $2, $3, 'replace', NULL)`, [
    id,
    kind,
    `${kind}.csv`,
  ]);
  const values = columns.map((c, i) =>
    times.includes(c) ? `to_timestamp($${i + 1}::DOUBLE / 1000)` : `$${i + 1}`,
  );
  for (const [line, row] of rows.entries()) {
    await store.run(
      `INSERT INTO ${kind} (${columns.join(', ')}, source_file_id, line) VALUES (${values.join(', ')}, ${id}, ${line + 2})`,
      [...row],
    );
  }
}

async function storeWorld(store: Store, w: World): Promise<CallRecord[]> {
  const file = await store.one<{ id: number }>(
    `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
     VALUES ('calls', '/t/calls.csv', 'sha-calls', 0, 'canonical', 'utf-8', NULL, now(), 0, 0, 0, 0, 0, 0, 0) RETURNING id`,
  );
  const calls = w.calls.map((c, i) =>
    makeCall({
      callId: `c${i}`,
      at: new Date(instant(c.day, c.minute)).toISOString(),
      caller: c.caller,
      callee: c.callee,
      provider: c.provider,
      client: c.client,
      campaign: c.campaign,
      purpose: c.purpose,
      refused: c.refused,
      direction: c.inbound ? 'inbound' : 'outbound',
    }),
  );
  for (const [i, c] of calls.entries()) {
    await store.run(
      `INSERT INTO calls (provider, call_id, started_at, caller, callee, direction, outcome, short, ring_seconds,
         talk_seconds, site, client, campaign, agent, purpose, refused, source_file_id, source_record)
       VALUES ($1, $2, to_timestamp($3::DOUBLE / 1000), $4, $5, $6, 'answered', false, 5, 30, NULL, $7, $8, NULL, $9, $10, $11, $12)`,
      [
        c.provider,
        c.callId,
        c.startedAt.getTime(),
        c.caller,
        c.callee,
        c.direction,
        c.client,
        c.campaign,
        c.purpose,
        c.refused,
        file?.id ?? 0,
        i + 1,
      ],
    );
  }
  const slot = (s: readonly [number, number] | null) => (s === null ? null : instant(s[0], s[1]));
  await insertRows(
    store,
    'consents',
    ['number', 'granted_at', 'client', 'scope', 'revoked_at', 'slot_from', 'slot_to'],
    ['granted_at', 'revoked_at', 'slot_from', 'slot_to'],
    w.consents.map((c) => {
      const from = slot(c.slot);
      return [
        c.number,
        c.grantedAt,
        c.client,
        c.scope,
        c.revokedAt,
        from,
        from === null ? null : from + 2 * 3_600_000,
      ];
    }),
  );
  await insertRows(
    store,
    'refusals',
    ['number', 'refused_at', 'client'],
    ['refused_at'],
    w.refusals.map((r) => [r.number, r.refusedAt, r.client]),
  );
  await insertRows(
    store,
    'dnc',
    ['number', 'added_at', 'reason'],
    ['added_at'],
    w.dnc.map((d) => [d.number, d.addedAt, d.reason]),
  );
  await insertRows(
    store,
    'bloctel',
    ['number', 'consulted_at', 'client'],
    ['consulted_at'],
    w.bloctel.map((b) => [b.number, b.consultedAt, b.client]),
  );
  await insertRows(
    store,
    'contacts',
    ['number', 'type', 'postcode'],
    [],
    w.contacts.map((c) => [c.number, c.type, c.postcode]),
  );
  await insertRows(
    store,
    'customers',
    ['number', 'client', 'contract_start', 'contract_end'],
    ['contract_start', 'contract_end'],
    w.customers.map((c) => [c.number, c.client, c.start, c.end]),
  );
  await insertRows(
    store,
    'consultations',
    ['client', 'consulted_at', 'numbers_submitted'],
    ['consulted_at'],
    w.consultations.map((c) => [c.client, c.consultedAt, 100]),
  );
  await insertRows(
    store,
    'campaigns',
    ['campaign', 'client', 'purpose', 'sector', 'dialer'],
    [],
    w.campaigns.map((c) => [c.campaign, c.client, c.purpose, c.sector, c.dialer]),
  );
  return calls;
}

describe('stored audit', () => {
  it('streaming the registry per callee from DuckDB finds what the in-memory audit finds', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const store = await openStore({ path: ':memory:' });
        try {
          const calls = await storeWorld(store, w);
          const registry = new RegistryIndex(await loadStoredRegistry(store));
          const memory = auditCalls(calls, { describe: fakeDescribe, registry }, DEFAULT_RULES);
          const shared = await loadStoredRegistry(store, undefined, [
            'consultations',
            'assignments',
            'campaigns',
          ]);
          const stored = await auditStoredCalls(
            store,
            { describe: fakeDescribe, registry: new RegistryIndex(shared), streamRegistry: true },
            DEFAULT_RULES,
          );
          expect(stored.violations).toEqual(memory);
        } finally {
          store.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
