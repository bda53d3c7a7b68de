import type { Store } from '../store/store.ts';

export interface CallFilter {
  readonly caller?: string;
  readonly callee?: string;
  /** Inclusive lower bound, UTC instant. */
  readonly from?: Date;
  /** Exclusive upper bound, UTC instant. */
  readonly to?: Date;
  readonly limit?: number;
  /** Calls to skip before the first returned (pagination). */
  readonly offset?: number;
  readonly provider?: string;
  readonly client?: string;
  readonly campaign?: string;
}

export interface StoredCall {
  readonly provider: string;
  readonly call_id: string;
  readonly started_at: Date;
  readonly caller: string;
  readonly callee: string;
  readonly direction: string;
  readonly outcome: string;
  readonly short: boolean;
  readonly ring_seconds: number | null;
  readonly talk_seconds: number | null;
  readonly site: string | null;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly agent: string | null;
  readonly purpose: string;
  readonly refused: boolean;
  readonly sip_code: number | null;
  readonly q850_cause: number | null;
  readonly attestation: string | null;
  readonly disposition: string | null;
  readonly signal: string | null;
  readonly source_file: string;
  readonly source_record: bigint;
}

export const CALL_COLUMNS = [
  'provider',
  'call_id',
  'started_at',
  'caller',
  'callee',
  'direction',
  'outcome',
  'short',
  'ring_seconds',
  'talk_seconds',
  'site',
  'client',
  'campaign',
  'agent',
  'purpose',
  'refused',
  'sip_code',
  'q850_cause',
  'attestation',
  'disposition',
  'signal',
  'source_file',
  'source_record',
] as const;

/** The stored calls matching a filter, in time order. */
export async function listCalls(store: Store, filter: CallFilter): Promise<StoredCall[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string | number) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.caller) add('c.caller = ?', filter.caller);
  if (filter.callee) add('c.callee = ?', filter.callee);
  if (filter.from) add('c.started_at >= CAST(? AS TIMESTAMPTZ)', filter.from.toISOString());
  if (filter.to) add('c.started_at < CAST(? AS TIMESTAMPTZ)', filter.to.toISOString());
  if (filter.provider !== undefined) add('c.provider = ?', filter.provider);
  if (filter.client !== undefined) add('c.client = ?', filter.client);
  if (filter.campaign !== undefined) add('c.campaign = ?', filter.campaign);
  const limit = filter.limit === undefined ? '' : `LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
  const offset = filter.offset ? ` OFFSET ${Math.max(0, Math.floor(filter.offset))}` : '';
  return store.all<StoredCall & Record<string, unknown>>(
    `SELECT c.* EXCLUDE (source_file_id), f.path AS source_file
     FROM calls c JOIN source_files f ON f.id = c.source_file_id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY c.started_at, c.provider, c.call_id ${limit}${offset}`,
    params,
  );
}

export interface QuarantinedRow {
  readonly file: string;
  readonly line: bigint | null;
  readonly field: string | null;
  readonly raw: string;
  readonly reason_code: string;
  readonly reason_fr: string;
  readonly reason_en: string;
}

/**
 * The quarantined rows, optionally of the files whose path ends with `file`, of one provider's files,
 * or of the source files given.
 */
export async function listQuarantine(
  store: Store,
  file?: string,
  options: { provider?: string; sourceFileIds?: readonly number[] } = {},
): Promise<QuarantinedRow[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (file) {
    params.push(file, `%${file.replace(/^\.\//, '')}`);
    where.push(`(f.path = $${params.length - 1} OR f.path LIKE $${params.length})`);
  }
  if (options.provider !== undefined) {
    params.push(options.provider);
    where.push(`f.provider = $${params.length}`);
  }
  if (options.sourceFileIds !== undefined) {
    if (options.sourceFileIds.length === 0) return [];
    where.push(`f.id IN (${options.sourceFileIds.map((id) => String(Math.trunc(id))).join(', ')})`);
  }
  return store.all<QuarantinedRow & Record<string, unknown>>(
    `SELECT f.path AS file, q.line, q.field, q.raw, q.reason_code, q.reason_fr, q.reason_en
     FROM quarantine q JOIN source_files f ON f.id = q.source_file_id
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY f.id, q.line`,
    params,
  );
}

export interface CallerSummary {
  readonly caller: string;
  readonly providers: string;
  readonly attempts: bigint;
  readonly answered: bigint;
  readonly answer_rate: number | null;
  readonly short_share: number | null;
  readonly avg_talk_seconds: number | null;
  readonly blocked: bigint;
  readonly reports: bigint;
  readonly report_rate: number | null;
  readonly days: bigint;
  readonly attempts_per_day: number | null;
  readonly first_call: Date;
  readonly last_call: Date;
}

/** Per caller ID: outbound attempts, answer rate, short calls, blocks and spam reports since the first call. */
export async function summariseCallers(store: Store): Promise<CallerSummary[]> {
  return store.all<CallerSummary & Record<string, unknown>>(
    `WITH outbound AS (
       SELECT * FROM calls WHERE direction = 'outbound'
     ), per_caller AS (
       SELECT caller,
              string_agg(DISTINCT nullif(provider, ''), ', ' ORDER BY nullif(provider, '')) AS providers,
              count(*) AS attempts,
              count(*) FILTER (WHERE outcome = 'answered') AS answered,
              count(*) FILTER (WHERE short) AS short_calls,
              avg(talk_seconds) FILTER (WHERE outcome = 'answered') AS avg_talk_seconds,
              count(*) FILTER (WHERE outcome IN ('blocked', 'rejected')) AS blocked,
              count(DISTINCT CAST(timezone('Europe/Paris', started_at) AS DATE)) AS days,
              min(started_at) AS first_call,
              max(started_at) AS last_call
       FROM outbound GROUP BY caller
     ), per_number_reports AS (
       SELECT number, sum(report_count) AS reports FROM reports GROUP BY number
     )
     SELECT p.caller, coalesce(p.providers, '') AS providers, p.attempts, p.answered,
            p.answered / p.attempts AS answer_rate,
            CASE WHEN p.answered > 0 THEN p.short_calls / p.answered END AS short_share,
            p.avg_talk_seconds, p.blocked,
            CAST(coalesce(r.reports, 0) AS BIGINT) AS reports,
            coalesce(r.reports, 0) / p.attempts AS report_rate,
            p.days, p.attempts / p.days AS attempts_per_day, p.first_call, p.last_call
     FROM per_caller p LEFT JOIN per_number_reports r ON r.number = p.caller
     ORDER BY p.attempts DESC, p.caller`,
  );
}

export interface ProviderSummary {
  readonly provider: string;
  readonly callers: bigint;
  readonly attempts: bigint;
  readonly answer_rate: number | null;
  readonly short_share: number | null;
  readonly reports: bigint;
  readonly report_rate: number | null;
}

/** Per provider: caller IDs used, outbound attempts, answer rate, short calls and spam reports on its numbers. */
export async function summariseProviders(store: Store): Promise<ProviderSummary[]> {
  return store.all<ProviderSummary & Record<string, unknown>>(
    `WITH outbound AS (SELECT * FROM calls WHERE direction = 'outbound'),
     per_number_reports AS (SELECT number, sum(report_count) AS reports FROM reports GROUP BY number),
     per_provider AS (
       SELECT provider, count(DISTINCT caller) AS callers, count(*) AS attempts,
              count(*) FILTER (WHERE outcome = 'answered') AS answered,
              count(*) FILTER (WHERE short) AS short_calls
       FROM outbound GROUP BY provider),
     provider_reports AS (
       SELECT p.provider, sum(r.reports) AS reports
       FROM (SELECT DISTINCT provider, caller FROM outbound) p JOIN per_number_reports r ON r.number = p.caller
       GROUP BY p.provider)
     SELECT p.provider, p.callers, p.attempts, p.answered / p.attempts AS answer_rate,
            CASE WHEN p.answered > 0 THEN p.short_calls / p.answered END AS short_share,
            CAST(coalesce(r.reports, 0) AS BIGINT) AS reports, coalesce(r.reports, 0) / p.attempts AS report_rate
     FROM per_provider p LEFT JOIN provider_reports r USING (provider)
     ORDER BY report_rate DESC, p.provider`,
  );
}
