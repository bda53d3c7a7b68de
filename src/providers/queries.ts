import type { Store } from '../store/store.ts';
import type { InboundCount } from './inbound.ts';
import type { CallerUse } from './pooling.ts';
import type { MysteryAudit } from './scorecard.ts';

const PARIS_DAY = `strftime(started_at AT TIME ZONE 'Europe/Paris', '%Y-%m-%d')`;
const iso = (ms: number) => new Date(ms).toISOString();

/** Outbound calls in [from, to) grouped per provider, site, client, campaign, caller ID and Paris day. */
export async function callerUses(store: Store, from: number, to: number): Promise<CallerUse[]> {
  const rows = await store.all<{
    provider: string;
    site: string | null;
    client: string | null;
    campaign: string | null;
    caller: string;
    day: string;
    attempts: bigint;
    answered: bigint;
    first_id: string;
    last_id: string;
  }>(
    `SELECT provider, site, client, campaign, caller, ${PARIS_DAY} AS day, count(*) AS attempts,
            count(*) FILTER (WHERE outcome = 'answered') AS answered,
            arg_min(call_id, (started_at, call_id)) AS first_id, arg_max(call_id, (started_at, call_id)) AS last_id
     FROM calls
     WHERE direction <> 'inbound' AND started_at >= CAST($1 AS TIMESTAMPTZ) AND started_at < CAST($2 AS TIMESTAMPTZ)
     GROUP BY ALL ORDER BY caller, day, provider, client, campaign, site`,
    [iso(from), iso(to)],
  );
  return rows.map((r) => ({
    provider: r.provider,
    site: r.site,
    client: r.client,
    campaign: r.campaign,
    callerId: r.caller,
    day: r.day,
    attempts: Number(r.attempts),
    answered: Number(r.answered),
    firstCallId: r.first_id,
    lastCallId: r.last_id,
  }));
}

/** Inbound calls in [from, to) counted per provider, site, Paris day and hour, answer and whole seconds of wait. */
export async function inboundCounts(store: Store, from: number, to: number): Promise<InboundCount[]> {
  const rows = await store.all<{
    provider: string;
    site: string | null;
    day: string;
    hour: number;
    answered: boolean;
    wait: number;
    calls: bigint;
  }>(
    `SELECT provider, site, ${PARIS_DAY} AS day, CAST(hour(started_at AT TIME ZONE 'Europe/Paris') AS INTEGER) AS hour,
            outcome = 'answered' AS answered, CAST(ceil(coalesce(ring_seconds, 0)) AS INTEGER) AS wait, count(*) AS calls
     FROM calls
     WHERE direction = 'inbound' AND started_at >= CAST($1 AS TIMESTAMPTZ) AND started_at < CAST($2 AS TIMESTAMPTZ)
     GROUP BY ALL ORDER BY ALL`,
    [iso(from), iso(to)],
  );
  return rows.map((r) => ({
    provider: r.provider,
    site: r.site,
    day: r.day,
    hour: r.hour,
    answered: r.answered,
    waitSeconds: r.wait,
    calls: Number(r.calls),
  }));
}

/** The sites of the outbound calls with the given ids (for the findings, which carry no site). */
export async function callSites(store: Store, from: number, to: number): Promise<Map<string, string | null>> {
  const rows = await store.all<{ provider: string; call_id: string; site: string | null }>(
    `SELECT provider, call_id, site FROM calls
     WHERE direction <> 'inbound' AND started_at >= CAST($1 AS TIMESTAMPTZ) AND started_at < CAST($2 AS TIMESTAMPTZ)
       AND site IS NOT NULL`,
    [iso(from), iso(to)],
  );
  return new Map(rows.map((r) => [`${r.provider}\u0000${r.call_id}`, r.site]));
}

/** Mystery calls and listening audits of the Paris days [from, to]. */
export async function mysteryAudits(store: Store, from: string, to: string): Promise<MysteryAudit[]> {
  const rows = await store.all<{
    day: string;
    provider: string;
    site: string | null;
    campaign: string | null;
    score: number;
    failed_items: string[];
  }>(
    `SELECT strftime(audited_on, '%Y-%m-%d') AS day, provider, site, campaign, score, failed_items
     FROM mystery_audits WHERE audited_on BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) ORDER BY ALL`,
    [from, to],
  );
  return rows.map((r) => ({
    day: r.day,
    provider: r.provider,
    site: r.site,
    campaign: r.campaign,
    score: r.score,
    failedItems: r.failed_items,
  }));
}

/** The highest source file id holding calls of [from, to), and the highest overall. */
export async function watermarkOf(store: Store, from: number, to: number): Promise<number> {
  const row = await store.one<{ w: number | null }>(
    `SELECT max(source_file_id) AS w FROM calls
     WHERE started_at >= CAST($1 AS TIMESTAMPTZ) AND started_at < CAST($2 AS TIMESTAMPTZ)`,
    [iso(from), iso(to)],
  );
  return row?.w ?? 0;
}

export interface IssuedReport {
  readonly week: string;
  readonly scope: string;
  readonly issuedAt: string;
  readonly watermark: number;
  readonly figures: string;
}

export async function readIssue(
  store: Store,
  week: string,
  scope: string,
): Promise<IssuedReport | undefined> {
  const row = await store.one<{ issued_at: Date; watermark: number; figures: string }>(
    'SELECT issued_at, watermark, figures FROM report_issues WHERE week = $1 AND scope = $2',
    [week, scope],
  );
  return row === undefined
    ? undefined
    : {
        week,
        scope,
        issuedAt: new Date(row.issued_at).toISOString(),
        watermark: row.watermark,
        figures: row.figures,
      };
}

export async function writeIssue(store: Store, issue: IssuedReport): Promise<void> {
  await store.run(
    `INSERT INTO report_issues VALUES ($1, $2, CAST($3 AS TIMESTAMPTZ), $4, $5)
     ON CONFLICT (week, scope) DO NOTHING`,
    [issue.week, issue.scope, issue.issuedAt, issue.watermark, issue.figures],
  );
}
