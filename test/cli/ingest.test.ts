import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.ts';
import { cli, tempDir, writeFile } from '../support/files.ts';

const examples = join(import.meta.dirname, '..', '..', 'examples');

describe('vigie ingest', () => {
  it('ingests a folder file by file with its vigie-source.json, and prints one JSON object', async () => {
    const dir = tempDir();
    cpSync(join(examples, 'vicidial'), join(dir, 'drop'), { recursive: true });
    const run = await cli(['ingest', join(dir, 'drop'), '--json'], dir);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.out) as { files: Record<string, unknown>[] };
    expect(result.files).toHaveLength(1);
    expect(result.files[0]).toMatchObject({
      format: 'vicidial',
      rows: 5,
      stored: 5,
      duplicates: 0,
      quarantined: 0,
      merged: 0,
    });
    for (const f of result.files)
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(['file', 'format', 'rows', 'stored', 'duplicates', 'quarantined', 'merged']),
      );

    const calls = await cli(['calls', '--callee', '06 12 34 56 40', '--json'], dir);
    const [call] = JSON.parse(calls.out) as Record<string, unknown>[];
    // provider, caller and zone came from the folder's vigie-source.json.
    expect(call).toMatchObject({
      provider: 'medina-call',
      caller: '+33377000050',
      started_at: '2026-11-23T09:30:00.000Z',
    });

    const again = await cli(['ingest', join(dir, 'drop'), '--json'], dir);
    expect(JSON.parse(again.out).files[0]).toMatchObject({ stored: 0, duplicates: 5 });
  });

  it('flags override the folder defaults', async () => {
    const dir = tempDir();
    cpSync(join(examples, 'vicidial'), join(dir, 'drop'), { recursive: true });
    await cli(['ingest', join(dir, 'drop'), '--provider', 'other', '--caller', '+33377000051'], dir);
    const calls = JSON.parse((await cli(['calls', '--json'], dir)).out) as Record<string, unknown>[];
    expect(new Set(calls.map((c) => c.provider))).toEqual(new Set(['other']));
    // A --caller on the command line also overrides the folder's per-campaign caller IDs.
    expect(new Set(calls.map((c) => c.caller))).toEqual(new Set(['+33377000051']));
  });

  it('exits 3 when rows were quarantined, and `vigie quarantine` shows them with line, field and reason', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'calls.csv',
      'call_id,started_at,caller,callee,outcome\na,2026-11-23T10:00:00Z,+33162000000,+33612345678,answered\nb,2026-11-23T10:01:00Z,+33162000000,999,answered\n',
    );
    const run = await cli(['ingest', file, '--provider', 'p'], dir);
    expect(run.code).toBe(3);
    expect(run.out).toContain('1 en quarantaine');
    const q = await cli(['quarantine', '--json'], dir);
    expect(JSON.parse(q.out)).toEqual([
      expect.objectContaining({
        line: 3,
        field: 'callee',
        reason: 'callee_invalid',
        reasonFr: 'numéro appelé invalide',
        reasonEn: 'invalid callee number',
        raw: 'b,2026-11-23T10:01:00Z,+33162000000,999,answered',
      }),
    ]);
    const table = await cli(['quarantine', '--file', 'calls.csv'], dir);
    expect(table.out).toContain('numéro appelé invalide / invalid callee number');
  });

  it('exits 2 with a clear message for usage errors', async () => {
    const dir = tempDir();
    const unknownFlag = await cli(['ingest', 'x.csv', '--frobnicate'], dir);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.err).toContain("unknown option '--frobnicate'");
    const missing = await cli(['ingest', join(dir, 'nope.csv')], dir);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toContain('nope.csv: no such file or folder');
    const odd = writeFile(dir, 'odd.csv', 'a;b;c\n1;2;3\n');
    const undecidable = await cli(['ingest', odd], dir);
    expect(undecidable.code).toBe(2);
    expect(undecidable.err).toContain('--format canonical|asterisk|freeswitch|vicidial|twilio');
    const zone = await cli(['ingest', odd, '--format', 'canonical', '--timezone', 'Europe/Pariss'], dir);
    expect(zone.code).toBe(2);
    expect(zone.err).toContain('unknown time zone: Europe/Pariss');
    mkdirSync(join(dir, 'bad'));
    writeFile(join(dir, 'bad'), 'vigie-source.json', '{"provider": 12}');
    const badSource = await cli(['ingest', join(dir, 'bad')], dir);
    expect(badSource.code).toBe(2);
    expect(badSource.err).toContain('vigie-source.json: field "provider" must be a string');
  });

  it('lists calls as CSV and filters by caller and dates', async () => {
    const dir = tempDir();
    await cli(['ingest', join(examples, 'canonical', 'calls.csv')], dir);
    const csv = await cli(
      ['calls', '--caller', '01 62 00 00 02', '--from', '2026-11-23', '--to', '2026-11-23', '--csv'],
      dir,
    );
    const lines = csv.out.split('\n');
    expect(lines[0]).toMatch(/^provider,call_id,started_at,caller,callee/);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['c-0005', 'c-0006']);
    const none = await cli(['calls', '--from', '2026-11-24', '--json'], dir);
    expect(JSON.parse(none.out)).toEqual([]);
  });

  it('ingests spam reports with the same guarantees', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'reports.csv',
      'number,reported_at,source,category,comment\n+33162000001,2026-11-23T12:01:00+01:00,tellows,spam,\n01 62 00 00 01,2026-11-23 15:40,33700,spam,\nnot-a-number,2026-11-23 15:40,33700,spam,\n',
    );
    const run = await cli(['ingest-reports', file, '--json'], dir);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.out).files[0]).toMatchObject({ rows: 3, stored: 2, quarantined: 1, duplicates: 0 });
    const again = await cli(['ingest-reports', file, '--json'], dir);
    expect(JSON.parse(again.out).files[0]).toMatchObject({ stored: 0 });
    const q = JSON.parse((await cli(['quarantine', '--json'], dir)).out) as Record<string, unknown>[];
    expect(q).toEqual([expect.objectContaining({ line: 4, field: 'number', reason: 'number_invalid' })]);
  });
});

describe('vigie ingest-reports, per-day counts', () => {
  it('stores one row per (number, day, source) with its count, read in the zone given', async () => {
    const dir = tempDir();
    const file = writeFile(
      dir,
      'daily.csv',
      'number;day;source;reports\r\n0162000001;23/11/2026;orange;7\r\n0162000001;2026-11-24;orange;3\r\n0162000002;2026-11-24;33700;x\r\n',
    );
    const run = await cli(['ingest-reports', file, '--json'], dir);
    expect(JSON.parse(run.out).files[0]).toMatchObject({
      format: 'reports-daily',
      rows: 3,
      stored: 2,
      quarantined: 1,
    });
    const store = await openStore({ path: join(dir, '.vigie', 'vigie.duckdb'), readOnly: true });
    const stored = await store.all(
      'SELECT number, CAST(reported_at AS VARCHAR) AS at, source, report_count FROM reports ORDER BY reported_at',
    );
    store.close();
    expect(stored).toEqual([
      { number: '+33162000001', at: '2026-11-22 23:00:00+00', source: 'orange', report_count: 7 },
      { number: '+33162000001', at: '2026-11-23 23:00:00+00', source: 'orange', report_count: 3 },
    ]);
    const q = JSON.parse((await cli(['quarantine', '--json'], dir)).out) as Record<string, unknown>[];
    expect(q).toEqual([expect.objectContaining({ line: 4, field: 'reports', reason: 'reports_invalid' })]);
  });
});
