/**
 * The alert contract shared by the engines that detect conditions (reputation, compliance, providers)
 * and the alert inbox that deduplicates them, keeps their lifecycle and delivers them.
 */

/** Alert rule ids of product.md: public contracts, never renamed. */
export const ALERT_RULES = [
  'answer_rate.drop',
  'report_rate.warning',
  'report_rate.critical',
  'volume.daily_cap',
  'number.pooled',
  'reporting.missing',
  'compliance.breach',
  'gate.unavailable',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export type AlertSeverity = 'info' | 'warning' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';

/**
 * A condition that holds on a given day: one per rule and subject (a caller ID, a provider, a
 * provider+rule pair). The inbox opens an alert for it, updates the open one while it lasts, resolves
 * it when the condition is no longer reported, and reopens it if it returns.
 */
export interface AlertCondition {
  readonly rule: AlertRule;
  /** What the alert is about: `+33162000000`, `provider:atlas`, `provider:atlas|rule:hours.window`… */
  readonly subject: string;
  readonly severity: AlertSeverity;
  /** One line in French naming the figures that fired it. */
  readonly message: string;
  /** The days and figures behind it, for the evidence panel and the deliveries. */
  readonly evidence: Readonly<Record<string, unknown>>;
  /** Client / provider the subject belongs to, for routing and per-client thresholds. */
  readonly client?: string;
  readonly provider?: string;
}

export interface Alert {
  readonly id: number;
  readonly rule: AlertRule;
  readonly subject: string;
  readonly severity: AlertSeverity;
  readonly state: AlertState;
  readonly message: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  /** ISO instants. */
  readonly openedAt: string;
  readonly updatedAt: string;
  readonly resolvedAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly note: string | null;
}
