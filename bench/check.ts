// Benchmark of issue 4's `vigie check` (goal: well under 100 ms including process start-up), with
// no database: the bundle run as bench/audit.ts runs it (dist/bundle/main.js imported), the command
// as users type it (`node bin/vigie.js check …`), and a bare `node -e 0` for reference, interleaved
// run by run so that the load of the machine weighs on the three alike.
// Usage: npm run bench -- check [runs]   (default 31; run `npm run build` first)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const BUNDLE = join(ROOT, 'dist', 'bundle');
const MAIN = join(BUNDLE, 'main.js');
const CHECK = [
  'check',
  '--caller',
  '+33162000000',
  '--callee',
  '+33600000042',
  '--client',
  'client2',
  '--at',
  '2026-11-24T10:15:00+01:00',
  '--json',
];

const load = (): string => `load ${loadavg()[0]?.toFixed(2) ?? '?'}`;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The latest modification time of the sources bin/vigie.js compares the bundle with. */
function newestSource(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

export async function benchCheck(runs: number): Promise<void> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  if (statSync(MAIN).mtimeMs < newestSource(join(ROOT, 'src')))
    process.stdout.write('note: sources are newer than dist/bundle: bin/vigie.js runs them through tsx\n');
  const cache = spawnSync(
    process.execPath,
    ['-e', `process.stdout.write(require('./check-loader.cjs').loadCheckBundle('.').cache)`],
    { cwd: BUNDLE, encoding: 'utf8' },
  );
  process.stdout.write(`check bundle's code cache: ${cache.stdout || cache.stderr}\n`);
  const commands = [
    {
      label: 'vigie check via the bundle (dist/bundle/main.js)',
      argv: [
        '--input-type=module',
        '-e',
        `(await import(${JSON.stringify(MAIN)})).main()`,
        'vigie',
        ...CHECK,
      ],
    },
    { label: 'vigie check via `node bin/vigie.js`', argv: [join(ROOT, 'bin', 'vigie.js'), ...CHECK] },
    { label: 'bare `node -e 0`', argv: ['-e', '0'] },
  ].map((command) => ({ ...command, times: [] as number[], code: null as number | null }));
  process.stdout.write(`${runs} runs of each, interleaved (${load()} at the start)\n`);
  for (let i = 0; i < runs; i++) {
    for (const command of commands) {
      const started = performance.now();
      const result = spawnSync(process.execPath, command.argv, { cwd: ROOT, stdio: 'ignore' });
      command.times.push(performance.now() - started);
      command.code = result.status;
    }
  }
  const bare = median(commands.at(-1)?.times ?? []);
  for (const { label, times, code } of commands) {
    const ms = median(times);
    const over = label.startsWith('bare') ? '' : `, ${(ms - bare).toFixed(1)} ms over bare node`;
    process.stdout.write(
      `${label}: median ${ms.toFixed(1)} ms (min ${Math.min(...times).toFixed(1)})${over}, exit ${code} (${load()})\n`,
    );
  }
}
