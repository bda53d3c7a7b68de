/**
 * The service layer on its own (no HTTP), and the CLI calling it: the same numbers, the same refusal,
 * and every action written with its audit record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { Environment } from '../../src/config/env.ts';
import { listAlerts } from '../../src/services/alerts.ts';
import {
  type Actor,
  createServiceContext,
  defaultServiceConfig,
  localActor,
  type ServiceContext,
} from '../../src/services/context.ts';
import { actOnNumber, getNumber, listNumbers } from '../../src/services/numbers.ts';
import { openStore, type Store } from '../../src/store/store.ts';

let dir: string;
let db: string;
let env: Environment;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function withContext<T>(
  actor: Actor,
  work: (ctx: ServiceContext, store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore({ path: db });
  try {
    return await work(createServiceContext({ store, actor, config: defaultServiceConfig(env) }), store);
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-services-'));
  db = join(dir, 's.duckdb');
  env = { defaultDb: db, cwd: dir, interactive: false };
  const demo = await cli('demo', '--db', db, '--calls', '3000', '--days', '14', '--seed', 'services');
  expect(demo.code, demo.err).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI and the service layer', () => {
  it('vigie numbers --json lists the same numbers, statuses and scores as the service', async () => {
    const fromCli = JSON.parse((await cli('numbers', '--json')).out) as {
      number: string;
      status: string;
      score: number;
    }[];
    const fromService = await withContext(localActor('test'), (ctx) => listNumbers(ctx, { limit: '5000' }));
    const pick = (rows: readonly { number: string; status: string; score: number }[]) =>
      rows
        .map(({ number, status, score }) => ({ number, status, score }))
        .sort((a, b) => (a.number < b.number ? -1 : 1));
    expect(fromCli.length).toBeGreaterThan(0);
    expect(pick(fromService.items)).toEqual(pick(fromCli));
  });

  it('vigie number rest goes through the service: the status changes and the audit log names the author', async () => {
    const first = (await withContext(localActor('test'), (ctx) => listNumbers(ctx, { limit: '1' }))).items[0];
    const number = first?.number;
    // The simulated month is in the past: the rest takes effect on its last day, so that it shows.
    const day = String(first?.asOf);
    expect(number).toBeDefined();
    const rested = await cli(
      'number',
      'rest',
      String(number),
      '--reason',
      'taux de signalement 4 %',
      '--author',
      'claire',
      '--at',
      day,
    );
    expect(rested.code, rested.err).toBe(0);
    const again = await cli('number', 'rest', String(number), '--reason', 'encore', '--author', 'claire');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/déjà au repos/);
    await withContext(localActor('test'), async (ctx, store) => {
      const detail = await getNumber(ctx, { number: String(number) });
      expect(detail.status).toBe('resting');
      const log = await store.all<{ actor: string; action: string; target: string; outcome: string }>(
        "SELECT actor, action, target, outcome FROM audit_log WHERE action = 'number.rest' ORDER BY id",
      );
      expect(log[0]).toMatchObject({ actor: 'claire', action: 'number.rest', target: number, outcome: 'ok' });
    });
  });

  it('a provider actor sees only its numbers and alerts, and may not act', async () => {
    await withContext(localActor('test'), async (admin) => {
      const all = await listNumbers(admin, { limit: '5000' });
      const provider = all.items.find((n) => n.providers.length === 1)?.providers[0];
      expect(provider).toBeDefined();
      const actor: Actor = {
        ...localActor('ops'),
        role: 'provider',
        provider: provider ?? null,
        kind: 'user',
      };
      const ctx = { ...admin, actor };
      const mine = await listNumbers(ctx, { limit: '5000' });
      expect(mine.items.length).toBeGreaterThan(0);
      expect(mine.items.length).toBeLessThan(all.items.length);
      for (const n of mine.items) expect(n.providers).toContain(provider);
      const alerts = await listAlerts(ctx, { limit: '500' });
      for (const a of alerts.items) expect([provider, null]).toContain(a.provider);
      const other = all.items.find((n) => !n.providers.includes(provider ?? ''));
      await expect(getNumber(ctx, { number: String(other?.number) })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(
        actOnNumber(ctx, String(mine.items[0]?.number), { action: 'suspend', reason: 'x' }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });
  });
});
