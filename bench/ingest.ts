// Benchmark of issue 2: `vigie ingest` of a canonical CSV against DuckDB's own read_csv of the same
// file, side by side in one run. Each side runs in its own child process so that its peak memory
// (maxRSS) is its own. Usage: npm run bench -- ingest [rows]   (default 10,000,000 rows)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCanonicalFile } from '../test/support/calls-file.ts';

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

export async function benchIngest(rows: number): Promise<void> {
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
  for (const name of ['baseline.duckdb', 'vigie.duckdb'])
    for (const suffix of ['', '.wal']) rmSync(join(dir, name + suffix), { force: true });
}
