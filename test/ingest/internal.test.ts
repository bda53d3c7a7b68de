import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCalls } from '../../src/calls/queries.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { tempDir, writeFile } from '../support/files.ts';

let store: Store;
beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(() => store.close());

/** One cdr_csv row of the 18-column layout (uniqueid, userfield), as Asterisk writes it. */
function row(
  src: string,
  dst: string,
  dcontext: string,
  start: string,
  disposition: string,
  billsec: number,
  uniqueid: string,
): string {
  const end = start.replace(/:(\d\d)$/, (_, s: string) => `:${String(Number(s) + 1).padStart(2, '0')}`);
  return [
    '""',
    `"${src}"`,
    `"${dst}"`,
    `"${dcontext}"`,
    `"""Agent"" <${src}>"`,
    '"SIP/a-00000001"',
    '"SIP/b-00000002"',
    '"Dial"',
    `"SIP/${dst},45"`,
    `"${start}"`,
    `"${billsec > 0 ? start : ''}"`,
    `"${end}"`,
    String(billsec + 1),
    String(billsec),
    `"${disposition}"`,
    '"DOCUMENTATION"',
    `"${uniqueid}"`,
    '""',
  ].join(',');
}

// A Master.csv of a PBX logging in UTC: extensions, an internal call, inbound calls, a short number.
const MASTER = [
  row('0162000020', '0612345620', 'from-internal', '2026-11-23 10:00:01', 'ANSWERED', 60, '1795428001.1'),
  row('100', '1001', 'from-internal', '2026-11-23 10:05:00', 'ANSWERED', 30, '1795428300.2'),
  row('0612345699', '0162000020', 'from-trunk', '2026-11-23 10:06:00', 'ANSWERED', 40, '1795428360.3'),
  row('0612345698', '201', 'from-internal', '2026-11-23 10:07:00', 'NO ANSWER', 0, '1795428420.4'),
  row('Ext.610', '102', 'from-internal', '2026-11-23 10:08:00', 'ANSWERED', 12, '1795428480.5'),
  row('0162000020', '3010', 'from-internal', '2026-11-23 10:09:00', 'ANSWERED', 20, '1795428540.6'),
  row('0612345697', '0162000021', 'from-pstn-fr', '2026-11-23 10:10:00', 'BUSY', 0, '1795428600.7'),
].join('\n');

describe('PBX extensions and the direction of Asterisk calls', () => {
  it('sets extension-to-extension calls aside as internal and reads inbound calls from dcontext and extensions', async () => {
    const file = writeFile(tempDir(), 'Master.csv', `${MASTER}\n`);
    const summary = await ingestFile(store, file, { provider: 'pbx', timezone: 'UTC' });
    expect(summary).toMatchObject({
      format: 'asterisk',
      rows: 7,
      stored: 5,
      internal: 2,
      quarantined: 0,
      merged: 0,
      duplicates: 0,
    });
    expect(summary.rows).toBe(
      summary.stored + summary.duplicates + summary.quarantined + summary.merged + summary.internal,
    );
    const calls = (await listCalls(store, {})).map((c) => ({
      id: c.call_id,
      caller: c.caller,
      callee: c.callee,
      direction: c.direction,
      outcome: c.outcome,
      started: c.started_at.toISOString(),
    }));
    expect(calls.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      {
        id: '1795428001.1',
        caller: '+33162000020',
        callee: '+33612345620',
        direction: 'outbound',
        outcome: 'answered',
        started: '2026-11-23T10:00:01.000Z',
      },
      {
        id: '1795428360.3',
        caller: '+33612345699',
        callee: '+33162000020',
        direction: 'inbound',
        outcome: 'answered',
        started: '2026-11-23T10:06:00.000Z',
      },
      {
        id: '1795428420.4',
        caller: '+33612345698',
        callee: '201',
        direction: 'inbound',
        outcome: 'no_answer',
        started: '2026-11-23T10:07:00.000Z',
      },
      {
        id: '1795428540.6',
        caller: '+33162000020',
        callee: '3010',
        direction: 'outbound',
        outcome: 'answered',
        started: '2026-11-23T10:09:00.000Z',
      },
      {
        id: '1795428600.7',
        caller: '+33612345697',
        callee: '+33162000021',
        direction: 'inbound',
        outcome: 'busy',
        started: '2026-11-23T10:10:00.000Z',
      },
    ]);
    const internal = await store.all<{ line: bigint; caller: string; callee: string; reason_code: string }>(
      'SELECT line, caller, callee, reason_code FROM internal_calls ORDER BY line',
    );
    expect(internal.map((r) => [Number(r.line), r.caller, r.callee, r.reason_code])).toEqual([
      [2, '100', '1001', 'extension_to_extension'],
      [5, 'Ext610', '102', 'extension_to_extension'],
    ]);
  });

  it('a second ingest of the same bytes reports the internal calls again, and --extensions narrows them', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'Master.csv', `${MASTER}\n`);
    await ingestFile(store, file, { provider: 'pbx', timezone: 'UTC' });
    const again = await ingestFile(store, file, { provider: 'pbx', timezone: 'UTC' });
    expect(again).toMatchObject({ alreadyIngested: true, rows: 7, internal: 2, duplicates: 5 });

    const other = await openStore({ path: ':memory:' });
    try {
      // Only 4-digit extensions: `100` and `102` are no longer extensions, so `100 → 1001` is not internal.
      const narrow = await ingestFile(other, writeFile(dir, 'Narrow.csv', `${MASTER}\n`), {
        provider: 'pbx',
        timezone: 'UTC',
        extensions: '^\\d{4}$',
      });
      expect(narrow).toMatchObject({ rows: 7, internal: 0 });
      expect(narrow.rows).toBe(
        narrow.stored + narrow.duplicates + narrow.quarantined + narrow.merged + narrow.internal,
      );
    } finally {
      other.close();
    }
  });

  it("a call towards one of the registry's caller IDs from another number is inbound", async () => {
    await store.run(
      `INSERT INTO assignments (caller_id, client, dedicated, source_file_id, line)
       VALUES ('+33162000020', 'enerlux', true, 0, 1)`,
    );
    const file = writeFile(
      tempDir(),
      'calls.csv',
      [
        'call_id,started_at,caller,callee,outcome',
        'out-1,2026-11-23T10:00:00Z,+33162000020,+33612345620,answered',
        'in-1,2026-11-23T10:01:00Z,+33612345699,+33162000020,answered',
        'other-1,2026-11-23T10:02:00Z,+33612345699,+33162000099,answered',
      ].join('\n'),
    );
    const summary = await ingestFile(store, file, { provider: 'p' });
    expect(summary).toMatchObject({ rows: 3, stored: 3, internal: 0 });
    const directions = Object.fromEntries((await listCalls(store, {})).map((c) => [c.call_id, c.direction]));
    expect(directions).toEqual({ 'out-1': 'outbound', 'in-1': 'inbound', 'other-1': 'outbound' });
  });

  it('a pattern that does not compile is a usage error naming the flag', async () => {
    const file = writeFile(tempDir(), 'Master.csv', `${MASTER}\n`);
    await expect(ingestFile(store, file, { provider: 'pbx', extensions: '(' })).rejects.toThrow(
      /--extensions/,
    );
  });
});
