// Benchmark of issue 4: `vigie audit` over 10 million stored calls with 1 million consents and
// 100,000 refusals (goal < 30 s), and `vigie check` including process start-up (goal well under
// 100 ms). The data is generated inside DuckDB (INSERT … SELECT … FROM range(…)): weekdays of
// June–November 2026, 1M callees each with a consent of its client, refusals mostly of other numbers.
// Usage: npm run bench -- audit [calls]   (default 10,000,000)
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/store.ts';
import { insertRegistry, syntheticCallsFile } from '../test/support/synthetic-store.ts';

const ROOT = join(import.meta.dirname, '..');
// The bundled CLI, run directly: bin/vigie.js would fall back to tsx while sources are being edited.
const DIST_MAIN = join(ROOT, 'dist', 'bundle', 'main.js');
const RUN_DIST = [
  '--input-type=module',
  '-e',
  `(await import(${JSON.stringify(DIST_MAIN)})).main()`,
  'vigie',
];
const CALLEES = 1_000_000;

/** French mobile of callee index k: +336 and 8 digits. */
const callee = (k: string) => `'+336' || lpad((${k})::VARCHAR, 8, '0')`;

export async function generateAuditDb(path: string, calls: number): Promise<void> {
  for (const suffix of ['', '.wal']) rmSync(path + suffix, { force: true });
  const store = await openStore({ path, memoryLimit: '4GB' });
  try {
    const file = await syntheticCallsFile(store, calls);
    // 130 weekdays from Monday 2026-06-01; 08:00–18:00 UTC; callee k called by client k % 5.
    await store.run(
      `INSERT INTO calls (provider, call_id, started_at, caller, callee, direction, outcome, short, ring_seconds,
         talk_seconds, site, client, campaign, agent, purpose, refused, source_file_id, source_record)
       SELECT 'prov' || (i % 4), 'c' || i,
              TIMESTAMPTZ '2026-06-01 08:00:00+00'
                + to_days(((i % 130) // 5 * 7 + (i % 130) % 5)::INTEGER)
                + to_seconds(((i * 7919) % 36000)::BIGINT),
              '+3316200' || lpad((i % 500)::VARCHAR, 4, '0'),
              ${callee(`(i * 2654435761) % ${CALLEES}`)},
              'outbound', 'answered', false, 5, 60, NULL,
              'client' || (((i * 2654435761) % ${CALLEES}) % 5), 'camp' || (i % 10), NULL, 'prospecting',
              i % 500 = 0, ${file}, i + 1
       FROM range(${calls}) t(i)`,
    );
    await insertRegistry(
      store,
      'consents',
      (id) =>
        `SELECT ${callee('k')}, TIMESTAMPTZ '2026-05-01 08:00:00+00' + to_days((k % 60)::INTEGER),
         'client' || (k % 5), '*', 'web', 'form-' || k, NULL, NULL, NULL, ${id}, k + 2 FROM range(${CALLEES}) t(k)`,
    );
    // 10% of the refusals are of called numbers; the rest of numbers never called (+337…).
    await insertRegistry(
      store,
      'refusals',
      (id) => `SELECT
         CASE WHEN k % 10 = 0 THEN ${callee('k * 97 % 1000000')} ELSE '+337' || lpad(k::VARCHAR, 8, '0') END,
         TIMESTAMPTZ '2026-05-15 09:00:00+00', NULL, ${id}, k + 2 FROM range(100000) t(k)`,
    );
    await insertRegistry(
      store,
      'consultations',
      (id) =>
        `SELECT 'client' || (k % 5), TIMESTAMPTZ '2026-05-01 06:00:00+00' + to_days((k // 5 * 7)::INTEGER),
         100000, ${id}, k + 2 FROM range(200) t(k)`,
    );
    await insertRegistry(
      store,
      'bloctel',
      (id) =>
        `SELECT ${callee('k * 31 % 1000000')}, TIMESTAMPTZ '2026-06-20 06:00:00+00', NULL, ${id}, k + 2
       FROM range(20000) t(k)`,
    );
    await insertRegistry(
      store,
      'dnc',
      (id) =>
        `SELECT '+337' || lpad(k::VARCHAR, 8, '0'), TIMESTAMPTZ '2026-01-01 00:00:00+00', 'plainte', ${id}, k + 2
       FROM range(10000) t(k)`,
    );
    await insertRegistry(
      store,
      'contacts',
      (id) =>
        `SELECT ${callee('k * 13 % 1000000')}, CASE WHEN k % 20 = 0 THEN 'professional' ELSE 'consumer' END,
         CASE WHEN k % 3 = 0 THEN '67000' ELSE '75011' END, ${id}, k + 2 FROM range(100000) t(k)`,
    );
    await insertRegistry(
      store,
      'campaigns',
      (id) => `SELECT 'camp' || k, NULL, 'prospecting', NULL, 'automated', ${id}, k + 2 FROM range(10) t(k)`,
    );
    await store.run('CHECKPOINT');
  } finally {
    store.close();
  }
}

/** Other benchmarks may share the machine: every figure is printed with the 1-minute load average. */
function load(): string {
  return `load ${loadavg()[0]?.toFixed(2) ?? '?'}`;
}

/** Lines of a file (one JSON finding a line), counted in its bytes: it can exceed any string. */
function countLines(path: string): number {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      for (let at = buffer.indexOf(10); at >= 0 && at < n; at = buffer.indexOf(10, at + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeCheck(args: readonly string[], runs: number): { ms: number; code: number | null } {
  const times: number[] = [];
  let code: number | null = null;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, [...RUN_DIST, 'check', ...args], { stdio: 'ignore' });
    times.push(performance.now() - started);
    code = result.status;
  }
  return { ms: median(times), code };
}

export async function benchAudit(calls: number): Promise<void> {
  const dir = join(tmpdir(), 'vigie-bench');
  mkdirSync(dir, { recursive: true });
  process.stdout.write('building dist/ (npm run build)…\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const db = join(dir, `audit-${calls}.duckdb`);
  if (!existsSync(db)) {
    const started = performance.now();
    await generateAuditDb(`${db}.partial`, calls);
    renameSync(`${db}.partial`, db);
    process.stdout.write(
      `generated ${calls.toLocaleString('en')} calls, 1,000,000 consents, 100,000 refusals in ${((performance.now() - started) / 1000).toFixed(1)} s (${db})\n`,
    );
  }
  // Written to a file, as a user would (`vigie audit --format json > findings.json`): piped into this
  // process instead, reading hundreds of megabytes would take CPU from the audit on a small machine.
  const threads = Math.min(8, availableParallelism());
  for (const flags of [[], ['--threads', '1']]) {
    const output = join(dir, `audit-${calls}.json`);
    const fd = openSync(output, 'w');
    const started = performance.now();
    const audit = spawnSync(
      process.execPath,
      [...RUN_DIST, 'audit', '--db', db, '--format', 'json', ...flags],
      {
        stdio: ['ignore', fd, 'inherit'],
      },
    );
    const seconds = (performance.now() - started) / 1000;
    closeSync(fd);
    const violations = audit.status === 0 ? countLines(output) : -1;
    rmSync(output, { force: true });
    const shown = flags.length === 0 ? `default: ${threads} threads` : flags.join(' ');
    process.stdout.write(
      `vigie audit --db (${calls.toLocaleString('en')} calls, ${shown}) > file: ${seconds.toFixed(1)} s, ${violations.toLocaleString('en')} findings, exit ${audit.status} (goal < 30 s; ${load()})\n`,
    );
  }
  const args = ['--caller', '+33162000000', '--callee', '+33600000042', '--client', 'client2'];
  const at = ['--at', '2026-11-24T10:15:00+01:00', '--json'];
  const plain = timeCheck([...args, ...at], 11);
  process.stdout.write(
    `vigie check (no database), median of 11 runs incl. start-up: ${plain.ms.toFixed(0)} ms, exit ${plain.code} (goal well under 100 ms; ${load()})\n`,
  );
  const bare: number[] = [];
  for (let i = 0; i < 11; i++) {
    const started = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    bare.push(performance.now() - started);
  }
  process.stdout.write(
    `  (for reference: a bare \`node -e 0\` starts in ${median(bare).toFixed(0)} ms here)\n`,
  );
  const stored = timeCheck([...args, ...at, '--db', db], 5);
  process.stdout.write(
    `vigie check --db (stored history over ${calls.toLocaleString('en')} calls), median of 5: ${stored.ms.toFixed(0)} ms, exit ${stored.code} (${load()})\n`,
  );
}
