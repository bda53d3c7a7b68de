import type { Store } from '../store/store.ts';
import type { ActionRecord, DayFigures, OperatorAction } from './model.ts';

/** The rollup's definition: bump it when the SQL below changes what a row means (forces a recompute). */
export const ROLLUP_VERSION = 1;

const PARIS_DAY = (column: string) => `CAST((${column} AT TIME ZONE 'Europe/Paris') AS DATE)`;

/**
 * The rollup of the Paris days in [$1, $2] (inclusive), reading the calls of the 7 days before too
 * (repeat pressure and call-backs look back a week). One scan of `calls` in the range.
 */
export const ROLLUP_SELECT = `
WITH c AS (
  SELECT caller, callee, direction, outcome, short, ring_seconds, talk_seconds, provider, client, campaign,
         ${PARIS_DAY('started_at')} AS day
  FROM calls
  WHERE started_at >= CAST($1 AS DATE) - INTERVAL 8 DAY AND started_at < CAST($2 AS DATE) + INTERVAL 2 DAY
),
o AS (
  SELECT * FROM c
  WHERE direction = 'outbound' AND day BETWEEN CAST($1 AS DATE) - 7 AND CAST($2 AS DATE)
),
k AS (
  SELECT caller, callee, day, count(*) AS n FROM o GROUP BY caller, callee, day
),
rp AS (
  SELECT caller AS number, day, count(*) FILTER (WHERE n7 >= 3) AS repeat_callees, count(*) AS callees
  FROM (
    SELECT caller, day,
           sum(n) OVER (PARTITION BY caller, callee ORDER BY (day - DATE '2000-01-01')
                        RANGE BETWEEN 6 PRECEDING AND CURRENT ROW) AS n7
    FROM k
  )
  WHERE day >= CAST($1 AS DATE)
  GROUP BY caller, day
),
cb AS (
  SELECT i.callee AS number, i.day, count(*) AS callbacks
  FROM c i SEMI JOIN k
    ON k.caller = i.callee AND k.callee = i.caller AND k.day BETWEEN i.day - 7 AND i.day
  WHERE i.direction = 'inbound' AND i.day BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
  GROUP BY i.callee, i.day
),
a AS (
  SELECT caller AS number, day,
         count(*) AS attempts,
         count(*) FILTER (WHERE outcome = 'answered') AS answered,
         count(*) FILTER (WHERE outcome = 'answered' AND short) AS short_answered,
         -- Summed in whole milliseconds: a float sum depends on the order of the rows, and the
         -- incremental refresh must equal a full recompute exactly.
         coalesce(sum(CAST(round(talk_seconds * 1000) AS BIGINT)) FILTER (WHERE outcome = 'answered'), 0) / 1000 AS talk_seconds,
         count(*) FILTER (WHERE outcome IN ('blocked', 'rejected')) AS blocked,
         count(*) FILTER (WHERE outcome = 'failed' AND coalesce(ring_seconds, 0) + coalesce(talk_seconds, 0) <= 1) AS failed_zero,
         list_sort(list_distinct(list(provider) FILTER (WHERE provider <> ''))) AS providers,
         list_sort(list_distinct(list(client) FILTER (WHERE client <> ''))) AS clients,
         list_sort(list_distinct(list(campaign) FILTER (WHERE campaign <> ''))) AS campaigns
  FROM o
  WHERE day >= CAST($1 AS DATE)
  GROUP BY caller, day
),
r AS (
  SELECT number, day, sum(report_count) AS reports
  FROM (
    SELECT number, ${PARIS_DAY('reported_at')} AS day, report_count FROM reports
    WHERE reported_at >= CAST($1 AS DATE) - INTERVAL 1 DAY AND reported_at < CAST($2 AS DATE) + INTERVAL 2 DAY
  )
  WHERE day BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)
  GROUP BY number, day
)
SELECT number, day,
       coalesce(a.attempts, 0) AS attempts, coalesce(a.answered, 0) AS answered,
       coalesce(a.short_answered, 0) AS short_answered, coalesce(a.talk_seconds, 0) AS talk_seconds,
       coalesce(a.blocked, 0) AS blocked, coalesce(a.failed_zero, 0) AS failed_zero,
       coalesce(rp.repeat_callees, 0) AS repeat_callees, coalesce(rp.callees, 0) AS callees,
       coalesce(cb.callbacks, 0) AS callbacks, coalesce(r.reports, 0) AS reports,
       coalesce(a.providers, []::VARCHAR[]) AS providers, coalesce(a.clients, []::VARCHAR[]) AS clients,
       coalesce(a.campaigns, []::VARCHAR[]) AS campaigns
FROM a
FULL JOIN r USING (number, day)
FULL JOIN cb USING (number, day)
LEFT JOIN rp USING (number, day)
`;

export const FULL_RANGE: readonly [string, string] = ['1900-01-01', '2999-12-31'];

/** Replaces the rollup rows of the days in [from, to]. */
export async function rebuildRange(store: Store, from: string, to: string): Promise<void> {
  await store.run('DELETE FROM reputation_days WHERE day BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)', [
    from,
    to,
  ]);
  await store.run(`INSERT INTO reputation_days ${ROLLUP_SELECT}`, [from, to]);
}

export interface RollupMeta {
  readonly version: number;
  readonly watermark: number;
}

export async function readMeta(store: Store): Promise<RollupMeta | undefined> {
  const row = await store.one<{ version: number; watermark: number }>(
    'SELECT version, watermark FROM reputation_meta WHERE id = 1',
  );
  return row === undefined ? undefined : { version: row.version, watermark: row.watermark };
}

export async function writeMeta(store: Store, watermark: number): Promise<void> {
  await store.run(
    `INSERT OR REPLACE INTO reputation_meta (id, version, watermark, computed_at) VALUES (1, $1, $2, now())`,
    [ROLLUP_VERSION, watermark],
  );
}

export async function maxSourceFileId(store: Store): Promise<number> {
  const row = await store.one<{ m: number | null }>('SELECT max(id) AS m FROM source_files');
  return row?.m ?? 0;
}

/** The Paris days of calls and reports from files newer than `watermark`. */
export async function daysSince(
  store: Store,
  watermark: number,
): Promise<{ calls: string[]; reports: string[] }> {
  const calls = await store.all<{ d: string }>(
    `SELECT DISTINCT CAST(${PARIS_DAY('started_at')} AS VARCHAR) AS d FROM calls WHERE source_file_id > $1`,
    [watermark],
  );
  const reports = await store.all<{ d: string }>(
    `SELECT DISTINCT CAST(${PARIS_DAY('reported_at')} AS VARCHAR) AS d FROM reports WHERE source_file_id > $1`,
    [watermark],
  );
  return { calls: calls.map((r) => r.d), reports: reports.map((r) => r.d) };
}

interface DayRow {
  number: string;
  day: string;
  attempts: bigint | number;
  answered: bigint | number;
  short_answered: bigint | number;
  talk_seconds: number;
  blocked: bigint | number;
  failed_zero: bigint | number;
  repeat_callees: bigint | number;
  callees: bigint | number;
  callbacks: bigint | number;
  reports: bigint | number;
  providers: string[];
  clients: string[];
  campaigns: string[];
  [key: string]: unknown;
}

const DAY_COLUMNS = `number, CAST(day AS VARCHAR) AS day, attempts, answered, short_answered, talk_seconds, blocked,
  failed_zero, repeat_callees, callees, callbacks, reports, providers, clients, campaigns`;

function toFigures(r: DayRow): DayFigures {
  return {
    day: r.day,
    attempts: Number(r.attempts),
    answered: Number(r.answered),
    shortAnswered: Number(r.short_answered),
    talkSeconds: Number(r.talk_seconds),
    blocked: Number(r.blocked),
    failedZero: Number(r.failed_zero),
    repeatCallees: Number(r.repeat_callees),
    callees: Number(r.callees),
    callbacks: Number(r.callbacks),
    reports: Number(r.reports),
    providers: r.providers,
    clients: r.clients,
    campaigns: r.campaigns,
  };
}

/** Rollup rows of the days in [from, to], grouped by number (optionally one number). */
export async function loadDays(
  store: Store,
  from: string,
  to: string,
  number?: string,
): Promise<Map<string, DayFigures[]>> {
  const rows = await store.all<DayRow>(
    `SELECT ${DAY_COLUMNS} FROM reputation_days
     WHERE day BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) ${number === undefined ? '' : 'AND number = $3'}
     ORDER BY number, day`,
    number === undefined ? [from, to] : [from, to, number],
  );
  const out = new Map<string, DayFigures[]>();
  for (const r of rows) {
    const list = out.get(r.number);
    if (list === undefined) out.set(r.number, [toFigures(r)]);
    else list.push(toFigures(r));
  }
  return out;
}

/** First and last day with calls of each number, over all history. */
export async function loadUse(store: Store): Promise<Map<string, { first: string; last: string }>> {
  const rows = await store.all<{ number: string; first: string; last: string }>(
    `SELECT number, CAST(min(day) AS VARCHAR) AS first, CAST(max(day) AS VARCHAR) AS last
     FROM reputation_days WHERE attempts > 0 GROUP BY number`,
  );
  return new Map(rows.map((r) => [r.number, { first: r.first, last: r.last }]));
}

/** The most recent Paris day with calls, or undefined for an empty database. */
export async function latestDay(store: Store): Promise<string | undefined> {
  const row = await store.one<{ d: string | null }>(
    'SELECT CAST(max(day) AS VARCHAR) AS d FROM reputation_days WHERE attempts > 0',
  );
  return row?.d ?? undefined;
}

export async function loadActions(store: Store, number?: string): Promise<ActionRecord[]> {
  const rows = await store.all<{
    number: string;
    action: string;
    at: string;
    day: string;
    author: string;
    reason: string;
  }>(
    `SELECT number, action, strftime(acted_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, CAST(day AS VARCHAR) AS day, author, reason
     FROM number_actions ${number === undefined ? '' : 'WHERE number = $1'} ORDER BY acted_at, id`,
    number === undefined ? [] : [number],
  );
  return rows.map((r) => ({ ...r, action: r.action as OperatorAction }));
}

export async function insertAction(store: Store, action: ActionRecord): Promise<void> {
  await store.run(
    'INSERT INTO number_actions (number, action, acted_at, day, author, reason) VALUES ($1, $2, CAST($3 AS TIMESTAMPTZ), CAST($4 AS DATE), $5, $6)',
    [action.number, action.action, action.at, action.day, action.author, action.reason],
  );
}

/** Each provider's last day with calls and its active days in the 28 days ending `asOf`. */
export async function providerActivity(
  store: Store,
  asOf: string,
): Promise<{ provider: string; lastDay: string; activeDays28: number }[]> {
  const rows = await store.all<{ provider: string; last_day: string; active: bigint }>(
    `SELECT p AS provider, CAST(max(day) AS VARCHAR) AS last_day,
            count(DISTINCT day) FILTER (WHERE day > CAST($1 AS DATE) - 28) AS active
     FROM (SELECT unnest(providers) AS p, day FROM reputation_days WHERE attempts > 0 AND day <= CAST($1 AS DATE))
     GROUP BY p`,
    [asOf],
  );
  return rows.map((r) => ({ provider: r.provider, lastDay: r.last_day, activeDays28: Number(r.active) }));
}
