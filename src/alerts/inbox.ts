/**
 * The alert inbox in DuckDB: detectors call `syncAlerts` with the conditions of a day; operators
 * acknowledge and resolve; every state change is an `alert_events` row; openings, reopenings and
 * escalations are queued in `alert_notifications` for the channels.
 */
import { VigieError } from '../shared/errors.ts';
import { formatLocal } from '../shared/time.ts';
import type { Row, Store } from '../store/store.ts';
import type { Channel } from './channels/config.ts';
import type { DeliveryOptions, DeliveryReport } from './deliver.ts';
import {
  checkConditions,
  isAlertRule,
  isAlertSeverity,
  planSync,
  type StoredAlertState,
  type SyncAction,
  stableJson,
} from './lifecycle.ts';
import {
  ALERT_RULES,
  type Alert,
  type AlertCondition,
  type AlertRule,
  type AlertSeverity,
  type AlertState,
} from './model.ts';

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** The author of the detectors' state changes. */
export const SYSTEM_AUTHOR = 'vigie';

/** An alert as the inbox stores it: the shared contract plus its routing and history counters. */
export interface InboxAlert extends Alert {
  readonly client: string | null;
  readonly provider: string | null;
  /** When the (rule, subject) was first opened; `openedAt` is the latest (re)opening. */
  readonly firstOpenedAt: string;
  readonly reopenCount: number;
  /** YYYY-MM-DD: the latest detector day that saw or cleared the condition. */
  readonly asOf: string;
}

export type AlertAction = 'opened' | 'escalated' | 'deescalated' | 'acknowledged' | 'resolved' | 'reopened';

export interface AlertEvent {
  readonly id: number;
  readonly alertId: number;
  readonly at: string;
  readonly day: string;
  readonly author: string;
  readonly action: AlertAction;
  readonly state: AlertState;
  readonly severity: AlertSeverity;
  readonly note: string | null;
}

export interface SyncOptions {
  /** The rules this detector owns: only their alerts are resolved when not reported. Default: all. */
  readonly rules?: readonly AlertRule[];
  readonly clock?: Clock;
  /** Author of the events; default `vigie`. */
  readonly author?: string;
  /**
   * Run in a transaction (default): its own, or the caller's when one is already open on the store's
   * connection. `false` runs the statements as they come.
   */
  readonly transaction?: boolean;
  /** When given, the pending notifications are delivered to these channels after the commit. */
  readonly channels?: readonly Channel[];
  readonly delivery?: Omit<DeliveryOptions, 'clock'>;
}

export interface SyncResult {
  readonly opened: number;
  readonly updated: number;
  readonly resolved: number;
  readonly reopened: number;
  /** Updates that raised the severity (also counted in `updated`). */
  readonly escalated: number;
  /** Conditions still reported with the same figures. */
  readonly unchanged: number;
  /** Alerts left alone because a later day already saw or cleared them. */
  readonly stale: number;
  /** Ids of the notifications queued for the channels (opened, reopened, escalated). */
  readonly notifications: readonly number[];
  readonly delivery?: DeliveryReport;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(asOf: string): void {
  if (!DAY.test(asOf) || Number.isNaN(new Date(`${asOf}T00:00:00Z`).getTime()))
    throw new VigieError('VALIDATION', `as-of day ${asOf}: expected YYYY-MM-DD`);
}

const parisDay = (instant: Date): string => formatLocal(instant, 'Europe/Paris').slice(0, 10);

/**
 * Deduplicates a detector's conditions of day `asOf` into the inbox: opens new alerts, updates the
 * ones still reported, resolves those of its rules no longer reported and reopens those that return.
 */
export async function syncAlerts(
  store: Store,
  conditions: readonly AlertCondition[],
  asOf: string,
  options: SyncOptions = {},
): Promise<SyncResult> {
  checkDay(asOf);
  const owned = new Set<AlertRule>(options.rules ?? ALERT_RULES);
  const problems = checkConditions(conditions, owned);
  if (problems.length > 0)
    throw new VigieError(
      'VALIDATION',
      `alert conditions rejected: ${problems
        .slice(0, 10)
        .map((p) => `${p.rule} ${p.subject}: ${p.problem}`)
        .join('; ')}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}`,
    );
  const clock = options.clock ?? systemClock;
  const author = options.author ?? SYSTEM_AUTHOR;

  const work = async (): Promise<Omit<SyncResult, 'delivery'>> => {
    const rules = [...new Set<AlertRule>([...owned, ...conditions.map((c) => c.rule)])];
    const stored = await loadStates(store, rules);
    const actions = planSync(stored, conditions, asOf, owned);
    const now = clock().toISOString();
    return applyPlan(store, actions, asOf, now, author);
  };

  const result = options.transaction === false ? await work() : await withTransaction(store, work);
  if (options.channels === undefined || options.channels.length === 0) return result;
  const { deliverPending } = await import('./deliver.ts');
  const delivery = await deliverPending(store, options.channels, { ...options.delivery, clock });
  return { ...result, delivery };
}

/** `work` in a transaction of its own, or inside the one the caller already opened (then the caller commits). */
async function withTransaction<T>(store: Store, work: () => Promise<T>): Promise<T> {
  // A failed BEGIN would abort the caller's transaction, so ask instead: in autocommit mode every
  // statement has a transaction id of its own; inside a transaction two statements share one.
  const txid = async () => (await store.one<{ t: bigint }>('SELECT txid_current() AS t'))?.t;
  const first = await txid();
  const second = await txid();
  if (first === second) return work();
  return store.transaction(work);
}

interface PlanRow {
  readonly kind: 'open' | 'update' | 'unchanged' | 'reopen' | 'resolve';
  readonly id: number | null;
  readonly condition: AlertCondition | null;
  readonly change: 'escalated' | 'deescalated' | null;
}

const PLAN_COLUMNS = [
  'kind',
  'alert_id',
  'rule',
  'subject',
  'severity',
  'message',
  'evidence',
  'client',
  'provider',
  'change',
] as const;

/**
 * Applies a plan set-wise (a detector may report thousands of numbers a day): the plan goes to a
 * temporary table in chunks, then one statement per kind of change.
 */
async function applyPlan(
  store: Store,
  actions: readonly SyncAction[],
  asOf: string,
  now: string,
  author: string,
): Promise<Omit<SyncResult, 'delivery'>> {
  const rows: PlanRow[] = [];
  let stale = 0;
  for (const a of actions) {
    if (a.kind === 'stale') stale++;
    else if (a.kind === 'open') rows.push({ kind: 'open', id: null, condition: a.condition, change: null });
    else if (a.kind === 'reopen')
      rows.push({ kind: 'reopen', id: a.id, condition: a.condition, change: null });
    else if (a.kind === 'resolve') rows.push({ kind: 'resolve', id: a.id, condition: null, change: null });
    else
      rows.push({
        kind: a.changed ? 'update' : 'unchanged',
        id: a.id,
        condition: a.condition,
        change: a.severityChange,
      });
  }
  const count = (kind: PlanRow['kind']) => rows.filter((r) => r.kind === kind).length;
  const counts = {
    opened: count('open'),
    updated: count('update'),
    resolved: count('resolve'),
    reopened: count('reopen'),
    escalated: rows.filter((r) => r.kind === 'update' && r.change === 'escalated').length,
    unchanged: count('unchanged'),
    stale,
  };
  if (rows.length === 0) return { ...counts, notifications: [] };

  await store.run(
    `CREATE OR REPLACE TEMP TABLE alert_sync_plan (kind VARCHAR, alert_id INTEGER, rule VARCHAR,
       subject VARCHAR, severity VARCHAR, message VARCHAR, evidence VARCHAR, client VARCHAR,
       provider VARCHAR, change VARCHAR)`,
  );
  try {
    const chunk = 250;
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      const params: (string | number | null)[] = [];
      const tuples = part.map((r, i) => {
        const c = r.condition;
        params.push(
          r.kind,
          r.id,
          c?.rule ?? null,
          c?.subject ?? null,
          c?.severity ?? null,
          c?.message ?? null,
          c === null ? null : stableJson(c.evidence),
          c?.client ?? null,
          c?.provider ?? null,
          r.change,
        );
        const base = i * PLAN_COLUMNS.length;
        return `(${PLAN_COLUMNS.map((_, j) => `$${base + j + 1}`).join(', ')})`;
      });
      await store.run(`INSERT INTO alert_sync_plan VALUES ${tuples.join(', ')}`, params);
    }
    const p = { now, asOf, author };
    // New alerts, then their ids back into the plan so that events and notifications can join on them.
    await store.run(
      `INSERT INTO alerts (rule, subject, severity, state, message, evidence, client, provider,
         first_opened_at, opened_at, updated_at, reopen_count, as_of)
       SELECT rule, subject, severity, 'open', message, evidence, client, provider,
         $now::TIMESTAMPTZ, $now::TIMESTAMPTZ, $now::TIMESTAMPTZ, 0, $asOf::DATE
       FROM alert_sync_plan WHERE kind = 'open'`,
      { now, asOf },
    );
    await store.run(
      `UPDATE alert_sync_plan SET alert_id = a.id FROM alerts a
       WHERE alert_sync_plan.kind = 'open' AND a.rule = alert_sync_plan.rule AND a.subject = alert_sync_plan.subject`,
    );
    await store.run(
      `UPDATE alerts SET severity = p.severity, message = p.message, evidence = p.evidence,
         client = p.client, provider = p.provider, updated_at = $now::TIMESTAMPTZ, as_of = $asOf::DATE
       FROM alert_sync_plan p WHERE alerts.id = p.alert_id AND p.kind = 'update'`,
      { now, asOf },
    );
    await store.run(
      `UPDATE alerts SET as_of = $asOf::DATE
       FROM alert_sync_plan p WHERE alerts.id = p.alert_id AND p.kind = 'unchanged'`,
      { asOf },
    );
    await store.run(
      `UPDATE alerts SET state = 'open', severity = p.severity, message = p.message, evidence = p.evidence,
         client = p.client, provider = p.provider, opened_at = $now::TIMESTAMPTZ,
         updated_at = $now::TIMESTAMPTZ, acknowledged_at = NULL, resolved_at = NULL, note = NULL,
         reopen_count = reopen_count + 1, as_of = $asOf::DATE
       FROM alert_sync_plan p WHERE alerts.id = p.alert_id AND p.kind = 'reopen'`,
      { now, asOf },
    );
    await store.run(
      `UPDATE alerts SET state = 'resolved', resolved_at = $now::TIMESTAMPTZ, as_of = $asOf::DATE
       FROM alert_sync_plan p WHERE alerts.id = p.alert_id AND p.kind = 'resolve'`,
      { now, asOf },
    );
    // The history: one event per state or severity change, with the state after it.
    await store.run(
      `INSERT INTO alert_events (alert_id, occurred_at, on_day, author, action, state, severity, note)
       SELECT a.id, $now::TIMESTAMPTZ, $asOf::DATE, $author,
         CASE p.kind WHEN 'open' THEN 'opened' WHEN 'reopen' THEN 'reopened' WHEN 'resolve' THEN 'resolved'
           ELSE p.change END,
         a.state, a.severity,
         CASE p.kind
           WHEN 'open' THEN 'condition signalée au ' || $asOf
           WHEN 'reopen' THEN 'condition de nouveau signalée au ' || $asOf
           WHEN 'resolve' THEN 'condition levée au ' || $asOf || ' (résolution automatique)'
           ELSE 'gravité ' || a.severity || ' au ' || $asOf END
       FROM alert_sync_plan p JOIN alerts a ON a.id = p.alert_id
       WHERE p.kind IN ('open', 'reopen', 'resolve') OR (p.kind = 'update' AND p.change IS NOT NULL)
       ORDER BY p.alert_id`,
      p,
    );
    const notified = await store.all<{ id: number }>(
      `INSERT INTO alert_notifications (alert_id, reason, severity, created_at)
       SELECT p.alert_id,
         CASE p.kind WHEN 'open' THEN 'opened' WHEN 'reopen' THEN 'reopened' ELSE 'escalated' END,
         p.severity, $now::TIMESTAMPTZ
       FROM alert_sync_plan p
       WHERE p.kind IN ('open', 'reopen') OR (p.kind = 'update' AND p.change = 'escalated')
       ORDER BY p.alert_id
       RETURNING id`,
      { now },
    );
    return { ...counts, notifications: notified.map((n) => n.id).sort((a, b) => a - b) };
  } finally {
    await store.run('DROP TABLE IF EXISTS alert_sync_plan');
  }
}

async function loadStates(store: Store, rules: readonly AlertRule[]): Promise<StoredAlertState[]> {
  if (rules.length === 0) return [];
  // Rule ids are checked against ALERT_RULES before they reach this list, so inlining them is safe.
  const list = rules.map((r) => `'${r}'`).join(', ');
  const rows = await store.all<{
    id: number;
    rule: string;
    subject: string;
    severity: string;
    state: string;
    message: string;
    evidence: string;
    client: string | null;
    provider: string | null;
    as_of: string;
  }>(
    `SELECT id, rule, subject, severity, state, message, evidence, client, provider,
       strftime(as_of, '%Y-%m-%d') AS as_of
     FROM alerts WHERE rule IN (${list})`,
  );
  return rows.map((r) => ({
    id: r.id,
    rule: asRule(r.rule),
    subject: r.subject,
    severity: asSeverity(r.severity),
    state: asState(r.state),
    message: r.message,
    evidenceJson: r.evidence,
    client: r.client,
    provider: r.provider,
    asOf: r.as_of,
  }));
}

async function insertEvent(store: Store, e: Omit<AlertEvent, 'id'>): Promise<void> {
  await store.run(
    `INSERT INTO alert_events (alert_id, occurred_at, on_day, author, action, state, severity, note)
     VALUES ($1, $2::TIMESTAMPTZ, $3::DATE, $4, $5, $6, $7, $8)`,
    [e.alertId, e.at, e.day, e.author, e.action, e.state, e.severity, e.note],
  );
}

function asRule(value: unknown): AlertRule {
  const text = String(value);
  if (!isAlertRule(text)) throw new VigieError('INTERNAL', `stored alert with unknown rule ${text}`);
  return text;
}

function asSeverity(value: unknown): AlertSeverity {
  const text = String(value);
  return isAlertSeverity(text) ? text : 'warning';
}

function asState(value: unknown): AlertState {
  return value === 'open' || value === 'acknowledged' || value === 'resolved' ? value : 'open';
}

const iso = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString() : value === null || value === undefined ? null : String(value);

function parseEvidence(text: unknown): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(String(text));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const ALERT_COLUMNS = `a.id, a.rule, a.subject, a.severity, a.state, a.message, a.evidence, a.client, a.provider,
  a.first_opened_at, a.opened_at, a.updated_at, a.acknowledged_at, a.resolved_at, a.note, a.reopen_count,
  strftime(a.as_of, '%Y-%m-%d') AS as_of`;

function toAlert(r: Row): InboxAlert {
  return {
    id: Number(r.id),
    rule: asRule(r.rule),
    subject: String(r.subject),
    severity: asSeverity(r.severity),
    state: asState(r.state),
    message: String(r.message),
    evidence: parseEvidence(r.evidence),
    openedAt: iso(r.opened_at) ?? '',
    updatedAt: iso(r.updated_at) ?? '',
    acknowledgedAt: iso(r.acknowledged_at),
    resolvedAt: iso(r.resolved_at),
    note: r.note === null || r.note === undefined ? null : String(r.note),
    client: r.client === null || r.client === undefined ? null : String(r.client),
    provider: r.provider === null || r.provider === undefined ? null : String(r.provider),
    firstOpenedAt: iso(r.first_opened_at) ?? '',
    reopenCount: Number(r.reopen_count),
    asOf: String(r.as_of),
  };
}

export interface AlertFilter {
  /** Only open and acknowledged alerts. */
  readonly open?: boolean;
  readonly rule?: AlertRule;
  readonly subject?: string;
  readonly ids?: readonly number[];
  /**
   * YYYY-MM-DD: the inbox as it stood at the end of that day (detector days, and the Paris day of
   * operator actions): alerts opened by then, with their state and severity of then.
   */
  readonly asOf?: string;
}

/** The alerts, open ones first, then by severity (critical first) and id. */
export async function listAlerts(store: Store, filter: AlertFilter = {}): Promise<InboxAlert[]> {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.rule !== undefined) {
    where.push('a.rule = $rule');
    params.rule = filter.rule;
  }
  if (filter.subject !== undefined) {
    where.push('a.subject = $subject');
    params.subject = filter.subject;
  }
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return [];
    where.push(`a.id IN (${filter.ids.map((id) => String(Math.trunc(id))).join(', ')})`);
  }
  let from = 'alerts a';
  let columns = ALERT_COLUMNS;
  if (filter.asOf !== undefined) {
    checkDay(filter.asOf);
    params.asOf = filter.asOf;
    from = `alerts a JOIN (
        SELECT alert_id, state, severity,
          row_number() OVER (PARTITION BY alert_id ORDER BY id DESC) AS rn
        FROM alert_events WHERE on_day <= $asOf::DATE
      ) e ON e.alert_id = a.id AND e.rn = 1`;
    columns = ALERT_COLUMNS.replace('a.severity, a.state', 'e.severity, e.state');
  }
  const stateColumn = filter.asOf !== undefined ? 'e.state' : 'a.state';
  const severityColumn = filter.asOf !== undefined ? 'e.severity' : 'a.severity';
  if (filter.open) where.push(`${stateColumn} <> 'resolved'`);
  const rows = await store.all(
    `SELECT ${columns} FROM ${from}
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY CASE ${stateColumn} WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END,
       CASE ${severityColumn} WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.id`,
    params,
  );
  return rows.map(toAlert);
}

/** One alert; an unknown id is a NOT_FOUND error (exit 2 at the CLI). */
export async function getAlert(store: Store, id: number): Promise<InboxAlert> {
  const row = Number.isSafeInteger(id)
    ? await store.one(`SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.id = $1`, [id])
    : undefined;
  if (row === undefined) throw new VigieError('NOT_FOUND', `alerte ${id} introuvable / unknown alert ${id}`);
  return toAlert(row);
}

/** The history of an alert, oldest first. */
export async function listAlertEvents(store: Store, alertId: number): Promise<AlertEvent[]> {
  const rows = await store.all(
    `SELECT id, alert_id, occurred_at, strftime(on_day, '%Y-%m-%d') AS on_day, author, action, state,
       severity, note
     FROM alert_events WHERE alert_id = $1 ORDER BY id`,
    [alertId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    alertId: Number(r.alert_id),
    at: iso(r.occurred_at) ?? '',
    day: String(r.on_day),
    author: String(r.author),
    action: String(r.action) as AlertAction,
    state: asState(r.state),
    severity: asSeverity(r.severity),
    note: r.note === null || r.note === undefined ? null : String(r.note),
  }));
}

export interface OperatorActionOptions {
  readonly clock?: Clock;
}

/** The operator has seen the alert: it stays in the inbox, marked acknowledged, with the note. */
export async function acknowledgeAlert(
  store: Store,
  id: number,
  note: string,
  author: string,
  options: OperatorActionOptions = {},
): Promise<InboxAlert> {
  return operatorAction(store, id, note, author, 'acknowledged', options.clock ?? systemClock);
}

/** The operator closes the alert; the next detector run reopens it if the condition is still there. */
export async function resolveAlert(
  store: Store,
  id: number,
  note: string,
  author: string,
  options: OperatorActionOptions = {},
): Promise<InboxAlert> {
  return operatorAction(store, id, note, author, 'resolved', options.clock ?? systemClock);
}

async function operatorAction(
  store: Store,
  id: number,
  note: string,
  author: string,
  state: 'acknowledged' | 'resolved',
  clock: Clock,
): Promise<InboxAlert> {
  if (author.trim() === '') throw new VigieError('VALIDATION', 'auteur vide / empty author');
  return store.transaction(async () => {
    const alert = await getAlert(store, id);
    if (alert.state === 'resolved')
      throw new VigieError(
        'CONFLICT',
        `alerte ${id} déjà résolue le ${alert.resolvedAt ?? '?'} / alert ${id} is already resolved`,
      );
    const instant = clock();
    const now = instant.toISOString();
    const column = state === 'acknowledged' ? 'acknowledged_at' : 'resolved_at';
    await store.run(`UPDATE alerts SET state = $2, ${column} = $3::TIMESTAMPTZ, note = $4 WHERE id = $1`, [
      id,
      state,
      now,
      note,
    ]);
    await insertEvent(store, {
      alertId: id,
      at: now,
      day: parisDay(instant),
      author,
      action: state,
      state,
      severity: alert.severity,
      note,
    });
    return getAlert(store, id);
  });
}
