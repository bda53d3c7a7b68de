import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCalls, listQuarantine } from '../../src/calls/queries.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { tempDir, windows1252, writeFile } from '../support/files.ts';

let store: Store;
beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(() => store.close());

const storedCalls = async () =>
  (await listCalls(store, {})).map(({ source_file: _f, source_record: _r, ...call }) => call);

/** One logical export, written the ways that dialers and Excel write it. */
const header = [
  'call_id',
  'started_at',
  'caller',
  'callee',
  'outcome',
  'talk_seconds',
  'refused',
  'disposition',
];
const rows = [
  [
    'a1',
    '2026-11-23T10:15:00+01:00',
    '+33162000000',
    '+33612345678',
    'answered',
    '12.5',
    'true',
    'Vente, conclue',
  ],
  [
    'a2',
    '2026-11-23T10:20:00+01:00',
    '+33162000000',
    '+262262123456',
    'no_answer',
    '0',
    'false',
    'Ligne 1\nLigne 2',
  ],
  [
    'a3',
    '2026-11-23T10:25:30+01:00',
    '+33162000000',
    '+33612345679',
    'busy',
    '',
    'false',
    'guillemets "doubles"',
  ],
];
const quote = (v: string, sep: string) =>
  v.includes(sep) || v.includes('"') || v.includes('\n') ? `"${v.replaceAll('"', '""')}"` : v;
const write = (sep: string, eol: string, map: (cell: string, column: string) => string = (c) => c) =>
  [header, ...rows.map((r) => r.map((cell, i) => map(cell, header[i] ?? '')))]
    .map((r) => r.map((v) => quote(v, sep)).join(sep))
    .join(eol) + eol;

/** The French Excel writing of the same rows: national numbers with spaces, dd/mm/yyyy, decimal commas, oui/non. */
const french = (cell: string, column: string): string => {
  if (column === 'started_at')
    return cell.replace(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})\+01:00$/, '$3/$2/$1 $4');
  if (column === 'caller' || column === 'callee')
    return cell.startsWith('+33')
      ? `0${cell.slice(3)}`.replace(/(\d{2})(?=\d)/g, '$1 ')
      : `0${cell.slice(4)}`;
  if (column === 'talk_seconds') return cell.replace('.', ',');
  if (column === 'refused') return cell === 'true' ? 'oui' : 'non';
  return cell;
};

describe('canonical CSV variants all store the same calls', () => {
  let reference: Awaited<ReturnType<typeof storedCalls>>;
  beforeEach(async () => {
    const file = writeFile(tempDir(), 'plain.csv', write(',', '\n'));
    await ingestFile(store, file, { provider: 'p' });
    reference = await storedCalls();
    await store.run('DELETE FROM calls');
    await store.run('DELETE FROM source_files');
  });

  it.each([
    ['semicolon + CRLF', () => write(';', '\r\n')],
    ['tab', () => write('\t', '\n')],
    ['UTF-8 with BOM', () => `\ufeff${write(',', '\n')}`],
    [
      'French Excel: ; CRLF dd/mm/yyyy, national numbers, decimal commas, oui/non',
      () => write(';', '\r\n', french),
    ],
    ['French Excel in Windows-1252', () => windows1252(write(';', '\r\n', french))],
    [
      'upper-case header with spaces',
      () => write(',', '\n').replace('call_id,started_at', 'CALL_ID , Started_At '),
    ],
  ])('%s', async (_name, content) => {
    const file = writeFile(tempDir(), 'variant.csv', content());
    const summary = await ingestFile(store, file, { provider: 'p' });
    expect(summary).toMatchObject({ rows: 3, stored: 3, quarantined: 0 });
    expect(await storedCalls()).toEqual(reference);
  });

  it('reference rows keep embedded separators, quotes and newlines', () => {
    expect(reference.map((c) => c.disposition)).toEqual([
      'Vente, conclue',
      'Ligne 1\nLigne 2',
      'guillemets "doubles"',
    ]);
    expect(reference[0]?.talk_seconds).toBe(12.5);
    expect(reference[2]?.talk_seconds).toBeNull();
  });
});

describe('quarantine', () => {
  it('keeps the good rows, quarantines each bad one with its line, field and reason', async () => {
    const file = writeFile(
      tempDir(),
      'mixed.csv',
      [
        'call_id,started_at,caller,callee,outcome,talk_seconds',
        'ok1,2026-11-23T10:00:00Z,+33162000000,+33612345678,answered,30',
        ',2026-11-23T10:01:00Z,+33162000000,+33612345678,answered,30',
        'bad-time,hier matin,+33162000000,+33612345678,answered,30',
        'bad-callee,2026-11-23T10:02:00Z,+33162000000,12345,answered,30',
        'bad-outcome,2026-11-23T10:03:00Z,+33162000000,+33612345678,peut-être,30',
        '"multi',
        'line",2026-11-23T10:04:00Z,+33162000000,+33612345678,answered,"trente"',
        'ok2,2026-11-23T10:05:00Z,0033 1 62 00 00 00,(06) 12-34-56-79,busy,',
      ].join('\n'),
    );
    const summary = await ingestFile(store, file, { provider: 'p' });
    expect(summary).toMatchObject({ rows: 7, stored: 2, quarantined: 5, duplicates: 0, merged: 0 });
    const calls = await listCalls(store, {});
    expect(calls.map((c) => [c.call_id, c.caller, c.callee])).toEqual([
      ['ok1', '+33162000000', '+33612345678'],
      ['ok2', '+33162000000', '+33612345679'],
    ]);
    const quarantined = await listQuarantine(store);
    expect(quarantined.map((q) => [q.line, q.field, q.reason_code])).toEqual([
      [3n, 'call_id', 'call_id_missing'],
      [4n, 'started_at', 'started_at_invalid'],
      [5n, 'callee', 'callee_invalid'],
      [6n, 'outcome', 'outcome_unknown'],
      [7n, 'talk_seconds', 'talk_seconds_invalid'],
    ]);
    expect(quarantined[1]?.raw).toBe('bad-time,hier matin,+33162000000,+33612345678,answered,30');
    expect(quarantined[4]?.raw).toContain('"multi\nline"');
    expect(quarantined[2]).toMatchObject({
      reason_fr: 'numéro appelé invalide',
      reason_en: 'invalid callee number',
    });
  });

  it('isolates malformed CSV rows (wrong column count, broken quotes) with their line', async () => {
    const file = writeFile(
      tempDir(),
      'broken.csv',
      [
        'call_id,started_at,caller,callee,outcome',
        'ok1,2026-11-23T10:00:00Z,+33162000000,+33612345678,answered',
        'short,row',
        'ok2,2026-11-23T10:01:00Z,+33162000000,+33612345678,no_answer,extra',
        'ok3,2026-11-23T10:02:00Z,+33162000000,+33612345678,busy',
      ].join('\r\n'),
    );
    const summary = await ingestFile(store, file, { provider: 'p' });
    expect(summary).toMatchObject({ rows: 4, stored: 2, quarantined: 2 });
    expect((await listQuarantine(store)).map((q) => [q.line, q.reason_code, q.raw])).toEqual([
      [3n, 'columns_mismatch', 'short,row'],
      [4n, 'columns_mismatch', 'ok2,2026-11-23T10:01:00Z,+33162000000,+33612345678,no_answer,extra'],
    ]);
  });
});

describe('idempotence and deduplication', () => {
  it('stores nothing when the same file is ingested again, and says so', async () => {
    const file = writeFile(tempDir(), 'a.csv', write(',', '\n'));
    const first = await ingestFile(store, file, { provider: 'p' });
    const again = await ingestFile(store, file, { provider: 'p' });
    expect(first).toMatchObject({ stored: 3, alreadyIngested: false });
    expect(again).toMatchObject({ rows: 3, stored: 0, duplicates: 3, alreadyIngested: true });
    expect(await listCalls(store, {})).toHaveLength(3);
  });

  it('deduplicates overlapping files on (provider, call_id), not across providers', async () => {
    const dir = tempDir();
    const all = [
      'call_id,started_at,caller,callee,outcome',
      ...['w1', 'w2', 'w3'].map(
        (id, i) => `${id},2026-11-2${i}T10:00:00Z,+33162000000,+33612345678,answered`,
      ),
    ];
    const first = writeFile(dir, 'week1.csv', [all[0], all[1], all[2], ''].join('\n'));
    const second = writeFile(dir, 'week2.csv', [all[0], all[2], all[3], ''].join('\n'));
    expect(await ingestFile(store, first, { provider: 'p' })).toMatchObject({ rows: 2, stored: 2 });
    expect(await ingestFile(store, second, { provider: 'p' })).toMatchObject({
      rows: 2,
      stored: 1,
      duplicates: 1,
    });
    expect(await ingestFile(store, second, { provider: 'other' })).toMatchObject({
      stored: 0,
      alreadyIngested: true,
    });
    const copy = writeFile(dir, 'week2-other.csv', `${[all[0], all[2], all[3]].join('\n')}\n\n`);
    expect(await ingestFile(store, copy, { provider: 'other' })).toMatchObject({ rows: 2, stored: 2 });
  });

  it('counts repeated rows inside one file as duplicates', async () => {
    const row = 'd1,2026-11-23T10:00:00Z,+33162000000,+33612345678,answered';
    const file = writeFile(
      tempDir(),
      'dup.csv',
      ['call_id,started_at,caller,callee,outcome', row, row, row, ''].join('\n'),
    );
    expect(await ingestFile(store, file, { provider: 'p' })).toMatchObject({
      rows: 3,
      stored: 1,
      duplicates: 2,
    });
  });
});

describe('daylight-saving time', () => {
  it('moves spring-gap times forward, reads autumn-overlap times as the first, and counts both', async () => {
    const file = writeFile(
      tempDir(),
      'dst.csv',
      [
        'call_id,started_at,caller,callee,outcome',
        'before-gap,2026-03-29 01:59:59,+33162000000,+33612345678,answered',
        'in-gap,2026-03-29 02:30:00,+33162000000,+33612345678,answered',
        'after-gap,2026-03-29 03:00:00,+33162000000,+33612345678,answered',
        'in-overlap,2026-10-25 02:30:00,+33162000000,+33612345678,answered',
        'after-overlap,2026-10-25 03:00:00,+33162000000,+33612345678,answered',
        'winter,2026-11-23 10:00:00,+33162000000,+33612345678,answered',
      ].join('\n'),
    );
    const summary = await ingestFile(store, file, { provider: 'p' });
    expect(summary).toMatchObject({ stored: 6, dstGap: 1, dstOverlap: 1 });
    const at = new Map((await listCalls(store, {})).map((c) => [c.call_id, c.started_at.toISOString()]));
    expect(Object.fromEntries(at)).toEqual({
      'before-gap': '2026-03-29T00:59:59.000Z',
      'in-gap': '2026-03-29T01:30:00.000Z',
      'after-gap': '2026-03-29T01:00:00.000Z',
      'in-overlap': '2026-10-25T00:30:00.000Z',
      'after-overlap': '2026-10-25T02:00:00.000Z',
      winter: '2026-11-23T09:00:00.000Z',
    });
  });

  it('reads naive times in the zone given, overseas included', async () => {
    const file = writeFile(
      tempDir(),
      'reunion.csv',
      'call_id,started_at,caller,callee,outcome\nr1,2026-07-01 10:00,+262262000000,+262692123456,answered\n',
    );
    await ingestFile(store, file, { provider: 'p', timezone: 'Indian/Reunion' });
    expect((await listCalls(store, {}))[0]?.started_at.toISOString()).toBe('2026-07-01T06:00:00.000Z');
  });
});
