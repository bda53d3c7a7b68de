import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCalls, listQuarantine } from '../../src/calls/queries.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { cli, tempDir, writeFile } from '../support/files.ts';

let store: Store;
beforeAll(async () => {
  store = await openStore({ path: ':memory:' });
});
afterAll(() => store.close());

const csv = (rows: readonly (readonly string[])[]) =>
  `call_id,started_at,caller,callee,outcome,talk_seconds\n${rows.map((r) => r.join(',')).join('\n')}\n`;

describe('--country: the region of numbers written without an international prefix', () => {
  it('reads national writings in the region given, never guesses another territory', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'casablanca.csv',
      csv([
        ['m1', '2026-11-23T10:15:00Z', '0522 12 34 56', '06 12 34 56 78', 'answered', '30'],
        ['m2', '2026-11-23T10:16:00Z', '+212522123456', '0033612345678', 'no_answer', '0'],
        // A French national writing means nothing in Morocco: quarantined, not made French.
        ['m3', '2026-11-23T10:17:00Z', '0522123456', '0162000000', 'answered', '12'],
      ]),
    );
    const summary = await ingestFile(store, file, { country: 'ma', provider: 'casa' });
    expect({ stored: summary.stored, quarantined: summary.quarantined }).toEqual({
      stored: 2,
      quarantined: 1,
    });
    const calls = (await listCalls(store, {})).filter((c) => c.provider === 'casa');
    expect(calls.map((c) => [c.call_id, c.caller, c.callee])).toEqual([
      ['m1', '+212522123456', '+212612345678'],
      ['m2', '+212522123456', '+33612345678'],
    ]);
    expect((await listQuarantine(store, 'casablanca.csv')).map((q) => [q.line, q.reason_code])).toEqual([
      [4n, 'callee_invalid'],
    ]);
  });

  it('in France (the default) a bare 6 or 9 digit number is quarantined, not +508… nor +33…', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'paris.csv',
      csv([
        ['f1', '2026-11-23T10:15:00Z', '0162000000', '123654987', 'answered', '30'],
        ['f2', '2026-11-23T10:16:00Z', '0162000000', '902569596', 'answered', '30'],
        ['f3', '2026-11-23T10:17:00Z', '508214943', '0612345678', 'answered', '30'],
        ['f4', '2026-11-23T10:18:00Z', '0162000000', '0612345678', 'answered', '30'],
      ]),
    );
    const summary = await ingestFile(store, file, { provider: 'paris' });
    expect(summary.stored).toBe(1);
    expect((await listQuarantine(store, 'paris.csv')).map((q) => [q.line, q.reason_code])).toEqual([
      [2n, 'callee_invalid'],
      [3n, 'callee_invalid'],
      [4n, 'caller_invalid'],
    ]);
  });

  it('an unknown country is a usage error; vigie-source.json can set it', async () => {
    const dir = tempDir();
    writeFile(dir, 'a.csv', csv([['t1', '2026-11-23T10:15:00Z', '71 234 567', '+33612345678', 'busy', '0']]));
    const bad = await cli(['ingest', '--country', 'XX', dir], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown country: XX');
    writeFile(dir, 'vigie-source.json', JSON.stringify({ country: 'TN', provider: 'tunis' }));
    const good = await cli(['ingest', '--json', dir], dir);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out).files[0].stored).toBe(1);
    const calls = await cli(['calls', '--json'], dir);
    expect(calls.out).toContain('+21671234567');
  });
});
