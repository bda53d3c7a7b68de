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
  /** Run in a transaction of its own (default); pass false when the caller already holds one. */
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
    const counts = { opened: 0, updated: 0, resolved: 0, reopened: 0, escalated: 0, unchanged: 0, stale: 0 };
    const notifications: number[] = [];
    const event = (
      id: number,
      action: AlertAction,
      state: AlertState,
      severity: AlertSeverity,
      note: string,
    ) => insertEvent(store, { alertId: id, at: now, day: asOf, author, action, state, severity, note });
    const notify = async (
      id: number,
      reason: 'opened' | 'reopened' | 'escalated',
      severity: AlertSeverity,
    ) => {
      const row = await store.one<{ id: number }>(
        'INSERT INTO alert_notifications (alert_id, reason, severity, created_at) VALUES ($1, $2, $3, $4::TIMESTAMPTZ) RETURNING id',
        [id, reason, severity, now],
      );
      if (row) notifications.push(row.id);
    };

    for (const action of actions) {
      switch (action.kind) {
        case 'open': {
          const c = action.condition;
          const row = await store.one<{ id: number }>(
            `INSERT INTO alerts (rule, subject, severity, state, message, evidence, client, provider,
               first_opened_at, opened_at, updated_at, reopen_count, as_of)
             VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8::TIMESTAMPTZ, $8::TIMESTAMPTZ, $8::TIMESTAMPTZ, 0, $9::DATE)
             RETURNING id`,
            [
              c.rule,
              c.subject,
              c.severity,
              c.message,
              stableJson(c.evidence),
              c.client ?? null,
              c.provider ?? null,
              now,
              asOf,
            ],
          );
          if (row === undefined) throw new VigieError('INTERNAL', 'alert insert returned no id');
          await event(row.id, 'opened', 'open', c.severity, `condition signalée au ${asOf}`);
          await notify(row.id, 'opened', c.severity);
          counts.opened++;
          break;
        }
        case 'update': {
          const c = action.condition;
          if (!action.changed) {
            await store.run('UPDATE alerts SET as_of = $2::DATE WHERE id = $1', [action.id, asOf]);
            counts.unchanged++;
            break;
          }
          await store.run(
            `UPDATE alerts SET severity = $2, message = $3, evidence = $4, client = $5, provider = $6,
               updated_at = $7::TIMESTAMPTZ, as_of = $8::DATE WHERE id = $1`,
            [
              action.id,
              c.severity,
              c.message,
              stableJson(c.evidence),
              c.client ?? null,
              c.provider ?? null,
              now,
              asOf,
            ],
          );
          counts.updated++;
          if (action.severityChange !== null) {
            const state = await currentState(store, action.id);
            await event(
              action.id,
              action.severityChange,
              state,
              c.severity,
              `gravité ${c.severity} au ${asOf}`,
            );
          }
          if (action.severityChange === 'escalated') {
            await notify(action.id, 'escalated', c.severity);
            counts.escalated++;
          }
          break;
        }
        case 'reopen': {
          const c = action.condition;
          await store.run(
            `UPDATE alerts SET state = 'open', severity = $2, message = $3, evidence = $4, client = $5,
               provider = $6, opened_at = $7::TIMESTAMPTZ, updated_at = $7::TIMESTAMPTZ,
               acknowledged_at = NULL, resolved_at = NULL, note = NULL,
               reopen_count = reopen_count + 1, as_of = $8::DATE WHERE id = $1`,
            [
              action.id,
              c.severity,
              c.message,
              stableJson(c.evidence),
              c.client ?? null,
              c.provider ?? null,
              now,
              asOf,
            ],
          );
          await event(action.id, 'reopened', 'open', c.severity, `condition de nouveau signalée au ${asOf}`);
          await notify(action.id, 'reopened', c.severity);
          counts.reopened++;
          break;
        }
        case 'resolve': {
          const row = await store.one<{ severity: string }>(
            `UPDATE alerts SET state = 'resolved', resolved_at = $2::TIMESTAMPTZ, as_of = $3::DATE
             WHERE id = $1 RETURNING severity`,
            [action.id, now, asOf],
          );
          await event(
            action.id,
            'resolved',
            'resolved',
            asSeverity(row?.severity),
            `condition levée au ${asOf} (résolution automatique)`,
          );
          counts.resolved++;
          break;
        }
        case 'stale':
          counts.stale++;
          break;
      }
    }
    return { ...counts, notifications };
  };

  const result = options.transaction === false ? await work() : await store.transaction(work);
  if (options.channels === undefined || options.channels.length === 0) return result;
  const { deliverPending } = await import('./deliver.ts');
  const delivery = await deliverPending(store, options.channels, { ...options.delivery, clock });
  return { ...result, delivery };
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

async function currentState(store: Store, id: number): Promise<AlertState> {
  const row = await store.one<{ state: string }>('SELECT state FROM alerts WHERE id = $1', [id]);
  return asState(row?.state);
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
        'VALIDATION',
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
