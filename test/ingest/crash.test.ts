import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/calls.ts';
import { openStore } from '../../src/store/store.ts';
import { writeCanonicalFile } from '../support/calls-file.ts';
import { tempDir, writeFile } from '../support/files.ts';

const root = join(import.meta.dirname, '..', '..');

async function snapshot(db: string): Promise<unknown> {
  const store = await openStore({ path: db, readOnly: true });
  try {
    return {
      calls: await store.all('SELECT count(*) AS n, sum(hash(provider, call_id)) AS h FROM calls'),
      files: await store.all('SELECT path, rows_read, stored FROM source_files ORDER BY id'),
      quarantine: await store.all('SELECT count(*) AS n FROM quarantine'),
    };
  } finally {
    store.close();
  }
}

describe('a crash mid-file', () => {
  it('leaves the database as it was, and the file then ingests fully', async () => {
    const dir = tempDir();
    const db = join(dir, 'vigie.duckdb');
    const small = writeFile(
      dir,
      'before.csv',
      'call_id,started_at,caller,callee,outcome\nb1,2026-11-23T10:00:00Z,+33162000000,+33612345678,answered\n',
    );
    const big = join(dir, 'big.csv');
    await writeCanonicalFile(big, 1_500_000, 7);
    const seed = await openStore({ path: db });
    await ingestFile(seed, small, { provider: 'p' });
    seed.close();
    const before = await snapshot(db);

    // A real `vigie ingest` process, killed with SIGKILL once it is well into the file.
    const child = spawn(
      process.execPath,
      [join(root, 'bin', 'vigie.js'), 'ingest', big, '--db', db, '--provider', 'p'],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Kill it once the insert is writing: the database file (or its WAL) has grown by several megabytes.
    const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);
    const initial = sizeOf(db) + sizeOf(`${db}.wal`);
    const deadline = Date.now() + 120_000;
    while (sizeOf(db) + sizeOf(`${db}.wal`) < initial + 4_000_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(await snapshot(db)).toEqual(before);

    const store = await openStore({ path: db });
    const summary = await ingestFile(store, big, { provider: 'p' });
    store.close();
    expect(summary).toMatchObject({
      rows: 1_500_000,
      stored: 1_500_000,
      quarantined: 0,
      alreadyIngested: false,
    });
  }, 180_000);
});
