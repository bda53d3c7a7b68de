import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCalls, listQuarantine } from '../../src/calls/queries.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { tempDir, writeFile } from '../support/files.ts';

const examples = join(import.meta.dirname, '..', '..', 'examples');
let store: Store;

beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(() => store.close());

const byId = async () => new Map((await listCalls(store, {})).map((c) => [c.call_id, c]));

describe('canonical CSV', () => {
  it('stores every field of the documented layout, with the SIP evidence deciding the outcome', async () => {
    const summary = await ingestFile(store, join(examples, 'canonical', 'calls.csv'));
    expect(summary).toMatchObject({
      format: 'canonical',
      rows: 7,
      stored: 7,
      duplicates: 0,
      quarantined: 0,
      merged: 0,
    });
    const calls = await byId();
    expect(calls.get('c-0001')).toMatchObject({
      provider: 'callfrance',
      started_at: new Date('2026-11-23T09:15:00Z'),
      caller: '+33162000001',
      callee: '+33612345601',
      direction: 'outbound',
      outcome: 'answered',
      short: false,
      ring_seconds: 8,
      talk_seconds: 95,
      client: 'enerlux',
      campaign: 'winter-26',
      agent: 'a.martin',
      purpose: 'prospecting',
      refused: false,
      sip_code: 200,
      q850_cause: 16,
      attestation: 'A',
      disposition: 'SALE',
    });
    expect(calls.get('c-0003')).toMatchObject({ outcome: 'answered', short: true, talk_seconds: 3 });
    expect(calls.get('c-0004')).toMatchObject({ outcome: 'blocked', callee: '+262692123456' });
    expect(calls.get('c-0005')).toMatchObject({ refused: true, disposition: 'DNC, "ne plus appeler"' });
    expect(calls.get('c-0007')).toMatchObject({ direction: 'inbound', purpose: 'service' });
  });

  it('reads the French Excel variant: `;`, Windows-1252, CRLF, French dates, decimal commas, oui/non, quoted newlines', async () => {
    const summary = await ingestFile(store, join(examples, 'canonical', 'excel-export.csv'), {
      provider: 'callfrance',
    });
    expect(summary).toMatchObject({ encoding: 'windows-1252', rows: 4, stored: 4, quarantined: 0 });
    const calls = await byId();
    expect(calls.get('X-100')).toMatchObject({
      started_at: new Date('2026-11-23T09:05:12Z'),
      caller: '+33162000010',
      callee: '+33612345610',
      ring_seconds: 7.5,
      talk_seconds: 62.4,
      refused: false,
    });
    expect(calls.get('X-101')?.disposition).toBe('Répondeur');
    expect(calls.get('X-102')).toMatchObject({
      callee: '+590590123456',
      disposition: 'Pas de réponse\r\n(rappeler € 17h)',
    });
    expect(calls.get('X-103')).toMatchObject({ refused: true, disposition: 'Refus œ', talk_seconds: 118 });
  });
});

describe('Asterisk Master.csv', () => {
  it('keeps the leg towards the callee among the legs of one linkedid and reads SIP codes from userfield', async () => {
    const summary = await ingestFile(store, join(examples, 'asterisk', 'Master.csv'), {
      provider: 'atlas',
      timezone: 'Africa/Casablanca',
    });
    expect(summary).toMatchObject({ format: 'asterisk', rows: 5, stored: 4, merged: 1, quarantined: 0 });
    const calls = await byId();
    expect(calls.get('1763888401.1')).toMatchObject({
      caller: '+33162000020',
      callee: '+33612345620',
      outcome: 'answered',
      talk_seconds: 122,
      ring_seconds: 8,
      // Casablanca is UTC+1 all year since 2018, except during Ramadan.
      started_at: new Date('2026-11-23T09:00:01Z'),
    });
    expect(calls.has('1763888409.3')).toBe(false);
    expect(calls.get('1763888640.6')).toMatchObject({
      outcome: 'blocked',
      sip_code: 608,
      disposition: 'FAILED',
    });
    expect(calls.get('1763888580.4')).toMatchObject({ outcome: 'no_answer', talk_seconds: 0 });
  });

  it.each([
    [16, ''],
    [17, ',"1763888401.1"'],
    [18, ',"1763888401.1","SIP 607"'],
  ])('reads the %i-column layout', async (columns, tail) => {
    const dir = tempDir();
    const base =
      '"","0162000020","0612345620","from-internal","""Enerlux"" <0162000020>","SIP/trunk-1","SIP/orange-2","Dial","SIP/orange/0612345620,45","2026-11-23 10:00:01","","2026-11-23 10:00:03",2,0,"FAILED","DOCUMENTATION"';
    const file = writeFile(dir, 'Master.csv', `${base}${tail}\r\n`);
    const summary = await ingestFile(store, file, { provider: 'p' });
    expect(summary).toMatchObject({ format: 'asterisk', rows: 1, stored: 1 });
    const [call] = await listCalls(store, {});
    expect(call?.outcome).toBe(columns === 18 ? 'blocked' : 'failed');
    expect(call?.call_id).toBe(
      columns === 16 ? '2026-11-23 10:00:01|SIP/trunk-1|0162000020|0612345620' : '1763888401.1',
    );
  });
});

describe('FreeSWITCH mod_cdr_csv', () => {
  it('maps hangup causes and the optional SIP and Q.850 columns', async () => {
    const summary = await ingestFile(store, join(examples, 'freeswitch', 'Master.csv'), {
      provider: 'ocean',
    });
    expect(summary).toMatchObject({ format: 'freeswitch', rows: 4, stored: 4 });
    const calls = await byId();
    expect(calls.get('6f1c2a1e-8b1d-4b7e-9c1a-2f3d4e5f6a01')).toMatchObject({
      outcome: 'answered',
      talk_seconds: 180,
      ring_seconds: 7,
      caller: '+33948000030',
    });
    expect(calls.get('6f1c2a1e-8b1d-4b7e-9c1a-2f3d4e5f6a02')?.outcome).toBe('no_answer');
    // SIP 607 wins over CALL_REJECTED: the callee marked the call unwanted.
    expect(calls.get('6f1c2a1e-8b1d-4b7e-9c1a-2f3d4e5f6a03')?.outcome).toBe('blocked');
    expect(calls.get('6f1c2a1e-8b1d-4b7e-9c1a-2f3d4e5f6a04')?.outcome).toBe('invalid_number');
  });

  it('reads NORMAL_CLEARING without talk time as unanswered', async () => {
    const file = writeFile(
      tempDir(),
      'fs.csv',
      '"X","+33948000030","+33612345630","default","2026-11-23 11:00:00","","2026-11-23 11:00:30","30","0","NORMAL_CLEARING","6f1c2a1e-8b1d-4b7e-9c1a-2f3d4e5f6a09","","","PCMA","PCMA"\n',
    );
    await ingestFile(store, file, { provider: 'p' });
    expect((await listCalls(store, {}))[0]?.outcome).toBe('no_answer');
  });
});

describe('VICIdial export', () => {
  it('takes the caller ID from the campaign, the callee from phone_code + number, and maps statuses', async () => {
    const summary = await ingestFile(store, join(examples, 'vicidial', 'export-calls.txt'), {
      provider: 'medina',
      timezone: 'Africa/Tunis',
      callers: { ASSUR1: '+33377000050' },
    });
    expect(summary).toMatchObject({ format: 'vicidial', rows: 5, stored: 5 });
    const calls = await byId();
    expect(calls.get('1763890200.101')).toMatchObject({
      caller: '+33377000050',
      callee: '+33612345640',
      outcome: 'answered',
      talk_seconds: 184,
      agent: 'agent07',
      campaign: 'ASSUR1',
      started_at: new Date('2026-11-23T09:30:00Z'),
    });
    expect(calls.get('1763890320.103')?.outcome).toBe('voicemail');
    expect(calls.get('1763890380.104')).toMatchObject({ outcome: 'answered', refused: true });
    // Q.850 21 (call rejected) in hangup_cause decides before the ADCT status.
    expect(calls.get('1763890440.105')?.outcome).toBe('rejected');
  });

  it('quarantines the rows whose caller ID nothing gives', async () => {
    const summary = await ingestFile(store, join(examples, 'vicidial', 'export-calls.txt'), {
      provider: 'medina',
    });
    expect(summary).toMatchObject({ rows: 5, stored: 0, quarantined: 5 });
    const rows = await listQuarantine(store);
    expect(rows[0]).toMatchObject({ line: 2n, field: 'caller', reason_code: 'caller_missing' });
  });
});

describe('Twilio call log', () => {
  it('reads RFC 2822 UTC times, machine answers as voicemail, and inbound legs as call-backs', async () => {
    const summary = await ingestFile(store, join(examples, 'twilio', 'call-log.csv'), { provider: 'cloud' });
    expect(summary).toMatchObject({ format: 'twilio', rows: 4, stored: 4 });
    const calls = await byId();
    expect(calls.get('CA00000000000000000000000000000001')).toMatchObject({
      started_at: new Date('2026-11-23T13:00:01Z'),
      outcome: 'answered',
      talk_seconds: 120,
    });
    expect(calls.get('CA00000000000000000000000000000002')?.outcome).toBe('voicemail');
    expect(calls.get('CA00000000000000000000000000000004')).toMatchObject({
      direction: 'inbound',
      caller: '+33612345660',
    });
  });

  it('folds a parent leg into its outbound-dial child', async () => {
    const file = writeFile(
      tempDir(),
      'twilio.csv',
      'sid,parent_call_sid,date_created,start_time,end_time,duration,from,to,direction,status,answered_by\n' +
        'CA1,,"Mon, 23 Nov 2026 13:00:00 +0000","Mon, 23 Nov 2026 13:00:00 +0000","Mon, 23 Nov 2026 13:03:00 +0000",180,+33425000060,+33425000099,outbound-api,completed,\n' +
        'CA2,CA1,"Mon, 23 Nov 2026 13:00:05 +0000","Mon, 23 Nov 2026 13:00:05 +0000","Mon, 23 Nov 2026 13:03:00 +0000",175,+33425000060,+33612345670,outbound-dial,completed,human\n',
    );
    const summary = await ingestFile(store, file, { provider: 'cloud' });
    expect(summary).toMatchObject({ rows: 2, stored: 1, merged: 1 });
    expect((await listCalls(store, {}))[0]).toMatchObject({ call_id: 'CA2', callee: '+33612345670' });
  });
});
