import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCalls, listQuarantine } from '../../src/calls/queries.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { checkAsteriskTemplate, readColumnMapFile } from '../../src/ingest/layout-options.ts';
import { openStore, type Store } from '../../src/store/store.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'formats');
let store: Store;

beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(() => store.close());

/** The stored calls, by id, with the fields a user checks. */
async function calls() {
  const rows = await listCalls(store, {});
  return Object.fromEntries(
    rows.map((c) => [
      c.call_id,
      {
        started_at: c.started_at.toISOString(),
        caller: c.caller,
        callee: c.callee,
        direction: c.direction,
        outcome: c.outcome,
        ring_seconds: c.ring_seconds,
        talk_seconds: c.talk_seconds,
      },
    ]),
  );
}

describe('FreePBX CDR Reports CSV', () => {
  it('is detected from its header and gives the presented caller ID, trunk direction and talk time', async () => {
    const summary = await ingestFile(store, join(fixtures, 'freepbx-cdr-report.csv'), { provider: 'ovh' });
    expect(summary).toMatchObject({ format: 'freepbx', rows: 4, stored: 4, quarantined: 0 });
    expect(await calls()).toEqual({
      '1795425300.1': {
        started_at: '2026-11-23T09:15:00.000Z',
        caller: '+33162000001',
        callee: '+33612345601',
        direction: 'outbound',
        outcome: 'answered',
        ring_seconds: 13,
        talk_seconds: 62,
      },
      '1795425600.3': {
        started_at: '2026-11-23T09:20:00.000Z',
        caller: '+33162000001',
        callee: '+33612345602',
        direction: 'outbound',
        outcome: 'busy',
        ring_seconds: 6,
        talk_seconds: 0,
      },
      '1795425900.5': {
        started_at: '2026-11-23T09:25:00.000Z',
        caller: '+33612345603',
        callee: '+33162000001',
        direction: 'inbound',
        outcome: 'answered',
        ring_seconds: 9,
        talk_seconds: 31,
      },
      '1795426200.7': {
        started_at: '2026-11-23T09:30:00.000Z',
        caller: '+33162000002',
        callee: '+33612345604',
        direction: 'outbound',
        outcome: 'no_answer',
        ring_seconds: 30,
        talk_seconds: 0,
      },
    });
  });
});

describe('3CX call report', () => {
  it('is detected from its header, reads h:mm:ss durations and takes the caller ID from --caller', async () => {
    const summary = await ingestFile(store, join(fixtures, '3cx-call-report.csv'), {
      provider: 'ovh',
      caller: '0162000001',
    });
    expect(summary).toMatchObject({ format: '3cx', rows: 4, stored: 4, quarantined: 0 });
    expect(await calls()).toEqual({
      '00000-20260': {
        started_at: '2026-11-23T09:15:00.000Z',
        caller: '+33162000001',
        callee: '+33612345601',
        direction: 'outbound',
        outcome: 'answered',
        ring_seconds: 8,
        talk_seconds: 62,
      },
      '00000-20261': {
        started_at: '2026-11-23T09:20:00.000Z',
        caller: '+33162000001',
        callee: '+33612345602',
        direction: 'outbound',
        outcome: 'no_answer',
        ring_seconds: 25,
        talk_seconds: 0,
      },
      '00000-20262': {
        started_at: '2026-11-23T09:25:00.000Z',
        caller: '+33612345603',
        callee: '+33162000001',
        direction: 'inbound',
        outcome: 'answered',
        ring_seconds: 4,
        talk_seconds: 605,
      },
      '00000-20263': {
        started_at: '2026-11-23T09:30:00.000Z',
        caller: '+33162000001',
        callee: '+33612345604',
        direction: 'outbound',
        outcome: 'answered',
        ring_seconds: 12,
        talk_seconds: 3,
      },
    });
  });

  it('quarantines an outbound call whose caller ID the export does not carry, when --caller is not given', async () => {
    const summary = await ingestFile(store, join(fixtures, '3cx-call-report.csv'), { provider: 'ovh' });
    expect(summary).toMatchObject({ rows: 4, stored: 1, quarantined: 3 });
    const reasons = (await listQuarantine(store)).map((q) => [Number(q.line), q.reason_code]);
    expect(reasons).toEqual([
      [2, 'caller_missing'],
      [3, 'caller_missing'],
      [5, 'caller_missing'],
    ]);
  });
});

describe('--map FILE', () => {
  it('reads an unknown dialer export through its column map, date format and outcome mapping', async () => {
    const columnMap = readColumnMapFile(join(fixtures, 'dialer-map.json'));
    const summary = await ingestFile(store, join(fixtures, 'dialer-export.csv'), {
      provider: 'ovh',
      columnMap,
    });
    expect(summary).toMatchObject({ format: 'map', rows: 5, stored: 4, quarantined: 1 });
    const stored = (await listCalls(store, {})).map((c) => ({
      started_at: c.started_at.toISOString(),
      caller: c.caller,
      callee: c.callee,
      direction: c.direction,
      outcome: c.outcome,
      talk_seconds: c.talk_seconds,
      campaign: c.campaign,
      agent: c.agent,
      disposition: c.disposition,
    }));
    expect(stored.sort((a, b) => a.callee.localeCompare(b.callee))).toEqual([
      {
        started_at: '2026-11-24T08:32:00.000Z',
        caller: '+33162000001',
        callee: '+33612345601',
        direction: 'outbound',
        outcome: 'answered',
        talk_seconds: 125,
        campaign: 'MUTUELLE',
        agent: 'amartin',
        disposition: 'VENTE',
      },
      {
        started_at: '2026-11-24T08:40:00.000Z',
        caller: '+33162000001',
        callee: '+33612345602',
        direction: 'outbound',
        outcome: 'no_answer',
        talk_seconds: 0,
        campaign: 'MUTUELLE',
        agent: 'amartin',
        disposition: 'NRP',
      },
      {
        started_at: '2026-11-24T08:41:00.000Z',
        caller: '+33162000001',
        callee: '+33612345603',
        direction: 'outbound',
        outcome: 'voicemail',
        talk_seconds: 21,
        campaign: 'MUTUELLE',
        agent: 'bpetit',
        disposition: 'REPONDEUR',
      },
      {
        started_at: '2026-11-24T08:50:00.000Z',
        caller: '+33162000001',
        callee: '+33612345604',
        direction: 'outbound',
        outcome: 'busy',
        talk_seconds: 0,
        campaign: 'MUTUELLE',
        agent: 'bpetit',
        disposition: 'OCCUPE',
      },
    ]);
    // RAPPEL is in no mapping: quarantined, not guessed.
    expect((await listQuarantine(store)).map((q) => [Number(q.line), q.reason_code])).toEqual([
      [6, 'outcome_unknown'],
    ]);
  });

  it('refuses a map whose columns are not in the header, naming them (usage error, nothing stored)', async () => {
    const columnMap = readColumnMapFile(join(fixtures, 'dialer-map.json'));
    await expect(
      ingestFile(store, join(fixtures, 'freepbx-cdr-report.csv'), { provider: 'ovh', columnMap }),
    ).rejects.toThrow(/"date_appel" \(.*dialer-map\.json: columns\.started_at\)/);
    expect(await listCalls(store, {})).toEqual([]);
  });
});

describe('spreadsheet re-save with --date-format', () => {
  it('reads 2020/2/10 22:41 with the stated format, and quarantines it as ambiguous without one', async () => {
    const file = join(fixtures, 'spreadsheet-resave.csv');
    const without = await ingestFile(store, file, { provider: 'ovh' });
    expect(without).toMatchObject({ rows: 3, stored: 0, quarantined: 3 });
    expect(new Set((await listQuarantine(store)).map((q) => q.reason_code))).toEqual(
      new Set(['started_at_ambiguous']),
    );
    await store.close();
    store = await openStore({ path: ':memory:' });
    const summary = await ingestFile(store, file, { provider: 'ovh', dateFormat: 'YYYY/M/D H:mm' });
    expect(summary).toMatchObject({ rows: 3, stored: 3, quarantined: 0 });
    const started = Object.fromEntries(
      (await listCalls(store, {})).map((c) => [c.call_id, c.started_at.toISOString()]),
    );
    expect(started).toEqual({
      'r-1': '2020-02-10T21:41:00.000Z',
      'r-2': '2020-02-10T08:05:00.000Z',
      'r-3': '2020-11-30T23:00:00.000Z',
    });
  });
});

describe('Asterisk cdr_custom with --asterisk-template', () => {
  it('reads a header-less Master.csv with the columns of the cdr_custom.conf mapping', async () => {
    const asteriskTemplate = checkAsteriskTemplate(join(fixtures, 'cdr_custom.conf'));
    const summary = await ingestFile(store, join(fixtures, 'cdr-custom-Master.csv'), {
      provider: 'ovh',
      asteriskTemplate,
    });
    expect(summary).toMatchObject({ format: 'asterisk-custom', rows: 3, stored: 3, quarantined: 0 });
    expect(await calls()).toEqual({
      '1795425300.11': {
        started_at: '2026-11-23T09:15:00.000Z',
        caller: '+33162000001',
        callee: '+33612345601',
        direction: 'outbound',
        outcome: 'answered',
        ring_seconds: 9,
        talk_seconds: 62,
      },
      '1795425600.13': {
        started_at: '2026-11-23T09:20:00.000Z',
        caller: '+33162000001',
        callee: '+33612345602',
        direction: 'outbound',
        outcome: 'no_answer',
        ring_seconds: 45,
        talk_seconds: 0,
      },
      '1795425900.15': {
        started_at: '2026-11-23T09:25:00.000Z',
        caller: '+33162000001',
        callee: '+33612345603',
        direction: 'outbound',
        outcome: 'blocked',
        ring_seconds: 1,
        talk_seconds: 0,
      },
    });
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: Asterisk's own ${CDR(...)} syntax, not a JS template
  it('reads epochs written by ${CDR(start,u)} as UTC instants', async () => {
    const asteriskTemplate = checkAsteriskTemplate(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Asterisk's own ${CDR(...)} syntax, not a JS template
      'Master.csv => ${CSV_QUOTE(${CDR(src)})},${CSV_QUOTE(${CDR(dst)})},${CSV_QUOTE(${CDR(start,u)})},${CSV_QUOTE(${CDR(billsec)})},${CSV_QUOTE(${CDR(disposition)})},${CSV_QUOTE(${CDR(uniqueid)})}',
    );
    const summary = await ingestFile(store, join(fixtures, 'cdr-custom-epoch-Master.csv'), {
      provider: 'ovh',
      asteriskTemplate,
    });
    expect(summary).toMatchObject({ format: 'asterisk-custom', rows: 2, stored: 2, quarantined: 0 });
    const got = await calls();
    expect(got['1795425300.21']).toMatchObject({
      started_at: '2026-11-23T09:15:00.000Z',
      outcome: 'answered',
      talk_seconds: 62,
      callee: '+33612345601',
    });
    expect(got['1795425600.22']).toMatchObject({ started_at: '2026-11-23T09:20:00.000Z', outcome: 'busy' });
  });

  it('refuses a file whose column count is not the template’s, and a template without start', async () => {
    const asteriskTemplate = checkAsteriskTemplate(join(fixtures, 'cdr_custom.conf'));
    await expect(
      ingestFile(store, join(fixtures, 'cdr-custom-epoch-Master.csv'), { provider: 'ovh', asteriskTemplate }),
    ).rejects.toThrow(/cdr-custom-epoch-Master\.csv/);
    expect(() => checkAsteriskTemplate('src,dst,billsec,disposition')).toThrow(/no start/);
  });
});
