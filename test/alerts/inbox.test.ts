import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acknowledgeAlert,
  getAlert,
  listAlertEvents,
  listAlerts,
  resolveAlert,
  syncAlerts,
} from '../../src/alerts/inbox.ts';
import {
  ALERT_RULES,
  type AlertCondition,
  type AlertRule,
  type AlertSeverity,
} from '../../src/alerts/model.ts';
import { openStore, type Store } from '../../src/store/store.ts';

/** A clock the test moves by hand. */
function testClock(start = '2026-11-23T08:00:00.000Z') {
  let now = new Date(start);
  return {
    clock: () => now,
    set(iso: string) {
      now = new Date(iso);
    },
  };
}

function condition(
  rule: AlertRule,
  subject: string,
  severity: AlertSeverity = 'warning',
  evidence: Record<string, unknown> = {},
  extra: Partial<AlertCondition> = {},
): AlertCondition {
  return {
    rule,
    subject,
    severity,
    message: `${rule} sur ${subject}`,
    evidence,
    ...extra,
  };
}

let store: Store;
beforeEach(async () => {
  store = await openStore({ path: ':memory:' });
});
afterEach(() => store.close());

describe('syncAlerts: deduplication and the automatic lifecycle', () => {
  it('opens, updates while the condition lasts, resolves when it clears, reopens when it returns', async () => {
    const t = testClock();
    const n = '+33162000000';
    const day1 = await syncAlerts(
      store,
      [condition('report_rate.warning', n, 'warning', { reportRate7d: 0.021, days: ['2026-11-22'] })],
      '2026-11-22',
      { clock: t.clock },
    );
    expect(day1).toMatchObject({ opened: 1, updated: 0, resolved: 0, reopened: 0 });
    expect(day1.notifications).toHaveLength(1);
    const [opened] = await listAlerts(store);
    expect(opened).toMatchObject({
      rule: 'report_rate.warning',
      subject: n,
      state: 'open',
      severity: 'warning',
      openedAt: '2026-11-23T08:00:00.000Z',
      evidence: { reportRate7d: 0.021, days: ['2026-11-22'] },
      asOf: '2026-11-22',
    });
    const id = opened?.id ?? -1;

    // Same condition, new figures: the same alert is updated, not a second one.
    t.set('2026-11-24T08:00:00.000Z');
    const day2 = await syncAlerts(
      store,
      [condition('report_rate.warning', n, 'warning', { reportRate7d: 0.034, days: ['2026-11-23'] })],
      '2026-11-23',
      { clock: t.clock },
    );
    expect(day2).toMatchObject({ opened: 0, updated: 1, resolved: 0, reopened: 0, unchanged: 0 });
    expect(day2.notifications).toHaveLength(0);
    const updated = await getAlert(store, id);
    expect(updated.evidence).toEqual({ reportRate7d: 0.034, days: ['2026-11-23'] });
    expect(updated.updatedAt).toBe('2026-11-24T08:00:00.000Z');
    expect(updated.openedAt).toBe('2026-11-23T08:00:00.000Z');
    expect(await listAlerts(store)).toHaveLength(1);

    // Reported again with the same figures (key order aside): nothing changes but the day seen.
    t.set('2026-11-24T09:00:00.000Z');
    const again = await syncAlerts(
      store,
      [condition('report_rate.warning', n, 'warning', { days: ['2026-11-23'], reportRate7d: 0.034 })],
      '2026-11-23',
      { clock: t.clock },
    );
    expect(again).toMatchObject({ opened: 0, updated: 0, unchanged: 1 });
    expect((await getAlert(store, id)).updatedAt).toBe('2026-11-24T08:00:00.000Z');

    // The detector no longer reports it: resolved automatically.
    t.set('2026-11-25T08:00:00.000Z');
    const day3 = await syncAlerts(store, [], '2026-11-24', { clock: t.clock });
    expect(day3).toMatchObject({ opened: 0, updated: 0, resolved: 1, reopened: 0 });
    expect(await getAlert(store, id)).toMatchObject({
      state: 'resolved',
      resolvedAt: '2026-11-25T08:00:00.000Z',
    });
    expect(await listAlerts(store, { open: true })).toHaveLength(0);

    // A run with nothing to say about it resolves nothing more.
    expect(await syncAlerts(store, [], '2026-11-25', { clock: t.clock })).toMatchObject({ resolved: 0 });

    // It returns: the same alert is reopened, its history kept.
    t.set('2026-11-27T08:00:00.000Z');
    const day5 = await syncAlerts(
      store,
      [condition('report_rate.warning', n, 'warning', { reportRate7d: 0.025 })],
      '2026-11-26',
      { clock: t.clock },
    );
    expect(day5).toMatchObject({ opened: 0, reopened: 1 });
    expect(day5.notifications).toHaveLength(1);
    expect(await getAlert(store, id)).toMatchObject({
      state: 'open',
      openedAt: '2026-11-27T08:00:00.000Z',
      firstOpenedAt: '2026-11-23T08:00:00.000Z',
      resolvedAt: null,
      reopenCount: 1,
    });
    expect(await listAlerts(store)).toHaveLength(1);

    const history = await listAlertEvents(store, id);
    expect(history.map((e) => [e.action, e.state, e.author, e.day])).toEqual([
      ['opened', 'open', 'vigie', '2026-11-22'],
      ['resolved', 'resolved', 'vigie', '2026-11-24'],
      ['reopened', 'open', 'vigie', '2026-11-26'],
    ]);
  });

  it('escalates (queueing a notification) and de-escalates without one; acknowledged stays acknowledged', async () => {
    const t = testClock();
    const n = '+33162000001';
    await syncAlerts(store, [condition('answer_rate.drop', n, 'info')], '2026-11-22', { clock: t.clock });
    const [a] = await listAlerts(store);
    const id = a?.id ?? -1;
    await acknowledgeAlert(store, id, 'on regarde', 'alice', { clock: t.clock });
    const up = await syncAlerts(store, [condition('answer_rate.drop', n, 'critical')], '2026-11-23', {
      clock: t.clock,
    });
    expect(up).toMatchObject({ updated: 1, escalated: 1 });
    expect(up.notifications).toHaveLength(1);
    expect(await getAlert(store, id)).toMatchObject({ severity: 'critical', state: 'acknowledged' });
    const down = await syncAlerts(store, [condition('answer_rate.drop', n, 'warning')], '2026-11-24', {
      clock: t.clock,
    });
    expect(down).toMatchObject({ updated: 1, escalated: 0 });
    expect(down.notifications).toHaveLength(0);
    expect((await listAlertEvents(store, id)).map((e) => e.action)).toEqual([
      'opened',
      'acknowledged',
      'escalated',
      'deescalated',
    ]);
  });

  it('auto-resolves only the rules the detector owns, and refuses conditions of rules it does not own', async () => {
    const t = testClock();
    await syncAlerts(
      store,
      [
        condition('compliance.breach', 'provider:atlas|rule:hours.window'),
        condition('volume.daily_cap', '+33162000002'),
      ],
      '2026-11-22',
      { clock: t.clock },
    );
    const result = await syncAlerts(store, [], '2026-11-23', {
      clock: t.clock,
      rules: ['volume.daily_cap', 'answer_rate.drop'],
    });
    expect(result.resolved).toBe(1);
    const byRule = Object.fromEntries((await listAlerts(store)).map((a) => [a.rule, a.state]));
    expect(byRule).toEqual({ 'compliance.breach': 'open', 'volume.daily_cap': 'resolved' });

    await expect(
      syncAlerts(store, [condition('number.pooled', '+33162000003')], '2026-11-23', {
        rules: ['volume.daily_cap'],
      }),
    ).rejects.toThrow(/number\.pooled.*not owned/);
  });

  it('leaves alone alerts a later day already saw (a stale or backfilled run)', async () => {
    const t = testClock();
    const n = '+33162000004';
    await syncAlerts(store, [condition('volume.daily_cap', n, 'warning', { attempts: 180 })], '2026-11-24', {
      clock: t.clock,
    });
    const stale = await syncAlerts(store, [], '2026-11-20', { clock: t.clock });
    expect(stale).toMatchObject({ resolved: 0, stale: 1 });
    const staleUpdate = await syncAlerts(
      store,
      [condition('volume.daily_cap', n, 'critical', { attempts: 400 })],
      '2026-11-21',
      { clock: t.clock },
    );
    expect(staleUpdate).toMatchObject({ updated: 0, stale: 1 });
    expect(await listAlerts(store)).toMatchObject([{ state: 'open', evidence: { attempts: 180 } }]);
  });

  it('handles a day of many numbers at once (the plan is applied in chunks, set-wise)', async () => {
    const many = (d: number) =>
      Array.from({ length: 600 }, (_, i) =>
        condition(
          'volume.daily_cap',
          `+3316${String(i).padStart(7, '0')}`,
          i % 3 === 0 ? 'critical' : 'warning',
          {
            attempts: 151 + i + d,
          },
        ),
      );
    const first = await syncAlerts(store, many(0), '2026-11-20');
    expect(first).toMatchObject({ opened: 600 });
    expect(first.notifications).toHaveLength(600);
    expect(await syncAlerts(store, many(1), '2026-11-21')).toMatchObject({ updated: 600, unchanged: 0 });
    expect(await syncAlerts(store, many(1).slice(0, 100), '2026-11-22')).toMatchObject({
      unchanged: 100,
      resolved: 500,
    });
    const alerts = await listAlerts(store, { open: true });
    expect(alerts).toHaveLength(100);
    expect(alerts[0]).toMatchObject({ severity: 'critical', evidence: { attempts: 152 } });
    const events = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM alert_events');
    expect(Number(events?.n)).toBe(1100);
  });

  it('joins the transaction of a caller that already holds one (the reputation refresh after an ingest)', async () => {
    await expect(
      store.transaction(async () => {
        await syncAlerts(store, [condition('volume.daily_cap', 'a')], '2026-11-22');
        throw new Error('the ingest failed after the alerts');
      }),
    ).rejects.toThrow(/ingest failed/);
    expect(await listAlerts(store)).toEqual([]);
    await store.transaction(() => syncAlerts(store, [condition('volume.daily_cap', 'a')], '2026-11-22'));
    expect(await listAlerts(store)).toHaveLength(1);
  });

  it.each(ALERT_RULES)('accepts rule %s', async (rule) => {
    const result = await syncAlerts(store, [condition(rule, 'provider:atlas', 'critical')], '2026-11-22');
    expect(result.opened).toBe(1);
    expect(await listAlerts(store, { rule })).toMatchObject([{ rule, subject: 'provider:atlas' }]);
  });

  it('rejects unknown rules, bad severities, duplicates and bad days, storing nothing', async () => {
    const bad = { ...condition('volume.daily_cap', 'x'), rule: 'volume.weekly' } as unknown as AlertCondition;
    await expect(syncAlerts(store, [bad], '2026-11-22')).rejects.toThrow(/unknown rule/);
    const severe = { ...condition('volume.daily_cap', 'x'), severity: 'fatal' } as unknown as AlertCondition;
    await expect(syncAlerts(store, [severe], '2026-11-22')).rejects.toThrow(/unknown severity/);
    const twice = [condition('volume.daily_cap', 'x'), condition('volume.daily_cap', 'x', 'critical')];
    await expect(syncAlerts(store, twice, '2026-11-22')).rejects.toThrow(/twice/);
    await expect(syncAlerts(store, [], '22/11/2026')).rejects.toThrow(/YYYY-MM-DD/);
    expect(await listAlerts(store)).toEqual([]);
  });

  it('rolls the whole run back when it fails half-way', async () => {
    await syncAlerts(store, [condition('volume.daily_cap', 'a')], '2026-11-22');
    // An evidence that cannot be written fails the run after `b` was opened: `b` must not stay.
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(
      syncAlerts(
        store,
        [condition('volume.daily_cap', 'b'), condition('number.pooled', 'c', 'info', circular)],
        '2026-11-23',
      ),
    ).rejects.toThrow();
    expect((await listAlerts(store)).map((a) => [a.subject, a.state])).toEqual([['a', 'open']]);
  });
});

describe('operators: acknowledge and resolve with notes and authors', () => {
  it('records who, when, what and why; a manual resolution reopens if the detector still sees it', async () => {
    const t = testClock();
    await syncAlerts(store, [condition('number.pooled', '+33162000005', 'warning')], '2026-11-22', {
      clock: t.clock,
    });
    const [a] = await listAlerts(store);
    const id = a?.id ?? -1;

    t.set('2026-11-23T09:15:00.000Z');
    const acked = await acknowledgeAlert(store, id, 'vu avec le fournisseur Atlas', 'alice', {
      clock: t.clock,
    });
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledgedAt: '2026-11-23T09:15:00.000Z',
      note: 'vu avec le fournisseur Atlas',
    });
    expect(await listAlerts(store, { open: true })).toHaveLength(1);

    t.set('2026-11-23T23:30:00.000Z');
    const resolved = await resolveAlert(store, id, 'numéro retiré de la campagne B', 'bob', {
      clock: t.clock,
    });
    expect(resolved).toMatchObject({
      state: 'resolved',
      resolvedAt: '2026-11-23T23:30:00.000Z',
      note: 'numéro retiré de la campagne B',
    });

    await expect(resolveAlert(store, id, 'encore', 'bob')).rejects.toThrow(/already resolved/);
    await expect(acknowledgeAlert(store, id, 'encore', 'bob')).rejects.toThrow(/already resolved/);
    await expect(acknowledgeAlert(store, 999, 'x', 'bob')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const events = await listAlertEvents(store, id);
    expect(
      events.map((e) => ({ action: e.action, author: e.author, note: e.note, at: e.at, day: e.day })),
    ).toEqual([
      {
        action: 'opened',
        author: 'vigie',
        note: 'condition signalée au 2026-11-22',
        at: '2026-11-23T08:00:00.000Z',
        day: '2026-11-22',
      },
      {
        action: 'acknowledged',
        author: 'alice',
        note: 'vu avec le fournisseur Atlas',
        at: '2026-11-23T09:15:00.000Z',
        day: '2026-11-23',
      },
      // 23:30 UTC is already the 24th in Paris.
      {
        action: 'resolved',
        author: 'bob',
        note: 'numéro retiré de la campagne B',
        at: '2026-11-23T23:30:00.000Z',
        day: '2026-11-24',
      },
    ]);

    // The detector still reports the pooling the next day: the operator's resolution did not hold.
    t.set('2026-11-25T08:00:00.000Z');
    const next = await syncAlerts(
      store,
      [condition('number.pooled', '+33162000005', 'warning')],
      '2026-11-24',
      {
        clock: t.clock,
      },
    );
    expect(next.reopened).toBe(1);
    expect(await getAlert(store, id)).toMatchObject({ state: 'open', note: null, acknowledgedAt: null });
  });

  it('shows the inbox as it stood at the end of a day (--as-of)', async () => {
    const t = testClock('2026-11-30T08:00:00.000Z');
    await syncAlerts(store, [condition('volume.daily_cap', 'a', 'warning')], '2026-11-20', {
      clock: t.clock,
    });
    await syncAlerts(
      store,
      [condition('volume.daily_cap', 'a', 'critical'), condition('volume.daily_cap', 'b')],
      '2026-11-21',
      { clock: t.clock },
    );
    await syncAlerts(store, [condition('volume.daily_cap', 'b')], '2026-11-22', { clock: t.clock });

    const on20 = await listAlerts(store, { asOf: '2026-11-20' });
    expect(on20.map((a) => [a.subject, a.state, a.severity])).toEqual([['a', 'open', 'warning']]);
    const on21 = await listAlerts(store, { asOf: '2026-11-21' });
    expect(on21.map((a) => [a.subject, a.state, a.severity])).toEqual([
      ['a', 'open', 'critical'],
      ['b', 'open', 'warning'],
    ]);
    const on22open = await listAlerts(store, { asOf: '2026-11-22', open: true });
    expect(on22open.map((a) => a.subject)).toEqual(['b']);
    expect(await listAlerts(store, { asOf: '2026-11-19' })).toEqual([]);
  });
});
