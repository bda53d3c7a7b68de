import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCalls } from '../../src/calls/queries.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { tempDir, writeFile } from '../support/files.ts';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
});
afterAll(() => store.close());

const FIXTURE = join(import.meta.dirname, '../fixtures/real/asterisk-pbx/Master.csv');

describe('a real Asterisk Master.csv (21 columns) with extensions, trunk and internal calls', () => {
  it('sets internal calls aside and reads inbound calls from the trunk context or towards an extension', async () => {
    const dir = tempDir();
    const file = join(dir, 'Master.csv');
    copyFileSync(FIXTURE, file);
    const summary = await ingestFile(store, file, { provider: 'pbx', timezone: 'UTC' });
    expect(summary).toMatchObject({
      rows: 5,
      stored: 3,
      internal: 2,
      quarantined: 0,
      duplicates: 0,
      merged: 0,
    });
    const calls = (await listCalls(store, {})).filter((c) => c.provider === 'pbx');
    expect(calls.map((c) => [c.call_id, c.direction, c.caller, c.callee])).toEqual([
      ['1763888520.3', 'outbound', '+33162000020', '+33612345620'],
      ['1763888700.5', 'inbound', '+33612345679', '+33162000020'],
      ['1763888820.7', 'inbound', '+33612345680', '201'],
    ]);
    const internal = await store.all<{ line: bigint; caller: string; callee: string; reason_code: string }>(
      "SELECT line, caller, callee, reason_code FROM internal_calls WHERE raw LIKE '%PJSIP/%' ORDER BY line",
    );
    expect(internal.map((r) => [r.line, r.caller, r.callee, r.reason_code])).toEqual([
      [1n, '1001', '1002', 'extension_to_extension'],
      [5n, '1002', '100', 'extension_to_extension'],
    ]);
  });

  it('a French short number reachable from outside (3949, 118712) is not an extension', async () => {
    const file = writeFile(
      tempDir(),
      'short.csv',
      'call_id,started_at,caller,callee,outcome,talk_seconds\n' +
        's1,2026-11-23T10:00:00Z,1001,3949,answered,30\n' +
        's2,2026-11-23T10:01:00Z,1001,118712,answered,30\n',
    );
    const summary = await ingestFile(store, file, { provider: 'short' });
    expect(summary.internal).toBe(0);
  });

  it('every row is accounted for: rows = stored + duplicates + quarantined + merged + internal', async () => {
    const number = fc.constantFrom('1001', '1002', '100', '0612345678', '0162000020', '3949', 'abc', '');
    const row = fc.tuple(fc.integer({ min: 0, max: 5 }), number, number, fc.constantFrom('answered', 'busy'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), async (rows) => {
        n += 1;
        const file = writeFile(
          tempDir(),
          `p${n}.csv`,
          `call_id,started_at,caller,callee,outcome,talk_seconds\n${rows
            .map(
              ([id, a, b, o]) =>
                `p${n}-${id},2026-11-23T10:0${id}:00Z,${a},${b},${o},${o === 'answered' ? 9 : 0}`,
            )
            .join('\n')}\n`,
        );
        const s = await ingestFile(store, file, { provider: `prop${n}` });
        expect(s.rows).toBe(rows.length);
        expect(s.stored + s.duplicates + s.quarantined + s.merged + s.internal).toBe(s.rows);
        expect(s.duplicates).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 5 },
    );
  });
});
