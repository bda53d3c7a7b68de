// Benchmark of issue 2: `vigie ingest` of a canonical CSV against DuckDB's own read_csv of the same
// file, side by side in one run. Each side runs in its own child process so that its peak memory
// (maxRSS) is its own. Usage: npm run bench -- ingest [rows]   (default 10,000,000 rows)
// Issue 12 adds a lean 10-column file (VIGIE_BENCH_LEAN_ROWS, default 5,000,000) and the simulated month
// of 248 daily files; VIGIE_BENCH_INGEST=lean|month runs only that part.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCanonicalFile, writeLeanCanonicalFile } from '../test/support/calls-file.ts';

export interface Measure {
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly detail: string;
}

function runChild(
  mode: 'baseline' | 'vigie',
  file: string,
  db: string,
  fresh = true,
  provider = 'bench',
): Measure {
  if (fresh) for (const suffix of ['', '.wal']) rmSync(db + suffix, { force: true });
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'ingest-child.ts'), mode, file, db, provider],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Measure;
}

/** Issue 12: a lean 10-column canonical file against read_csv of it, then the simulated month of 248 files. */
async function benchLean(rows: number, dir: string): Promise<void> {
  const file = join(dir, `lean-${rows}.csv`);
  if (!existsSync(file)) {
    process.stdout.write(`generating ${rows.toLocaleString('en')} lean rows into ${file}…\n`);
    await writeLeanCanonicalFile(file, rows);
  }
  process.stdout.write(
    `lean file: ${rows.toLocaleString('en')} rows, 10 columns, ${(statSync(file).size / 1e6).toFixed(0)} MB\n`,
  );
  const baseline = runChild('baseline', file, join(dir, 'baseline.duckdb'));
  const vigie = runChild('vigie', file, join(dir, 'vigie.duckdb'));
  process.stdout.write(
    `lean: read_csv ${baseline.seconds.toFixed(2)} s (peak ${baseline.maxRssMb.toFixed(0)} MB), vigie ingest ${vigie.seconds.toFixed(2)} s (peak ${vigie.maxRssMb.toFixed(0)} MB) → ${(vigie.seconds / baseline.seconds).toFixed(2)}× (goal ≤ 2×), ${Math.round(rows / vigie.seconds).toLocaleString('en')} rows/s\n`,
  );
}

/** One `vigie ingest` of the 248 daily files of `vigie simulate --seed 1 --days 28 --calls 300000`. */
function benchMonth(dir: string): void {
  const sim = join(dir, 'month');
  const bin = join(import.meta.dirname, '..', 'bin', 'vigie.js');
  if (!existsSync(join(sim, 'exports'))) {
    execFileSync(
      process.execPath,
      [bin, 'simulate', '--seed', '1', '--days', '28', '--calls', '300000', '--out', sim],
      {
        stdio: 'ignore',
      },
    );
  }
  const db = join(dir, 'month.duckdb');
  for (const suffix of ['', '.wal']) rmSync(db + suffix, { force: true });
  const started = performance.now();
  const output = execFileSync(process.execPath, [bin, 'ingest', join(sim, 'exports'), '--db', db, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const seconds = (performance.now() - started) / 1000;
  const files = (JSON.parse(output) as { files: { rows: number }[] }).files;
  const rows = files.reduce((sum, f) => sum + f.rows, 0);
  process.stdout.write(
    `month: ${files.length} files, ${rows.toLocaleString('en')} rows in ${seconds.toFixed(2)} s (one vigie ingest, process and reputation update included) → ${Math.round(rows / seconds).toLocaleString('en')} rows/s (goal ≥ 100,000)\n`,
  );
  for (const suffix of ['', '.wal']) rmSync(db + suffix, { force: true });
}

export async function benchIngest(rows: number): Promise<void> {
  const leanRows = Number(process.env.VIGIE_BENCH_LEAN_ROWS ?? 5_000_000);
  const only = process.env.VIGIE_BENCH_INGEST;
  const dir0 = join(tmpdir(), 'vigie-bench');
  mkdirSync(dir0, { recursive: true });
  if (only === 'lean' || only === 'month') {
    if (only === 'lean') await benchLean(leanRows, dir0);
    else benchMonth(dir0);
    return;
  }

  const dir = join(tmpdir(), 'vigie-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `canonical-${rows}.csv`);
  if (!existsSync(file)) {
    process.stdout.write(`generating ${rows.toLocaleString('en')} rows into ${file}…\n`);
    await writeCanonicalFile(file, rows);
  }
  const size = statSync(file).size / 1e6;
  process.stdout.write(`file: ${rows.toLocaleString('en')} rows, ${size.toFixed(0)} MB\n`);
  const baseline = runChild('baseline', file, join(dir, 'baseline.duckdb'));
  process.stdout.write(
    `DuckDB read_csv → table : ${baseline.seconds.toFixed(2)} s, peak ${baseline.maxRssMb.toFixed(0)} MB (${baseline.detail})\n`,
  );
  const vigie = runChild('vigie', file, join(dir, 'vigie.duckdb'));
  process.stdout.write(
    `vigie ingest            : ${vigie.seconds.toFixed(2)} s, peak ${vigie.maxRssMb.toFixed(0)} MB (${vigie.detail})\n`,
  );
  const ratio = vigie.seconds / baseline.seconds;
  process.stdout.write(
    `ratio vigie / read_csv  : ${ratio.toFixed(2)}× (goal ≤ 2×), ${(rows / vigie.seconds / 1e6).toFixed(2)} M rows/s; peak memory goal < 1024 MB\n`,
  );
  // Not the goal's case, for information: a further file into the database the run just filled, where
  // each row must be looked up among the stored calls.
  const more = join(dir, 'canonical-1000000-seed2.csv');
  if (!existsSync(more)) await writeCanonicalFile(more, 1_000_000, 2, 'more');
  const moreBaseline = runChild('baseline', more, join(dir, 'baseline.duckdb'));
  const moreVigie = runChild('vigie', more, join(dir, 'vigie.duckdb'), false, 'bench-2');
  process.stdout.write(
    `then 1,000,000 rows more into it: read_csv ${moreBaseline.seconds.toFixed(2)} s, vigie ingest ${moreVigie.seconds.toFixed(2)} s → ${(moreVigie.seconds / moreBaseline.seconds).toFixed(2)}× (${moreVigie.detail})\n`,
  );
  await benchLean(leanRows, dir);
  benchMonth(dir);
  for (const name of ['baseline.duckdb', 'vigie.duckdb'])
    for (const suffix of ['', '.wal']) rmSync(join(dir, name + suffix), { force: true });
}
