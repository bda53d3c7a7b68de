import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/alerts/channels/config.ts';
import { backoffDelays, deliverPending, listDeliveries } from '../../src/alerts/deliver.ts';
import { listAlerts, syncAlerts } from '../../src/alerts/inbox.ts';
import type { AlertCondition } from '../../src/alerts/model.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { freePort, Receiver } from './support/receiver.ts';

const clock = () => new Date('2026-11-23T08:00:00.000Z');

const reportRate = (subject: string, severity: AlertCondition['severity'] = 'critical'): AlertCondition => ({
  rule: 'report_rate.critical',
  subject,
  severity,
  message: 'Taux de signalement de 6,1 % sur 7 jours (seuil 5 %)',
  evidence: { reportRate7d: 0.061, reports7d: 55, attempts7d: 902, days: ['2026-11-16', '2026-11-22'] },
  provider: 'atlas',
  client: 'energie-plus',
});

const fast = { attempts: 5, baseDelayMs: 10, maxDelayMs: 1_000 };

let store: Store;
const receivers: Receiver[] = [];
beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(async () => {
  store.close();
  for (const r of receivers.splice(0)) await r.stop();
});

async function receiver(statusOf?: (n: number) => number): Promise<Receiver> {
  const r = new Receiver(await freePort(), statusOf);
  receivers.push(r);
  return r;
}

describe('webhook delivery with retries', () => {
  it('retries while the receiver refuses then fails, and records each attempt until it accepts', async () => {
    const hook = await receiver((n) => (n === 0 ? 500 : 200));
    const channel: Channel = { type: 'webhook', name: 'ops-hook', url: hook.url };
    await syncAlerts(store, [reportRate('+33162000000')], '2026-11-22', { clock });

    const waits: number[] = [];
    const report = await deliverPending(store, [channel], {
      clock,
      retry: fast,
      // The receiver comes up during the first wait: attempt 1 is refused, 2 gets a 500, 3 goes through.
      sleep: async (ms) => {
        waits.push(ms);
        await hook.start();
      },
    });
    expect(report).toMatchObject({ sent: 1, failed: 0, skipped: 0, attempts: 3 });
    expect(waits).toEqual([10, 20]);
    const attempts = await listDeliveries(store);
    expect(attempts.map((d) => [d.channel, d.attempt, d.status])).toEqual([
      ['ops-hook', 1, 'failed'],
      ['ops-hook', 2, 'failed'],
      ['ops-hook', 3, 'sent'],
    ]);
    expect(attempts[0]?.error).toMatch(/ECONNREFUSED/);
    expect(attempts[1]?.error).toMatch(/^HTTP 500/);
    expect(attempts[2]?.error).toBeNull();

    expect(hook.requests).toHaveLength(2);
    const [, accepted] = hook.requests;
    expect(accepted?.method).toBe('POST');
    expect(accepted?.headers['content-type']).toMatch(/^application\/json/);
    const [alert] = await listAlerts(store);
    expect(JSON.parse(accepted?.body ?? '')).toMatchObject({
      event: 'alert.opened',
      alert: {
        id: alert?.id,
        rule: 'report_rate.critical',
        subject: '+33162000000',
        severity: 'critical',
        state: 'open',
        provider: 'atlas',
        client: 'energie-plus',
        evidence: { reportRate7d: 0.061, reports7d: 55 },
        openedAt: '2026-11-23T08:00:00.000Z',
      },
    });

    // Nothing is pending any more: a new run sends nothing.
    const again = await deliverPending(store, [channel], { clock, retry: fast, sleep: async () => {} });
    expect(again).toMatchObject({ sent: 0, failed: 0, attempts: 0 });
    expect(hook.requests).toHaveLength(2);
  });

  it('gives up after the bounded attempts, keeps the notifications pending, and a later run delivers them', async () => {
    const hook = await receiver();
    const channel: Channel = { type: 'webhook', name: 'ops-hook', url: hook.url };
    await syncAlerts(store, [reportRate('+33162000000'), reportRate('+33162000001')], '2026-11-22', {
      clock,
    });

    const waits: number[] = [];
    const down = await deliverPending(store, [channel], {
      clock,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 8 },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    // Three attempts for the first alert; the second is not tried against a channel just found down.
    expect(down).toMatchObject({ sent: 0, failed: 1, skipped: 1, attempts: 3 });
    expect(waits).toEqual([5, 8]);
    expect((await listDeliveries(store)).map((d) => [d.attempt, d.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ]);

    await hook.start();
    const up = await deliverPending(store, [channel], { clock, retry: fast, sleep: async () => {} });
    expect(up).toMatchObject({ sent: 2, failed: 0, skipped: 0 });
    // Attempts are counted across runs.
    expect((await listDeliveries(store)).slice(3).map((d) => [d.alertId, d.attempt, d.status])).toEqual([
      [1, 4, 'sent'],
      [2, 1, 'sent'],
    ]);
    expect(hook.requests).toHaveLength(2);
  });

  it('does not retry a refusal that will not change (HTTP 4xx)', async () => {
    const hook = await receiver(() => 404);
    await hook.start();
    await syncAlerts(store, [reportRate('+33162000000')], '2026-11-22', { clock });
    const report = await deliverPending(store, [{ type: 'webhook', name: 'typo', url: hook.url }], {
      clock,
      retry: fast,
      sleep: async () => {},
    });
    expect(report).toMatchObject({ sent: 0, failed: 1, attempts: 1 });
    expect((await listDeliveries(store))[0]?.error).toMatch(/^HTTP 404/);
  });

  it('posts a Slack/Teams payload: only {"text"}, French first, English second', async () => {
    const slack = await receiver();
    await slack.start();
    await syncAlerts(store, [reportRate('+33162000000')], '2026-11-22', { clock });
    await deliverPending(store, [{ type: 'slack', name: 'slack', url: slack.url }], { clock, retry: fast });
    expect(slack.requests).toHaveLength(1);
    const payload = JSON.parse(slack.requests[0]?.body ?? '') as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual(['text']);
    const text = String(payload.text);
    expect(text.split('\n')[0]).toBe(
      '*Vigie · CRITIQUE* · nouvelle alerte n° 1 · taux de signalement critique · 01 62 00 00 00',
    );
    expect(text).toContain('Taux de signalement de 6,1 % sur 7 jours (seuil 5 %)');
    expect(text).toContain('reportRate7d = 0,061');
    expect(text.indexOf('taux de signalement critique')).toBeLessThan(
      text.indexOf('critical spam-report rate'),
    );
  });

  it('is triggered by syncAlerts for new, reopened and escalated alerts only, filtered per channel', async () => {
    const all = await receiver();
    const critical = await receiver();
    await all.start();
    await critical.start();
    const channels: Channel[] = [
      { type: 'webhook', name: 'all', url: all.url },
      {
        type: 'webhook',
        name: 'critical-only',
        url: critical.url,
        minSeverity: 'critical',
        rules: ['volume.daily_cap'],
      },
    ];
    const cap = (severity: AlertCondition['severity'], attempts: number): AlertCondition => ({
      rule: 'volume.daily_cap',
      subject: '+33162000009',
      severity,
      message: `${attempts} tentatives (plafond 150)`,
      evidence: { attempts },
    });
    const options = { clock, channels, delivery: { retry: fast } };
    const events = () => [
      all.requests.map((r) => (JSON.parse(r.body) as { event: string }).event),
      critical.requests.map((r) => (JSON.parse(r.body) as { event: string }).event),
    ];

    const opened = await syncAlerts(store, [cap('warning', 170)], '2026-11-20', options);
    expect(opened.delivery).toMatchObject({ sent: 1 });
    expect(events()).toEqual([['alert.opened'], []]);

    await syncAlerts(store, [cap('warning', 180)], '2026-11-21', options); // update: no notification
    await syncAlerts(store, [cap('critical', 320)], '2026-11-22', options); // escalation
    expect(events()).toEqual([['alert.opened', 'alert.escalated'], ['alert.escalated']]);

    await syncAlerts(store, [], '2026-11-23', options); // resolved: no notification
    await syncAlerts(store, [cap('critical', 300)], '2026-11-24', options); // reopened
    expect(events()).toEqual([
      ['alert.opened', 'alert.escalated', 'alert.reopened'],
      ['alert.escalated', 'alert.reopened'],
    ]);
  });

  it('sends only the latest notification of an alert, and nothing for a resolved one', async () => {
    const hook = await receiver();
    const channel: Channel = { type: 'webhook', name: 'hook', url: hook.url };
    const noWait = { clock, retry: { attempts: 1 }, sleep: async () => {} };
    await syncAlerts(
      store,
      [reportRate('+33162000000', 'warning'), reportRate('+33162000001')],
      '2026-11-21',
      {
        clock,
      },
    );
    await deliverPending(store, [channel], noWait); // receiver down: both pending
    await syncAlerts(store, [reportRate('+33162000000', 'critical')], '2026-11-22', { clock }); // escalated; …01 resolved
    await hook.start();
    const report = await deliverPending(store, [channel], noWait);
    expect(report).toMatchObject({ sent: 1, superseded: 1, failed: 0 });
    expect(
      hook.requests.map((r) => JSON.parse(r.body) as { event: string; alert: { subject: string } }),
    ).toMatchObject([{ event: 'alert.escalated', alert: { subject: '+33162000000' } }]);
  });
});

describe('backoff', () => {
  it('doubles from the base delay up to the cap, one wait fewer than attempts', () => {
    expect(backoffDelays({ attempts: 6, baseDelayMs: 1000, maxDelayMs: 10_000, factor: 2 })).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ]);
    expect(backoffDelays({ attempts: 1, baseDelayMs: 1000, maxDelayMs: 10_000, factor: 2 })).toEqual([]);
  });
});
