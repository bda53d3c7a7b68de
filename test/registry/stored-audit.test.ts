import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/main.ts';
import type { Environment } from '../../src/config/env.ts';
import type { Violation } from '../../src/law/evaluate.ts';
import { importRegistryFile, listRegistryEvidence, loadStoredRegistry } from '../../src/registry/store.ts';
import { openStore } from '../../src/store/store.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'law');
const CALLS = join(FIXTURES, 'calls.csv');
const REGISTRY = join(FIXTURES, 'registry');
const scratch = mkdtempSync(join(tmpdir(), 'vigie-registry-store-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(argv: readonly string[]): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const env: Environment = {
    defaultDb: join(scratch, 'default.duckdb'),
    cwd: scratch,
    interactive: false,
    numberingDir: scratch,
  };
  const ctx: Omit<CliContext, 'setExitCode'> = { env, out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await runCli(argv, ctx);
  return { code, out: out.join('\n'), err };
}

describe('registry import', () => {
  it('stores rows with their evidence, quarantines bad rows with line and field, and is idempotent', async () => {
    const file = join(scratch, 'consents.csv');
    writeFileSync(
      file,
      'number,granted_at,client,scope\n0612345678,2026-01-01,ACME,*\n0612,2026-01-01,ACME,*\n0611111111,pas une date,ACME,*\n',
    );
    const store = await openStore({ path: ':memory:' });
    try {
      const first = await importRegistryFile(store, 'consents', file);
      expect(first).toMatchObject({ rowsRead: 3, stored: 1, rejected: 2, alreadyLoaded: false });
      const quarantined = await store.all<{
        line: bigint;
        field: string;
        reason_fr: string;
        reason_en: string;
      }>('SELECT line, field, reason_fr, reason_en FROM quarantine WHERE source_file_id = $1 ORDER BY line', [
        first.sourceFileId,
      ]);
      expect(quarantined.map((q) => [Number(q.line), q.field])).toEqual([
        [3, 'number'],
        [4, 'granted_at'],
      ]);
      expect(quarantined[1]?.reason_fr).toContain('date illisible');
      const [evidence] = await listRegistryEvidence(store);
      expect(evidence).toMatchObject({ name: 'consents', file_name: 'consents.csv', sha256: first.sha256 });
      expect(Number(evidence?.rows_read)).toBe(3);
      expect(Number(evidence?.rejected)).toBe(2);
      const again = await importRegistryFile(store, 'consents', file);
      expect(again.alreadyLoaded).toBe(true);
      const counts = await store.one<{ rows: bigint; files: bigint }>(
        "SELECT (SELECT count(*) FROM consents) AS rows, (SELECT count(*) FROM source_files WHERE kind = 'registry:consents') AS files",
      );
      expect([Number(counts?.rows), Number(counts?.files)]).toEqual([1, 1]);
      const data = await loadStoredRegistry(store);
      expect(data.consents).toEqual([
        expect.objectContaining({
          number: '+33612345678',
          client: 'ACME',
          scope: '*',
          file: 'consents.csv',
          line: 2,
        }),
      ]);
    } finally {
      store.close();
    }
  });

  it('stores nothing of a file whose transaction fails (atomic per file)', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await expect(
        importRegistryFile(store, 'refusals', join(REGISTRY, 'refusals.csv'), {
          beforeCommit: () => {
            throw new Error('crash');
          },
        }),
      ).rejects.toThrow('crash');
      const counts = await store.one<{ rows: bigint; files: bigint }>(
        'SELECT (SELECT count(*) FROM refusals) AS rows, (SELECT count(*) FROM source_files) AS files',
      );
      expect([Number(counts?.rows), Number(counts?.files)]).toEqual([0, 0]);
      const retry = await importRegistryFile(store, 'refusals', join(REGISTRY, 'refusals.csv'));
      expect(retry).toMatchObject({ stored: 1, alreadyLoaded: false });
    } finally {
      store.close();
    }
  });

  it('a new file of a kind replaces the previous one; --append adds to it', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      const a = join(scratch, 'dnc-a.csv');
      const b = join(scratch, 'dnc-b.csv');
      writeFileSync(a, 'number,added_at,reason\n0611111111,2026-01-01,plainte\n');
      writeFileSync(b, 'number,added_at,reason\n0622222222,2026-01-01,plainte\n');
      await importRegistryFile(store, 'dnc', a);
      await importRegistryFile(store, 'dnc', b);
      expect((await loadStoredRegistry(store)).dnc.map((d) => d.number)).toEqual(['+33622222222']);
      const c = join(scratch, 'dnc-c.csv');
      writeFileSync(c, 'number,added_at,reason\n0633333333,2026-01-01,plainte\n');
      await importRegistryFile(store, 'dnc', c, { mode: 'append' });
      expect((await loadStoredRegistry(store)).dnc.map((d) => d.number)).toEqual([
        '+33622222222',
        '+33633333333',
      ]);
    } finally {
      store.close();
    }
  });
});

describe('vigie registry import, vigie audit over the database, vigie check --db', () => {
  const db = join(scratch, 'audit.duckdb');

  it('imports a registry folder (exit 0), then again with nothing new', async () => {
    expect((await run(['ingest', CALLS, '--db', db])).code).toBe(3);
    const first = await run(['registry', 'import', '--registry', REGISTRY, '--db', db, '--json']);
    expect(first.code).toBe(0);
    const files = (JSON.parse(first.out) as { files: { kind: string; alreadyLoaded: boolean }[] }).files;
    expect(files.map((f) => f.kind)).toContain('consents');
    const again = await run(['registry', 'import', '--registry', REGISTRY, '--db', db]);
    expect(again.out).toContain('déjà chargé');
  });

  it('finds the same violations in the stored calls as --calls does on the file', async () => {
    const stored = await run(['audit', '--db', db, '--format', 'json']);
    const memory = await run(['audit', '--calls', CALLS, '--registry', REGISTRY, '--format', 'json']);
    expect(stored.err).toEqual([]);
    expect(stored.code).toBe(0);
    const violations = JSON.parse(stored.out) as Violation[];
    expect(violations.length).toBeGreaterThan(5);
    expect(violations).toEqual(JSON.parse(memory.out));
    const table = await run(['audit', '--db', db]);
    expect(table.out).toContain('per 1,000 calls');
    const p2 = JSON.parse(
      (await run(['audit', '--db', db, '--provider', 'p2', '--format', 'json'])).out,
    ) as Violation[];
    expect(p2.length).toBeGreaterThan(0);
    expect(p2.every((v) => v.provider === 'p2')).toBe(true);
    const november = JSON.parse(
      (await run(['audit', '--db', db, '--from', '2026-11-01', '--to', '2026-11-30', '--format', 'json']))
        .out,
    ) as Violation[];
    expect(november.map((v) => v.callId)).not.toContain('c6');
  });

  it('check --db refuses the 5th attempt in 30 days from the stored calls', async () => {
    const calls = join(scratch, 'four.csv');
    const rows = ['02', '05', '12', '19'].map(
      (d, i) => `f${i},2026-11-${d}T10:00:00Z,0162000000,0655555555,no_answer,,p${i % 2},ACME,CAMP1,,`,
    );
    writeFileSync(
      calls,
      `call_id,started_at,caller,callee,outcome,talk_seconds,provider,client,campaign,purpose,refused\n${rows.join('\n')}\n`,
    );
    const freq = join(scratch, 'freq.duckdb');
    expect((await run(['ingest', calls, '--db', freq])).code).toBe(0);
    const base = [
      'check',
      '--caller',
      '0162000000',
      '--callee',
      '0655555555',
      '--client',
      'ACME',
      '--purpose',
      'prospecting',
    ];
    const fifth = await run([...base, '--at', '2026-11-24T10:00:00Z', '--db', freq, '--json']);
    expect(fifth.code).toBe(4);
    const decision = JSON.parse(fifth.out) as { reasons: { rule: string; explanation: string }[] };
    expect(decision.reasons.find((r) => r.rule === 'frequency.30d')?.explanation).toBe(
      '5e appel en 30 jours (précédents : 02/11, 05/11, 12/11, 19/11)',
    );
    const rulesOf = (out: string) =>
      (JSON.parse(out) as { reasons: { rule: string }[] }).reasons.map((r) => r.rule);
    const without = await run([...base, '--at', '2026-11-24T10:00:00Z', '--json']);
    expect(rulesOf(without.out)).not.toContain('frequency.30d');
    const day31 = await run([...base, '--at', '2026-12-03T10:00:00Z', '--db', freq, '--json']);
    expect(rulesOf(day31.out)).not.toContain('frequency.30d');
  });

  it('check --db uses the stored refusals', async () => {
    const decision = await run([
      'check',
      '--caller',
      '0162000000',
      '--callee',
      '0677777777',
      '--client',
      'ACME',
      '--at',
      '2026-11-27T10:00:00Z',
      '--db',
      db,
      '--json',
    ]);
    expect(decision.code).toBe(4);
    expect(decision.out).toContain('refusal.recontact');
  });
});
