import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/calls.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { CANONICAL_HEADER, canonicalRow, prng } from '../support/calls-file.ts';
import { tempDir, writeFile } from '../support/files.ts';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
});
afterAll(() => store.close());

const dir = tempDir();
let fileCount = 0;

/** Ingests `lines` as a fresh file into an emptied store and returns the summary and the stored set. */
async function ingestLines(lines: readonly string[], provider = 'p') {
  await store.run('DELETE FROM calls');
  await store.run('DELETE FROM quarantine');
  await store.run('DELETE FROM source_files');
  const file = writeFile(dir, `f${fileCount++}.csv`, `${[CANONICAL_HEADER, ...lines].join('\n')}\n`);
  const summary = await ingestFile(store, file, { provider });
  const stored = await store.all<{ row: string }>(
    `SELECT concat_ws('|', provider, call_id, started_at, caller, callee, outcome, talk_seconds) AS row FROM calls ORDER BY row`,
  );
  return { summary, stored: stored.map((r) => r.row) };
}

const validRows = (count: number, seed: number) => {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => canonicalRow(i, random, Date.UTC(2026, 10, 2, 9)));
};

const accountedFor = (s: {
  rows: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  merged: number;
  internal: number;
}) => s.rows === s.stored + s.duplicates + s.quarantined + s.merged + s.internal;

describe('ingest properties', () => {
  it('any permutation or duplication of a file’s rows stores the same set', async () => {
    const rows = validRows(40, 3);
    const reference = await ingestLines(rows);
    expect(reference.stored).toHaveLength(40);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 39 }), { minLength: 40, maxLength: 80 }).map((extra) => extra),
        fc.integer(),
        async (repeats, seed) => {
          const random = prng(seed);
          const lines = [...rows, ...repeats.map((i) => rows[i] ?? '')];
          for (let i = lines.length - 1; i > 0; i--) {
            const j = Math.floor(random() * (i + 1));
            [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
          }
          const { summary, stored } = await ingestLines(lines);
          expect(stored).toEqual(reference.stored);
          expect(summary).toMatchObject({
            rows: lines.length,
            stored: 40,
            duplicates: repeats.length,
            quarantined: 0,
          });
        },
      ),
      { numRuns: 12 },
    );
  });

  it('every row is accounted for when garbage lines are mixed into a valid file', async () => {
    const rows = validRows(30, 5);
    const garbage = fc.oneof(
      fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ' ')),
      fc
        .array(
          fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n,"]/g, '')),
          { minLength: 14, maxLength: 14 },
        )
        .map((f) => f.join(',')),
      fc.constantFrom(
        '"unterminated, quote',
        ',,,,,,,,,,,,,',
        'x,2026-13-45T99:99:99Z,+33162000000,+33612345678,answered,1,1,p,c,k,prospecting,false,200',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 30 }), garbage), { maxLength: 8 }),
        async (insertions) => {
          const lines = [...rows];
          for (const [at, line] of insertions) lines.splice(at, 0, line);
          const { summary, stored } = await ingestLines(lines);
          expect(accountedFor(summary)).toBe(true);
          // Garbage never costs a good row unless a stray quote swallowed its neighbours into one field;
          // each non-blank garbage line is one quarantined row, and blank lines are no rows at all.
          if (!insertions.some(([, l]) => l.includes('"'))) {
            const records = insertions.filter(([, l]) => l !== '').length;
            expect(stored).toHaveLength(30);
            expect(summary).toMatchObject({
              rows: 30 + records,
              stored: 30,
              quarantined: records,
              duplicates: 0,
              merged: 0,
            });
          }
          const inCalls = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM calls');
          expect(Number(inCalls?.n)).toBe(summary.stored);
          const quarantined = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM quarantine');
          expect(Number(quarantined?.n)).toBe(summary.quarantined);
        },
      ),
      { numRuns: 20 },
    );
  });
});
