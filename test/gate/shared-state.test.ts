import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts } from '../../src/alerts/inbox.ts';
import type { Environment } from '../../src/config/env.ts';
import type { GateDecision } from '../../src/gate/engine.ts';
import { connectSharedState, decide, type Gate, openGate, recordAttempts } from '../../src/gate/service.ts';
import { DEFAULT_RULES } from '../../src/law/rules.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { cli, tempDir } from '../support/files.ts';

const REGISTRY = join(import.meta.dirname, '..', 'fixtures', 'law', 'registry');
const dir = tempDir('vigie-ha-');
const env: Environment = { defaultDb: '', cwd: dir, interactive: false };
const AT = '2026-11-24T10:15:00+01:00';
const NOW = new Date(AT);
const clock = () => NOW;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

let port = 0;
let redis: ChildProcess | undefined;
const redisDir = tempDir('vigie-redis-');

/** Debian's redis-server on `port`, append-only, its files in a folder of the test's own. */
async function startRedis(): Promise<void> {
  redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', redisDir],
    {
      stdio: 'ignore',
    },
  );
  const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  await probe.connect().catch(() => undefined);
  await probe.ping();
  probe.disconnect();
}

async function stopRedis(): Promise<void> {
  const child = redis;
  if (child?.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  await exited;
  redis = undefined;
}

async function until(test: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stores: Store[] = [];
const closers: (() => Promise<void>)[] = [];

async function instance(name: string): Promise<{ gate: Gate; store: Store; alerts: Promise<void>[] }> {
  const db = join(dir, `${name}.duckdb`);
  copyFileSync(join(dir, 'base.duckdb'), db);
  const store = await openStore({ path: db });
  stores.push(store);
  const gate = await openGate({ store, env, rules: DEFAULT_RULES, now: NOW });
  const shared = await connectSharedState(gate, `redis://127.0.0.1:${port}`, { instance: name, clock });
  closers.push(shared.close);
  return { gate, store, alerts: shared.alerts };
}

const ctx = (gate: Gate) => ({ gate, actor: { name: 'dialer-1' }, clock });
const ask = (gate: Gate, callee: string) =>
  decide({ ctx: ctx(gate), input: { caller: '0162000000', callee, client: 'ACME', at: AT } }) as GateDecision;

beforeAll(async () => {
  expect(
    (await cli(['registry', 'import', '--registry', REGISTRY, '--db', join(dir, 'base.duckdb')])).code,
  ).toBe(0);
  port = await freePort();
  await startRedis();
});

afterAll(async () => {
  for (const close of closers) await close();
  for (const s of stores) s.close();
  await stopRedis();
});

describe('two gate instances sharing their state through a real redis-server', () => {
  it('an attempt counted on one is counted by the other; Redis stopped: fail-closed and an alert', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const callee = '0612345678';
    expect(ask(b.gate, callee).allowed).toBe(true);
    const base = Date.parse(AT);
    for (let i = 0; i < 4; i++) {
      const input = {
        caller: '0162000000',
        callee,
        client: 'ACME',
        provider: i % 2 === 0 ? 'p1' : 'p2',
        at: new Date(base - (i + 1) * 86_400_000).toISOString(),
      };
      await recordAttempts({ ctx: ctx(a.gate), input });
    }
    expect(ask(a.gate, callee).reasons.map((r) => r.rule)).toEqual(['frequency.30d']);
    await until(() => ask(b.gate, callee).allowed === false);
    expect(ask(b.gate, callee).reasons.map((r) => r.rule)).toEqual(['frequency.30d']);

    // Nothing lost: a third instance started later reads them back from Redis.
    const c = await instance('c');
    expect(ask(c.gate, callee).reasons.map((r) => r.rule)).toEqual(['frequency.30d']);

    await stopRedis();
    await until(() => b.gate.engine.unavailable !== null);
    const closed = ask(b.gate, '0622222222');
    expect(closed.allowed).toBe(false);
    expect(closed.reasons.map((r) => r.rule)).toEqual(['gate.unavailable']);
    await expect(
      recordAttempts({ ctx: ctx(a.gate), input: { caller: '0162000000', callee, client: 'ACME', at: AT } }),
    ).rejects.toThrow(/unreachable/);
    a.gate.engine.policy = 'fail-open';
    expect(ask(a.gate, '0612345679').reasons.map((r) => [r.rule, r.severity])).toContainEqual([
      'gate.unavailable',
      'warning',
    ]);
    await until(() => b.alerts.length > 0);
    await Promise.all(b.alerts);
    const alerts = await listAlerts(b.store);
    expect(alerts.find((x) => x.rule === 'gate.unavailable')).toMatchObject({
      state: 'open',
      subject: 'gate:b',
      severity: 'critical',
    });

    // Redis back (its append-only file kept the attempts): decisions resume, the alert is resolved.
    await startRedis();
    await until(() => b.gate.engine.unavailable === null, 5000);
    expect(ask(b.gate, callee).reasons.map((r) => r.rule)).toEqual(['frequency.30d']);
    await until(() => b.alerts.length > 1);
    await Promise.all(b.alerts);
    expect((await listAlerts(b.store)).find((x) => x.rule === 'gate.unavailable')?.state).toBe('resolved');
    const d = await instance('d');
    expect(ask(d.gate, callee).reasons.map((r) => r.rule)).toEqual(['frequency.30d']);
  }, 30_000);
});
