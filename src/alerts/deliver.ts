/**
 * Delivery of the queued notifications (alert opened, reopened, escalated) to the channels, with
 * bounded retries and exponential backoff; every attempt is an `alert_deliveries` row. A notification
 * stays pending for a channel until one attempt succeeds, or its alert is resolved.
 */
import type { Store } from '../store/store.ts';
import { type Channel, channelAccepts } from './channels/config.ts';
import { DeliveryError, describeError, type Sender } from './channels/sender.ts';
import { type Clock, type InboxAlert, listAlerts, systemClock } from './inbox.ts';
import { isAlertRule, isAlertSeverity } from './lifecycle.ts';
import type { NotificationReason } from './render.ts';

export interface RetryPolicy {
  /** Attempts per notification and channel in one run (≥ 1). */
  readonly attempts: number;
  /** Wait before the second attempt; each next wait is `factor` times longer, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000, factor: 2 };

/** The waits between attempts: `attempts - 1` of them, growing exponentially, capped. */
export function backoffDelays(policy: RetryPolicy): number[] {
  const count = Math.max(1, Math.floor(policy.attempts)) - 1;
  return Array.from({ length: count }, (_, i) =>
    Math.min(policy.maxDelayMs, Math.round(policy.baseDelayMs * policy.factor ** i)),
  );
}

export interface DeliveryOptions {
  readonly clock?: Clock;
  readonly retry?: Partial<RetryPolicy>;
  /** How to wait between attempts (tests pass a recording one). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Only the notifications of these alerts. */
  readonly alertIds?: readonly number[];
}

export type DeliveryStatus = 'sent' | 'failed' | 'superseded';

export interface DeliveryOutcome {
  readonly notificationId: number;
  readonly alertId: number;
  readonly channel: string;
  /** `skipped`: not tried in this run because the channel had just failed every attempt. */
  readonly status: 'sent' | 'failed' | 'skipped';
  /** Attempts made in this run. */
  readonly attempts: number;
  readonly error: string | null;
}

export interface DeliveryReport {
  readonly sent: number;
  readonly failed: number;
  readonly skipped: number;
  readonly superseded: number;
  readonly attempts: number;
  readonly outcomes: readonly DeliveryOutcome[];
}

export interface DeliveryRecord {
  readonly id: number;
  readonly notificationId: number;
  readonly alertId: number;
  readonly channel: string;
  readonly attempt: number;
  readonly status: DeliveryStatus;
  readonly error: string | null;
  readonly at: string;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function senderFor(channel: Channel): Promise<Sender> {
  if (channel.type === 'smtp') return (await import('./channels/smtp.ts')).smtpSender(channel);
  return (await import('./channels/webhook.ts')).webhookSender(channel);
}

interface Pending {
  readonly id: number;
  readonly alertId: number;
  readonly reason: NotificationReason;
  readonly accepted: boolean;
  readonly attemptsSoFar: number;
}

/** Delivers every pending notification to every channel that takes it; returns what happened. */
export async function deliverPending(
  store: Store,
  channels: readonly Channel[],
  options: DeliveryOptions = {},
): Promise<DeliveryReport> {
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const delays = backoffDelays(policy);
  const notifications = await store.all<{
    id: number;
    alert_id: number;
    reason: string;
    severity: string;
    rule: string;
  }>(
    `SELECT n.id, n.alert_id, n.reason, n.severity, a.rule
     FROM alert_notifications n JOIN alerts a ON a.id = n.alert_id
     WHERE a.state <> 'resolved' ORDER BY n.id`,
  );
  const wanted = options.alertIds === undefined ? undefined : new Set(options.alertIds);
  const history = await store.all<{
    notification_id: number;
    channel: string;
    attempts: number;
    done: boolean;
  }>(
    `SELECT notification_id, channel, max(attempt) AS attempts,
       bool_or(status IN ('sent', 'superseded')) AS done
     FROM alert_deliveries GROUP BY notification_id, channel`,
  );
  const past = new Map(history.map((h) => [`${h.notification_id}|${h.channel}`, h]));
  const alertIds = [...new Set(notifications.map((n) => n.alert_id))];
  const alerts = new Map((await listAlerts(store, { ids: alertIds })).map((a) => [a.id, a]));

  const outcomes: DeliveryOutcome[] = [];
  let superseded = 0;
  let attemptsMade = 0;
  const record = async (
    n: Pending,
    channel: string,
    attempt: number,
    status: DeliveryStatus,
    error: string | null,
  ) => {
    await store.run(
      `INSERT INTO alert_deliveries (notification_id, alert_id, channel, attempt, status, error, attempted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMPTZ)`,
      [n.id, n.alertId, channel, attempt, status, error, clock().toISOString()],
    );
  };

  for (const channel of channels) {
    // The pending notifications of this channel, grouped by alert: only the latest one is sent.
    const byAlert = new Map<number, Pending[]>();
    for (const n of notifications) {
      if (wanted !== undefined && !wanted.has(n.alert_id)) continue;
      const done = past.get(`${n.id}|${channel.name}`);
      if (done?.done) continue;
      if (!isAlertRule(n.rule) || !isAlertSeverity(n.severity)) continue;
      const pending: Pending = {
        id: n.id,
        alertId: n.alert_id,
        reason: asReason(n.reason),
        accepted: channelAccepts(channel, n.rule, n.severity),
        attemptsSoFar: done?.attempts ?? 0,
      };
      byAlert.set(n.alert_id, [...(byAlert.get(n.alert_id) ?? []), pending]);
    }
    // One delivery per alert, or one digest for all of them when the channel asks for it.
    const items: BatchItem[] = [];
    for (const [alertId, list] of byAlert) {
      const accepted = list.filter((n) => n.accepted);
      const latest = accepted.at(-1);
      const alert = alerts.get(alertId);
      if (latest === undefined || alert === undefined) continue;
      for (const older of accepted.slice(0, -1)) {
        await record(
          older,
          channel.name,
          older.attemptsSoFar + 1,
          'superseded',
          `remplacée par / superseded by ${latest.id}`,
        );
        superseded++;
      }
      items.push({ alert, n: latest });
    }
    const digest = channel.type === 'smtp' && channel.digest === true;
    const batches = digest ? (items.length > 0 ? [items] : []) : items.map((item) => [item]);
    let sender: Sender | undefined;
    let channelDown = false;
    try {
      for (const batch of batches) {
        if (channelDown) {
          for (const { n } of batch)
            outcomes.push({
              notificationId: n.id,
              alertId: n.alertId,
              channel: channel.name,
              status: 'skipped',
              attempts: 0,
              error: null,
            });
          continue;
        }
        sender ??= await senderFor(channel);
        const open = sender;
        const sendOnce = (sentAt: string): Promise<void> => {
          const [first] = batch;
          if (!digest && first !== undefined) return open.send(first.alert, first.n.reason, sentAt);
          if (open.sendDigest === undefined)
            throw new Error(`${channel.name}: no digest for this channel type`);
          return open.sendDigest(
            batch.map(({ alert, n }) => ({ alert, reason: n.reason })),
            sentAt,
          );
        };
        const result = await attemptBatch(sendOnce, batch, channel.name, delays, sleep, clock, record);
        attemptsMade += result.attempts;
        for (const { n } of batch)
          outcomes.push({
            notificationId: n.id,
            alertId: n.alertId,
            channel: channel.name,
            status: result.sent ? 'sent' : 'failed',
            attempts: result.attempts,
            error: result.error,
          });
        if (!result.sent && !result.permanent) channelDown = true;
      }
    } finally {
      sender?.close();
    }
  }
  return {
    sent: outcomes.filter((o) => o.status === 'sent').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
    skipped: outcomes.filter((o) => o.status === 'skipped').length,
    superseded,
    attempts: attemptsMade,
    outcomes,
  };
}

interface BatchItem {
  readonly alert: InboxAlert;
  readonly n: Pending;
}

/** Sends one batch with retries; every attempt is recorded for each notification of the batch. */
async function attemptBatch(
  sendOnce: (sentAt: string) => Promise<void>,
  batch: readonly BatchItem[],
  channel: string,
  delays: readonly number[],
  sleep: (ms: number) => Promise<void>,
  clock: Clock,
  record: (
    n: Pending,
    channel: string,
    attempt: number,
    status: DeliveryStatus,
    error: string | null,
  ) => Promise<void>,
): Promise<{ sent: boolean; attempts: number; error: string | null; permanent: boolean }> {
  let error: string | null = null;
  for (let i = 0; i <= delays.length; i++) {
    try {
      await sendOnce(clock().toISOString());
      for (const { n } of batch) await record(n, channel, n.attemptsSoFar + i + 1, 'sent', null);
      return { sent: true, attempts: i + 1, error: null, permanent: false };
    } catch (failure) {
      error = describeError(failure);
      for (const { n } of batch) await record(n, channel, n.attemptsSoFar + i + 1, 'failed', error);
      if (failure instanceof DeliveryError && failure.permanent)
        return { sent: false, attempts: i + 1, error, permanent: true };
      const delay = delays[i];
      if (delay !== undefined) await sleep(delay);
    }
  }
  return { sent: false, attempts: delays.length + 1, error, permanent: false };
}

function asReason(value: string): NotificationReason {
  return value === 'reopened' || value === 'escalated' ? value : 'opened';
}

/** The recorded attempts, oldest first. */
export async function listDeliveries(
  store: Store,
  filter: { alertId?: number } = {},
): Promise<DeliveryRecord[]> {
  const rows = await store.all<{
    id: number;
    notification_id: number;
    alert_id: number;
    channel: string;
    attempt: number;
    status: string;
    error: string | null;
    attempted_at: Date;
  }>(
    `SELECT id, notification_id, alert_id, channel, attempt, status, error, attempted_at
     FROM alert_deliveries ${filter.alertId === undefined ? '' : 'WHERE alert_id = $1'} ORDER BY id`,
    filter.alertId === undefined ? [] : [filter.alertId],
  );
  return rows.map((r) => ({
    id: r.id,
    notificationId: r.notification_id,
    alertId: r.alert_id,
    channel: r.channel,
    attempt: r.attempt,
    status: r.status === 'sent' || r.status === 'superseded' ? r.status : 'failed',
    error: r.error,
    at: r.attempted_at instanceof Date ? r.attempted_at.toISOString() : String(r.attempted_at),
  }));
}
