import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigie-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openStore', () => {
  it('gives a read-only store a spill folder of its own, removed on close', async () => {
    const path = join(dir, 'b.duckdb');
    (await openStore({ path })).close();
    const readers = [await openStore({ path, readOnly: true }), await openStore({ path, readOnly: true })];
    const folders = await Promise.all(
      readers.map(
        async (s) =>
          (await s.one<{ dir: string }>("SELECT current_setting('temp_directory') AS dir"))?.dir ?? '',
      ),
    );
    expect(new Set(folders).size).toBe(2);
    for (const folder of folders) expect(existsSync(folder)).toBe(true);
    for (const s of readers) s.close();
    for (const folder of folders) expect(existsSync(folder)).toBe(false);
  });

  it('gives each instance the spill folder asked for (instances sorting at once must not share one)', async () => {
    const path = join(dir, 'a.duckdb');
    (await openStore({ path })).close();
    const spill = [join(dir, 'spill-1'), join(dir, 'spill-2')];
    const stores = await Promise.all(
      spill.map((tempDirectory) => openStore({ path, readOnly: true, tempDirectory, memoryLimit: '300MB' })),
    );
    try {
      const settings = await Promise.all(
        stores.map((s) =>
          s.one<{ dir: string; memory: string }>(
            "SELECT current_setting('temp_directory') AS dir, current_setting('memory_limit') AS memory",
          ),
        ),
      );
      expect(settings.map((s) => s?.dir)).toEqual(spill);
      // DuckDB shows 300 MB in MiB.
      expect(settings.map((s) => s?.memory)).toEqual(['286.1 MiB', '286.1 MiB']);
    } finally {
      for (const s of stores) s.close();
    }
  });
});
