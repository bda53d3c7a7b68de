import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRegistry, syntheticCallsFile } from '../../test/support/synthetic-store.ts';
import { Findings } from '../audit/findings.ts';
import { AuditStopped } from '../audit/stored.ts';
import type { Violation } from '../law/evaluate.ts';
import { DEFAULT_RULES } from '../law/rules.ts';
import { userArcepPath } from '../numbering/store.ts';
import { openStore } from '../store/store.ts';
import { CSV_COLUMNS } from './findings-csv.ts';
import { renderCsv } from './format.ts';
import { auditStoredInThreads, auditStoredShare, type StoredAuditJob } from './stored-audit.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-threads-'));
const db = join(dir, 'audit.duckdb');
const CALLEES = 700;
const CALLS = 6000;

/** Mobiles, a few Réunion numbers (another zone), callee k of `CALLEES`. */
const callee = (k: string) =>
  `CASE WHEN (${k}) % 17 = 0 THEN '+262692' || lpad((${k})::VARCHAR, 6, '0') ELSE '+336' || lpad((${k})::VARCHAR, 8, '0') END`;

beforeAll(async () => {
  const store = await openStore({ path: db });
  try {
    const file = await syntheticCallsFile(store, CALLS);
    // Calls of 60 days at any hour, weekends and holidays included, several providers per client,
    // refused calls, some without client or campaign: every rule has something to find.
    await store.run(
      `INSERT INTO calls (provider, call_id, started_at, caller, callee, direction, outcome, short, ring_seconds,
         talk_seconds, site, client, campaign, agent, purpose, refused, source_file_id, source_record)
       SELECT 'prov' || (i % 4), 'c' || i,
              TIMESTAMPTZ '2026-07-01 00:00:00+00' + to_seconds(((i * 7919) % (60 * 86400))::BIGINT),
              CASE WHEN i % 11 = 0 THEN '+33612345678' ELSE '+3316200' || lpad((i % 40)::VARCHAR, 4, '0') END,
              ${callee(`(i * 2654435761) % ${CALLEES}`)},
              CASE WHEN i % 50 = 0 THEN 'inbound' ELSE 'outbound' END, 'answered', false, 5, 60, NULL,
              CASE WHEN i % 23 = 0 THEN NULL ELSE 'client' || (i % 3) END,
              CASE WHEN i % 7 = 0 THEN NULL ELSE 'camp' || (i % 4) END, NULL, 'prospecting',
              i % 13 = 0, ${file}, i + 1
       FROM range(${CALLS}) t(i)`,
    );
    await insertRegistry(
      store,
      'consents',
      (id) =>
        `SELECT ${callee('k')}, TIMESTAMPTZ '2026-06-15 08:00:00+00' + to_days((k % 40)::INTEGER),
         'client' || (k % 3), CASE WHEN k % 5 = 0 THEN 'camp1' ELSE '*' END, 'web', 'form-' || k,
         CASE WHEN k % 9 = 0 THEN TIMESTAMPTZ '2026-08-01 00:00:00+00' ELSE NULL END, NULL, NULL, ${id}, k + 2
       FROM range(${CALLEES}) t(k) WHERE k % 4 <> 0`,
    );
    await insertRegistry(
      store,
      'refusals',
      (id) =>
        `SELECT ${callee('k * 7')}, TIMESTAMPTZ '2026-06-20 09:00:00+00', NULL, ${id}, k + 2
       FROM range(60) t(k)`,
    );
    await insertRegistry(
      store,
      'consultations',
      (id) =>
        `SELECT 'client' || (k % 3), TIMESTAMPTZ '2026-06-01 06:00:00+00' + to_days((k // 3 * 20)::INTEGER),
         1000, ${id}, k + 2 FROM range(9) t(k)`,
    );
    await insertRegistry(
      store,
      'bloctel',
      (id) =>
        `SELECT ${callee('k * 31')}, TIMESTAMPTZ '2026-07-10 06:00:00+00', NULL, ${id}, k + 2
       FROM range(40) t(k)`,
    );
    await insertRegistry(
      store,
      'dnc',
      (id) =>
        `SELECT ${callee('k * 37')}, TIMESTAMPTZ '2026-07-01 00:00:00+00', 'plainte', ${id}, k + 2 FROM range(20) t(k)`,
    );
    await insertRegistry(
      store,
      'contacts',
      (id) =>
        `SELECT ${callee('k * 13')}, CASE WHEN k % 20 = 0 THEN 'professional' ELSE 'consumer' END,
         CASE WHEN k % 3 = 0 THEN '67000' ELSE '75011' END, ${id}, k + 2 FROM range(200) t(k)`,
    );
    await insertRegistry(
      store,
      'campaigns',
      (id) =>
        `SELECT 'camp' || k, NULL, CASE WHEN k = 3 THEN 'service' ELSE 'prospecting' END, NULL,
         CASE WHEN k = 2 THEN 'manual' ELSE 'automated' END, ${id}, k + 2 FROM range(4) t(k)`,
    );
    await store.run('CHECKPOINT');
  } finally {
    store.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function json(findings: Findings, order: Uint32Array): string {
  const pieces: Buffer[] = [];
  findings.printJson(order, { text: () => expect.unreachable(), bytes: (b) => pieces.push(Buffer.from(b)) });
  return Buffer.concat(pieces).toString('utf8');
}

const job = (filter: StoredAuditJob['filter'] = {}): StoredAuditJob => ({
  db,
  env: { defaultDb: db, cwd: dir, interactive: false },
  rules: DEFAULT_RULES,
  filter,
});

describe('vigie audit on worker threads', () => {
  it('finds exactly what one thread finds, in the same order, whatever the number of threads', async () => {
    const one = await auditStoredInThreads(job(), 1);
    const expected = json(one.findings, one.order);
    const rules = new Set((JSON.parse(expected) as { rule: string }[]).map((v) => v.rule));
    // The data is meant to break many rules: a comparison of two empty lists would prove nothing.
    expect(rules.size).toBeGreaterThanOrEqual(8);
    for (const threads of [2, 3]) {
      const many = await auditStoredInThreads(job(), threads);
      expect(many.findings.length).toBe(one.findings.length);
      expect(json(many.findings, many.order)).toBe(expected);
      expect(many.calls).toBe(CALLS);
      expect([...many.callsByProvider].sort()).toEqual([...one.callsByProvider].sort());
    }
  }, 60_000);

  it('keeps CSV rows when asked for CSV: what renderCsv makes of the same findings', async () => {
    const one = await auditStoredInThreads(job(), 1);
    const violations = JSON.parse(json(one.findings, one.order)) as Violation[];
    const expected = `${renderCsv(
      CSV_COLUMNS,
      violations.map((v) => CSV_COLUMNS.map((c) => v[c])),
    )}\n`;
    for (const threads of [1, 2]) {
      const csv = await auditStoredInThreads({ ...job(), format: 'csv' }, threads);
      const pieces: Buffer[] = [];
      csv.findings.print(csv.order, {
        text: () => expect.unreachable(),
        bytes: (b) => pieces.push(Buffer.from(b)),
      });
      expect(Buffer.concat(pieces).toString('utf8')).toBe(expected);
    }
  }, 60_000);

  it('shares out every callee exactly once, even among more shares than ranges', async () => {
    const one = await auditStoredInThreads(job(), 1);
    // The shares of 17 audited one after the other on this thread, merged as the workers' would be.
    const parts = [];
    for (let index = 0; index < 17; index++) {
      const findings = await auditStoredShare(job(), { index, count: 17 });
      if (index === 16) expect(findings.length).toBe(0);
      parts.push(structuredClone(findings.parts().parts));
    }
    const merged = Findings.merge(parts);
    expect(json(merged.findings, merged.order)).toBe(json(one.findings, one.order));
  }, 60_000);

  it('tells its progress: rows read of the calls to audit and their history, up to all of them', async () => {
    for (const threads of [1, 2]) {
      const seen: [number, number][] = [];
      await auditStoredInThreads(job(), threads, (read, total) => seen.push([read, total]));
      // Every outbound call is read once (inbound calls are no one's history).
      const outbound = CALLS - CALLS / 50;
      expect(seen.at(-1)).toEqual([outbound, outbound]);
      for (let i = 1; i < seen.length; i++)
        expect(seen[i]?.[0]).toBeGreaterThanOrEqual(seen[i - 1]?.[0] ?? 0);
      if (threads === 1) expect(seen.length).toBeGreaterThan(2);
    }
  }, 60_000);

  it('applies the filter in every thread', async () => {
    const filter = { from: new Date('2026-08-01T00:00:00Z'), client: 'client1', provider: 'prov2' };
    const one = await auditStoredInThreads(job(filter), 1);
    const two = await auditStoredInThreads(job(filter), 2);
    const printed = JSON.parse(json(two.findings, two.order)) as {
      client: string;
      provider: string;
      startedAt: string;
    }[];
    expect(printed.length).toBeGreaterThan(0);
    for (const v of printed) {
      expect(v.client).toBe('client1');
      expect(v.provider).toBe('prov2');
      expect(v.startedAt >= '2026-08-01').toBe(true);
    }
    expect(json(two.findings, two.order)).toBe(json(one.findings, one.order));
    expect(two.calls).toBe(one.calls);
  }, 60_000);

  it('fails as a whole when a worker fails, and stops the others', async () => {
    // A damaged ARCEP copy: only the workers read it (the main thread only counts the calls).
    const numberingDir = join(dir, 'numbering');
    mkdirSync(numberingDir, { recursive: true });
    writeFileSync(userArcepPath({ dir: numberingDir }), 'not gzip');
    const broken = { ...job(), env: { ...job().env, numberingDir } };
    await expect(auditStoredInThreads(broken, 2)).rejects.toThrow();
    await expect(auditStoredInThreads(broken, 1)).rejects.toThrow();
  }, 60_000);

  it('stops a share between chunks when told to, once DuckDB has finished what it was asked', async () => {
    let asked = 0;
    // Told to stop at the second chunk: the first has been audited, the next ones not.
    const stop = () => ++asked >= 2;
    await expect(auditStoredShare(job(), { index: 0, count: 1 }, stop)).rejects.toBeInstanceOf(AuditStopped);
    expect(asked).toBe(2);
    // The store was closed cleanly: the same database audits again, in full.
    const again = await auditStoredShare(job(), { index: 0, count: 1 });
    expect(again.length).toBe((await auditStoredInThreads(job(), 1)).findings.length);
  }, 60_000);

  it('audits an empty database, and calls of which no client or campaign is known', async () => {
    const empty = join(dir, 'empty.duckdb');
    (await openStore({ path: empty })).close();
    for (const threads of [1, 2]) {
      const audit = await auditStoredInThreads({ ...job(), db: empty }, threads);
      expect(audit.findings.length).toBe(0);
      expect(audit.calls).toBe(0);
    }
    // Every client and campaign NULL: dictionaries of NULLs only.
    const anonymous = join(dir, 'anonymous.duckdb');
    const store = await openStore({ path: anonymous });
    try {
      const file = await syntheticCallsFile(store, 50);
      await store.run(
        `INSERT INTO calls (provider, call_id, started_at, caller, callee, direction, outcome, short, ring_seconds,
           talk_seconds, site, client, campaign, agent, purpose, refused, source_file_id, source_record)
         SELECT 'prov', 'a' || i, TIMESTAMPTZ '2026-08-10 06:00:00+00' + to_hours(i::BIGINT), '+33162000001',
                ${callee('i % 7')}, 'outbound', 'answered', false, 5, 60, NULL, NULL, NULL, NULL, 'prospecting',
                false, ${file}, i + 1
         FROM range(50) t(i)`,
      );
    } finally {
      store.close();
    }
    const one = await auditStoredInThreads({ ...job(), db: anonymous }, 1);
    const two = await auditStoredInThreads({ ...job(), db: anonymous }, 2);
    const rules = new Set((JSON.parse(json(one.findings, one.order)) as Violation[]).map((v) => v.rule));
    // Without a client, no Bloctel consultation (to 10 August 2026) nor consent (from 11 August) can be verified.
    expect(rules).toContain('consent.missing');
    expect(rules).toContain('bloctel.stale');
    expect(json(two.findings, two.order)).toBe(json(one.findings, one.order));
  }, 60_000);

  it('reports a missing database as the user’s error, without starting workers', async () => {
    await expect(auditStoredInThreads({ ...job(), db: join(dir, 'none.duckdb') }, 2)).rejects.toThrow(
      /none\.duckdb/,
    );
  });
});
