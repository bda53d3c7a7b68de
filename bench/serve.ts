// Benchmark of issue 9's API (goals: overview < 200 ms, `GET /api/v1/numbers` of every number < 300 ms),
// against the same database's raw DuckDB aggregates (the weekly rates and the per-number 7-day counts
// the two routes start from), timed in the same run. A real `vigie serve` (startServer) on a free port,
// an API key created for the run. The database is built by `vigie demo` when missing (never committed).
// Usage: npm run bench -- serve [calls]   (default 300000: the demo; e.g. 1000000 for a bigger month)
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main.ts';
import type { Environment } from '../src/config/env.ts';
import { startServer } from '../src/http/server.ts';
import { createKey } from '../src/services/accounts.ts';
import { createServiceContext, defaultServiceConfig, localActor } from '../src/services/context.ts';
import { openStore } from '../src/store/store.ts';

const ROOT = join(import.meta.dirname, '..');
const RUNS = 15;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function time(run: () => Promise<unknown>): Promise<{ ms: number; first: number }> {
  const started = performance.now();
  await run();
  const first = performance.now() - started;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return { ms: median(times), first };
}

export async function benchServe(calls: number): Promise<void> {
  const dir = join(ROOT, '.vigie');
  mkdirSync(dir, { recursive: true });
  const db = join(dir, calls === 300_000 ? 'demo.duckdb' : `bench-serve-${calls}.duckdb`);
  const env: Environment = { defaultDb: db, cwd: ROOT, interactive: false };
  if (!existsSync(db)) {
    process.stdout.write(`building ${db} (vigie demo --calls ${calls})…\n`);
    const code = await runCli(['demo', '--db', db, '--calls', String(calls)], {
      env,
      out: () => {},
      err: (t) => process.stderr.write(t),
    });
    if (code !== 0) throw new Error(`vigie demo failed (${code})`);
  }
  const store = await openStore({ path: db });
  let key: string;
  const direct: { label: string; ms: number }[] = [];
  try {
    const ctx = createServiceContext({
      store,
      actor: localActor('bench'),
      config: defaultServiceConfig(env),
    });
    key = (await createKey(ctx, { name: `bench-${Date.now()}`, role: 'analyst' })).key;
    const weekly = `SELECT provider, date_trunc('week', started_at) AS w, count(*) AS attempts,
      count(*) FILTER (WHERE outcome = 'answered') AS answered FROM calls WHERE direction = 'outbound'
      GROUP BY ALL`;
    const perNumber = `SELECT caller, count(*) AS attempts, count(*) FILTER (WHERE outcome = 'answered') AS answered,
      count(*) FILTER (WHERE short) AS short FROM calls WHERE direction = 'outbound'
      AND started_at >= (SELECT max(started_at) FROM calls) - INTERVAL 7 DAY GROUP BY caller`;
    direct.push({ label: 'overview', ms: (await time(() => store.all(weekly))).ms });
    direct.push({ label: 'numbers', ms: (await time(() => store.all(perNumber))).ms });
  } finally {
    store.close();
  }
  const server = await startServer({ db, env, port: 0, logLevel: 'silent' });
  try {
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return res.json() as Promise<{ items?: unknown[] }>;
    };
    const count = (await get('/api/v1/numbers?limit=10000')).items?.length ?? 0;
    const goals = { overview: 200, numbers: 300 };
    const paths = { overview: '/api/v1/overview', numbers: '/api/v1/numbers?limit=10000' };
    process.stdout.write(`${calls} calls, ${count} numbers; median of ${RUNS} runs after a first one\n`);
    for (const { label, ms: duck } of direct) {
      const name = label as keyof typeof paths;
      const api = await time(() => get(paths[name]));
      const verdict = api.ms < goals[name] ? 'ok' : 'MISSED';
      process.stdout.write(
        `${paths[name].padEnd(30)} API ${api.ms.toFixed(1)} ms (first ${api.first.toFixed(0)} ms, goal < ${goals[name]} ms: ${verdict})` +
          ` | DuckDB direct ${duck.toFixed(1)} ms | ratio ${(api.ms / duck).toFixed(1)}×\n`,
      );
    }
  } finally {
    await server.close();
  }
}
