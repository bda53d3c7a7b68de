import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCalls } from '../../src/calls/queries.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { fixedZone, offsetFromUniqueIds, zoneOffsetMinutes } from '../../src/ingest/zone-evidence.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { tempDir, writeFile } from '../support/files.ts';

let store: Store;
beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(() => store.close());

/** A 17-column cdr_csv row (with uniqueid) of an answered outbound call. */
const row = (start: string, uniqueid: string) =>
  `"","0162000020","0612345620","from-internal","""Enerlux"" <0162000020>","SIP/a-1","SIP/b-2","Dial","SIP/b/0612345620,45","${start}","${start}","${start}",61,60,"ANSWERED","DOCUMENTATION","${uniqueid}"`;

// 2026-11-23 10:00:01 UTC is epoch 1795428001; in Paris (UTC+1 in November) it is 11:00:01.
const LOGGED_IN_UTC = `${row('2026-11-23 10:00:01', '1795428001.1')}\n${row('2026-11-23 10:05:00', '1795428300.2')}\n`;
const LOGGED_IN_PARIS = `${row('2026-11-23 11:00:01', '1795428001.1')}\n${row('2026-11-23 11:05:00', 'pbx1-1795428300.2')}\n`;

describe('the time zone of an Asterisk server, from its uniqueids', () => {
  it('reads a server logging in UTC in UTC when --timezone is not given, and says so', async () => {
    const file = writeFile(tempDir(), 'Master.csv', LOGGED_IN_UTC);
    const summary = await ingestFile(store, file, { provider: 'pbx' });
    expect(summary).toMatchObject({ stored: 2, timezone: 'UTC', timezoneFrom: 'uniqueid', warnings: [] });
    const starts = (await listCalls(store, {})).map((c) => c.started_at.toISOString()).sort();
    expect(starts).toEqual(['2026-11-23T10:00:01.000Z', '2026-11-23T10:05:00.000Z']);
  });

  it('keeps a --timezone that contradicts the uniqueids, with a warning naming the offset', async () => {
    const file = writeFile(tempDir(), 'Master.csv', LOGGED_IN_UTC);
    const summary = await ingestFile(store, file, { provider: 'pbx', timezone: 'Europe/Paris' });
    expect(summary).toMatchObject({ timezone: 'Europe/Paris', timezoneFrom: 'option' });
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings?.[0]).toContain('contradicts the uniqueids (server logs in UTC)');
    const starts = (await listCalls(store, {})).map((c) => c.started_at.toISOString()).sort();
    expect(starts).toEqual(['2026-11-23T09:00:01.000Z', '2026-11-23T09:05:00.000Z']);
  });

  it('keeps the default Europe/Paris when the uniqueids agree with it, without a warning', async () => {
    const file = writeFile(tempDir(), 'Master.csv', LOGGED_IN_PARIS);
    const summary = await ingestFile(store, file, { provider: 'pbx' });
    expect(summary).toMatchObject({ timezone: 'Europe/Paris', timezoneFrom: 'default', warnings: [] });
    const starts = (await listCalls(store, {})).map((c) => c.started_at.toISOString()).sort();
    expect(starts).toEqual(['2026-11-23T10:00:01.000Z', '2026-11-23T10:05:00.000Z']);
  });
});

describe('offsetFromUniqueIds', () => {
  it('reads the offset in quarters of an hour and refuses rows that disagree', () => {
    expect(offsetFromUniqueIds([{ start: '2026-11-23 15:30:03', uniqueid: '1795428001.7' }])).toBe(330);
    expect(
      offsetFromUniqueIds([
        { start: '2026-11-23 10:00:01', uniqueid: '1795428001.1' },
        { start: '2026-11-23 12:00:01', uniqueid: '1795428001.2' },
      ]),
    ).toBeUndefined();
    // A start 7 minutes away from any quarter of an hour is not evidence.
    expect(offsetFromUniqueIds([{ start: '2026-11-23 10:07:01', uniqueid: '1795428001.1' }])).toBeUndefined();
    expect(offsetFromUniqueIds([{ start: '2026-11-23 10:00:01', uniqueid: 'abc' }])).toBeUndefined();
    // A year apart (a uniqueid of 2025 beside a start of 2026) is no zone at all.
    expect(offsetFromUniqueIds([{ start: '2026-11-23 10:00:01', uniqueid: '1763888401.1' }])).toBeUndefined();
  });

  it('names fixed offsets with Etc zones whose sign Intl agrees with', () => {
    const instant = new Date('2026-07-01T00:00:00Z');
    for (const minutes of [0, 60, -300, 120]) {
      const zone = fixedZone(minutes);
      expect(zone).toBeDefined();
      expect(zoneOffsetMinutes(zone as string, instant)).toBe(minutes);
    }
    expect(fixedZone(330)).toBeUndefined();
    expect(zoneOffsetMinutes('Europe/Paris', instant)).toBe(120);
  });
});
