import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../src/ingest/calls.ts';
import { ingestReportFile } from '../../src/ingest/reports.ts';
import { refreshReputation } from '../../src/reputation/service.ts';
import { openStore } from '../../src/store/store.ts';

const root = mkdtempSync(join(tmpdir(), 'vigie-rep-order-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HEADER =
  'call_id,started_at,caller,callee,direction,outcome,ring_seconds,talk_seconds,provider,client,campaign,purpose,refused,sip_code';
const OUTCOMES = ['answered', 'no_answer', 'busy', 'blocked', 'failed', 'rejected'] as const;
const SIP: Record<(typeof OUTCOMES)[number], string> = {
  answered: '200',
  no_answer: '480',
  busy: '486',
  blocked: '607',
  failed: '503',
  rejected: '603',
};

const callArb = fc.record({
  caller: fc.integer({ min: 0, max: 2 }),
  callee: fc.integer({ min: 0, max: 5 }),
  inbound: fc.boolean(),
  // minutes over 10 days, crossing the end of summer time (25 October 2026, 01:00 UTC)
  minute: fc.integer({ min: 0, max: 10 * 24 * 60 }),
  outcome: fc.constantFrom(...OUTCOMES),
  talk: fc.integer({ min: 1, max: 200 }),
  client: fc.constantFrom('enerlux', 'assurplus'),
});

type Call = typeof callArb extends fc.Arbitrary<infer T> ? T : never;

function rows(calls: readonly Call[]): string[] {
  return calls.map((c, i) => {
    const at = new Date(Date.UTC(2026, 9, 20, 0, 0) + c.minute * 60_000).toISOString();
    const caller = `+3316200000${c.caller}`;
    const person = `+3361234560${c.callee}`;
    const answered = c.outcome === 'answered';
    return c.inbound
      ? `in-${i},${at},${person},${caller},inbound,answered,5,30,p,${c.client},k,service,false,200`
      : `out-${i},${at},${caller},${person},outbound,${c.outcome},${answered ? 8 : 0},${answered ? c.talk : 0},p,${c.client},k-${c.client},prospecting,false,${SIP[c.outcome]}`;
  });
}

async function rollup(
  files: readonly string[][],
  reports: readonly string[],
  refreshEach: boolean,
  tag: string,
) {
  const store = await openStore({ path: ':memory:' });
  try {
    for (const [k, lines] of files.entries()) {
      const path = join(root, `${tag}-${k}.csv`);
      writeFileSync(path, `${[HEADER, ...lines].join('\n')}\n`);
      await ingestFile(store, path, { format: 'canonical' });
      if (refreshEach) await refreshReputation(store);
    }
    const rpath = join(root, `${tag}-reports.csv`);
    writeFileSync(rpath, `number,reported_at,source,category,comment\n${reports.join('\n')}\n`);
    await ingestReportFile(store, rpath);
    await refreshReputation(store);
    return await store.all(
      'SELECT number, CAST(day AS VARCHAR) AS day, * EXCLUDE (number, day) FROM reputation_days ORDER BY number, day',
    );
  } finally {
    store.close();
  }
}

describe('KPIs do not depend on ingest order nor on how calls are split into files', () => {
  it('one file, refreshed once = shuffled pieces, refreshed after each', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(callArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 10 * 24 * 60 })), {
          maxLength: 6,
        }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        async (calls, reportSpecs, pieces, seed) => {
          run++;
          const lines = rows(calls);
          const reports = reportSpecs.map(
            ([c, m]) =>
              `+3316200000${c},${new Date(Date.UTC(2026, 9, 20) + m * 60_000).toISOString()},app,spam,`,
          );
          const whole = await rollup([lines], reports, false, `a${run}`);
          const shuffled = [...lines].sort(
            (x, y) => ((x.length * 31 + seed) % 7) - ((y.length * 31 + seed) % 7),
          );
          const split: string[][] = Array.from({ length: pieces }, () => []);
          shuffled.forEach((line, i) => {
            split[(((i + seed) % pieces) + pieces) % pieces]?.push(line);
          });
          const parts = await rollup(split.filter((p) => p.length > 0).reverse(), reports, true, `b${run}`);
          expect(parts).toEqual(whole);
        },
      ),
      { numRuns: 15 },
    );
  });
});
