// `npm run bench -- reputation [calls]`: the full reputation recompute (`refreshReputation(store,
// {full: true})`, the rollup that `vigie recompute` rebuilds) over N stored calls, against one
// hand-written SQL aggregation of the same figures over the same table, side by side. The calls are
// generated inside DuckDB (INSERT … SELECT … FROM range()): 2,000 caller IDs over 28 days, 5 % inbound
// call-backs, 8 outcomes, reports on 1 % of the calls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refreshReputation } from '../src/reputation/service.ts';
import { openStore } from '../src/store/store.ts';

const HAND_WRITTEN = `
CREATE OR REPLACE TEMP TABLE hand AS
WITH c AS (
  SELECT *, CAST((started_at AT TIME ZONE 'Europe/Paris') AS DATE) AS day FROM calls
),
o AS (SELECT * FROM c WHERE direction = 'outbound'),
k AS (SELECT caller, callee, day, count(*) AS n FROM o GROUP BY 1, 2, 3),
rp AS (
  SELECT caller, day, count(*) FILTER (WHERE n7 >= 3) AS repeat_callees, count(*) AS callees
  FROM (SELECT caller, day, sum(n) OVER (PARTITION BY caller, callee ORDER BY day
        RANGE BETWEEN INTERVAL 6 DAY PRECEDING AND CURRENT ROW) AS n7 FROM k)
  GROUP BY 1, 2
),
cb AS (
  SELECT i.callee AS caller, i.day, count(*) AS callbacks FROM c i
  WHERE i.direction = 'inbound'
    AND EXISTS (SELECT 1 FROM k WHERE k.caller = i.callee AND k.callee = i.caller AND k.day BETWEEN i.day - 7 AND i.day)
  GROUP BY 1, 2
),
r AS (
  SELECT number AS caller, CAST((reported_at AT TIME ZONE 'Europe/Paris') AS DATE) AS day, sum(report_count) AS reports
  FROM reports GROUP BY 1, 2
),
a AS (
  SELECT caller, day, count(*) AS attempts,
         sum(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END) AS answered,
         sum(CASE WHEN outcome = 'answered' AND short THEN 1 ELSE 0 END) AS short_answered,
         sum(CASE WHEN outcome = 'answered' THEN talk_seconds ELSE 0 END) AS talk_seconds,
         sum(CASE WHEN outcome IN ('blocked', 'rejected') THEN 1 ELSE 0 END) AS blocked,
         sum(CASE WHEN outcome = 'failed' AND coalesce(ring_seconds, 0) + coalesce(talk_seconds, 0) <= 1 THEN 1 ELSE 0 END) AS failed_zero,
         array_agg(DISTINCT provider ORDER BY provider) AS providers,
         array_agg(DISTINCT client ORDER BY client) AS clients,
         array_agg(DISTINCT campaign ORDER BY campaign) AS campaigns
  FROM o GROUP BY 1, 2
)
SELECT * FROM a FULL JOIN r USING (caller, day) LEFT JOIN rp USING (caller, day) LEFT JOIN cb USING (caller, day)`;

export async function benchReputation(calls: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-bench-rep-'));
  const path = join(dir, 'bench.duckdb');
  try {
    const store = await openStore({ path, memoryLimit: '4GB' });
    let started = Date.now();
    await store.run(
      `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
       VALUES ('calls', 'bench', 'bench', 0, 'canonical', 'utf-8', NULL, now(), ${calls}, ${calls}, 0, 0, 0, 0, 0)`,
    );
    await store.run(
      `INSERT INTO calls (provider, call_id, started_at, caller, callee, direction, outcome, short, ring_seconds,
         talk_seconds, site, client, campaign, agent, purpose, refused, source_file_id, source_record)
       SELECT 'prov' || (i % 4), 'c' || i,
              TIMESTAMPTZ '2026-10-19 07:00:00+00' + to_days(((i // 7) % 28)::INTEGER) + to_seconds(((i * 7919) % 39600)::BIGINT),
              CASE WHEN i % 20 = 0 THEN '+336' || lpad(((i * 48271) % 400000)::VARCHAR, 8, '0')
                   ELSE '+3316200' || lpad((i % 2000)::VARCHAR, 4, '0') END,
              CASE WHEN i % 20 = 0 THEN '+3316200' || lpad(((i + 1) % 2000)::VARCHAR, 4, '0')
                   ELSE '+336' || lpad(((i * 48271) % 400000)::VARCHAR, 8, '0') END,
              CASE WHEN i % 20 = 0 THEN 'inbound' ELSE 'outbound' END,
              ['answered', 'no_answer', 'voicemail', 'busy', 'rejected', 'blocked', 'failed', 'answered'][1 + (i * 31) % 8],
              (i * 31) % 8 IN (0, 7) AND i % 17 = 0, 10, CASE WHEN (i * 31) % 8 IN (0, 7) THEN 60 ELSE 0 END,
              NULL, 'client' || (i % 3), 'camp' || (i % 10), NULL, 'prospecting', false, 1, i + 1
       FROM range(${calls}) t(i)`,
    );
    await store.run(
      `INSERT INTO reports SELECT caller, started_at + INTERVAL 2 HOUR, 'bench', 'spam', NULL, 1, 1, NULL
       FROM calls WHERE hash(call_id) % 100 = 0`,
    );
    process.stdout.write(
      `generated ${calls.toLocaleString('en')} calls in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    // Warm both once on the same data (DuckDB's buffers), then time each.
    const timeOf = async (work: () => Promise<unknown>) => {
      started = Date.now();
      await work();
      return (Date.now() - started) / 1000;
    };
    const handTimes: number[] = [];
    const recomputeTimes: number[] = [];
    for (let run = 0; run < 2; run++) {
      handTimes.push(await timeOf(() => store.run(HAND_WRITTEN)));
      recomputeTimes.push(await timeOf(() => refreshReputation(store, { full: true })));
    }
    const hand = Math.min(...handTimes);
    const recompute = Math.min(...recomputeTimes);
    const rows = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM reputation_days');
    const handRows = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM hand');
    process.stdout.write(
      `hand-written SQL aggregation: ${hand.toFixed(2)} s (${Number(handRows?.n ?? 0)} rows)\n` +
        `vigie recompute (refreshReputation full): ${recompute.toFixed(2)} s (${Number(rows?.n ?? 0)} rows)\n` +
        `ratio: ${(recompute / hand).toFixed(2)}× (goal ≤ 2×)\n`,
    );
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
