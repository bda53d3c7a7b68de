import { copyFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../support/files.ts';

const examples = join(import.meta.dirname, '..', '..', 'examples');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : name === 'vigie-source.json' ? [] : [path];
  });
}

describe('every example file, copied out of its folder (no vigie-source.json)', () => {
  const files = filesUnder(examples);
  it('there are examples of every format', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });
  it.each(files.map((f) => [relative(examples, f), f]))(
    '%s ingests with exit 0 or 3, never 1',
    async (_, file) => {
      const dir = tempDir();
      const copy = join(dir, basename(file));
      copyFileSync(file, copy);
      const command = file.includes(`${join('examples', 'reports')}`) ? 'ingest-reports' : 'ingest';
      const run = await cli([command, copy, '--json'], dir);
      expect(run.err).not.toMatch(/internal error/);
      expect([0, 3]).toContain(run.code);
      const summary = JSON.parse(run.out) as { files: { rows: number; stored: number }[] };
      expect(summary.files[0]?.rows).toBeGreaterThan(0);
    },
  );
});
