/**
 * The alert lifecycle as a pure plan: given the stored alerts of the rules a detector owns and the
 * conditions it reports for a day, what to open, update, resolve and reopen. No clock, no database.
 */
import {
  ALERT_RULES,
  type AlertCondition,
  type AlertRule,
  type AlertSeverity,
  type AlertState,
} from './model.ts';

export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

export function isAlertRule(value: string): value is AlertRule {
  return (ALERT_RULES as readonly string[]).includes(value);
}

export function isAlertSeverity(value: string): value is AlertSeverity {
  return (ALERT_SEVERITIES as readonly string[]).includes(value);
}

export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

/** JSON with object keys sorted, so that two equal evidences compare equal as text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** What the planner needs to know of a stored alert. */
export interface StoredAlertState {
  readonly id: number;
  readonly rule: AlertRule;
  readonly subject: string;
  readonly severity: AlertSeverity;
  readonly state: AlertState;
  readonly message: string;
  /** `stableJson` of the evidence. */
  readonly evidenceJson: string;
  readonly client: string | null;
  readonly provider: string | null;
  /** YYYY-MM-DD: the latest detector day that saw or cleared the condition. */
  readonly asOf: string;
}

export type SyncAction =
  | { readonly kind: 'open'; readonly condition: AlertCondition }
  | {
      readonly kind: 'update';
      readonly id: number;
      readonly condition: AlertCondition;
      /** Severity, message, evidence, client or provider differ from the stored ones. */
      readonly changed: boolean;
      readonly severityChange: 'escalated' | 'deescalated' | null;
    }
  | { readonly kind: 'reopen'; readonly id: number; readonly condition: AlertCondition }
  | { readonly kind: 'resolve'; readonly id: number }
  /** The stored alert was seen or cleared on a later day than this run's: a stale run leaves it alone. */
  | { readonly kind: 'stale'; readonly id: number };

export interface SyncPlanProblem {
  readonly rule: string;
  readonly subject: string;
  readonly problem: string;
}

export const alertKey = (rule: string, subject: string): string => `${rule}\u0000${subject}`;

/** Problems that make a detector's run unusable: unknown or foreign rules, duplicates, bad fields. */
export function checkConditions(
  conditions: readonly AlertCondition[],
  owned: ReadonlySet<AlertRule>,
): SyncPlanProblem[] {
  const problems: SyncPlanProblem[] = [];
  const seen = new Set<string>();
  for (const c of conditions) {
    const rule = String(c.rule);
    const subject = String(c.subject);
    const add = (problem: string) => problems.push({ rule, subject, problem });
    if (!isAlertRule(rule)) add(`unknown rule (expected one of ${ALERT_RULES.join(', ')})`);
    else if (!owned.has(rule)) add('rule not owned by this detector (options.rules)');
    if (typeof c.subject !== 'string' || c.subject.trim() === '') add('empty subject');
    if (!isAlertSeverity(String(c.severity))) add(`unknown severity ${String(c.severity)}`);
    if (typeof c.message !== 'string') add('message is not a string');
    if (c.evidence === null || typeof c.evidence !== 'object' || Array.isArray(c.evidence))
      add('evidence is not an object');
    const key = alertKey(rule, subject);
    if (seen.has(key)) add('reported twice in one run');
    seen.add(key);
  }
  return problems;
}

/**
 * The plan of one detector run on day `asOf`: each condition opens, updates or reopens the alert of
 * its (rule, subject); each open or acknowledged alert of an owned rule that the run no longer reports
 * is resolved. Alerts already touched by a later day are left alone.
 */
export function planSync(
  stored: readonly StoredAlertState[],
  conditions: readonly AlertCondition[],
  asOf: string,
  owned: ReadonlySet<AlertRule>,
): SyncAction[] {
  const byKey = new Map(stored.map((a) => [alertKey(a.rule, a.subject), a]));
  const reported = new Set<string>();
  const actions: SyncAction[] = [];
  for (const condition of conditions) {
    const key = alertKey(condition.rule, condition.subject);
    reported.add(key);
    const alert = byKey.get(key);
    if (alert === undefined) actions.push({ kind: 'open', condition });
    else if (alert.asOf > asOf) actions.push({ kind: 'stale', id: alert.id });
    else if (alert.state === 'resolved') actions.push({ kind: 'reopen', id: alert.id, condition });
    else {
      const delta = severityRank(condition.severity) - severityRank(alert.severity);
      actions.push({
        kind: 'update',
        id: alert.id,
        condition,
        changed:
          delta !== 0 ||
          alert.message !== condition.message ||
          alert.evidenceJson !== stableJson(condition.evidence) ||
          alert.client !== (condition.client ?? null) ||
          alert.provider !== (condition.provider ?? null),
        severityChange: delta > 0 ? 'escalated' : delta < 0 ? 'deescalated' : null,
      });
    }
  }
  for (const alert of stored) {
    if (!owned.has(alert.rule) || alert.state === 'resolved') continue;
    if (reported.has(alertKey(alert.rule, alert.subject))) continue;
    actions.push(alert.asOf > asOf ? { kind: 'stale', id: alert.id } : { kind: 'resolve', id: alert.id });
  }
  return actions;
}
