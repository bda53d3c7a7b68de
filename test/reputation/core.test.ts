import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberConditions } from '../../src/reputation/conditions.ts';
import { addDays } from '../../src/reputation/dates.ts';
import { assessNumber } from '../../src/reputation/evaluate.ts';
import { forecastReportRate } from '../../src/reputation/forecast.ts';
import { numberWindows } from '../../src/reputation/kpis.ts';
import { DEFAULT_CONFIG, DEFAULT_THRESHOLDS, type DayFigures } from '../../src/reputation/model.ts';
import { scoreNumber } from '../../src/reputation/score.ts';
import { capOn, damageOf, expectedRecovery, rampPlan, resolveStatus } from '../../src/reputation/status.ts';

const AS_OF = '2026-11-13';

function day(d: string, figures: Partial<DayFigures> = {}): DayFigures {
  return {
    day: d,
    attempts: 0,
    answered: 0,
    shortAnswered: 0,
    talkSeconds: 0,
    blocked: 0,
    failedZero: 0,
    repeatCallees: 0,
    callees: 0,
    callbacks: 0,
    reports: 0,
    providers: ['p'],
    clients: ['c'],
    campaigns: ['k'],
    ...figures,
  };
}

/** `n` days ending on AS_OF with the same figures each day. */
function days(n: number, figures: Partial<DayFigures>, end = AS_OF): DayFigures[] {
  return Array.from({ length: n }, (_, k) => day(addDays(end, -(n - 1 - k)), figures));
}

function conditions(list: DayFigures[], thresholds = DEFAULT_THRESHOLDS) {
  const windows = numberWindows(list, AS_OF);
  return numberConditions({
    number: '+33162000000',
    windows,
    days: list,
    thresholds,
    capOn: () => thresholds.dailyCap,
    forecast: null,
  }).map((c) => `${c.rule}:${c.severity}`);
}

describe('thresholds at their edge', () => {
  // 7 days × 1,000 attempts: 7,000 attempts; 2 % is 140 reports, 5 % is 350.
  it.each([
    [139, []],
    [140, ['report_rate.warning:warning']],
    [349, ['report_rate.warning:warning']],
    [350, ['report_rate.critical:critical', 'report_rate.warning:warning']],
  ])('%i reports over 7,000 attempts → %j', (reports, expected) => {
    const list = days(7, { attempts: 1000, answered: 300 });
    const last = list.at(-1);
    if (last === undefined) throw new Error('no day');
    list[list.length - 1] = { ...last, reports };
    expect(
      conditions(list)
        .filter((c) => c.startsWith('report_rate'))
        .sort(),
    ).toEqual(expected);
  });

  it('rates under minAttempts fire nothing', () => {
    expect(conditions(days(7, { attempts: 14, answered: 4, reports: 5 }))).toEqual([]);
  });

  it.each([
    [150, false],
    [151, true],
  ])('daily cap 150: %i attempts on the last day → %s', (attempts, fires) => {
    const list = [
      ...days(6, { attempts: 100, answered: 30 }, addDays(AS_OF, -1)),
      day(AS_OF, { attempts, answered: 45 }),
    ];
    expect(conditions(list).includes('volume.daily_cap:warning')).toBe(fires);
  });

  it.each([
    // previous week 30 %, this week 25 % (exactly 5 points: not more) or 24.9 %
    [2500, false],
    [2490, true],
  ])('answer rate 30 %% → %i/10,000: drop fires %s', (answered, fires) => {
    const list = [
      ...days(7, { attempts: 10_000 / 7, answered: 3000 / 7 }, addDays(AS_OF, -7)),
      ...days(7, { attempts: 10_000 / 7, answered: answered / 7 }),
    ];
    expect(conditions(list).includes('answer_rate.drop:warning')).toBe(fires);
  });

  it('a small drop that chance explains does not fire', () => {
    const list = [
      ...days(7, { attempts: 20, answered: 7 }, addDays(AS_OF, -7)),
      ...days(7, { attempts: 20, answered: 5 }),
    ];
    expect(conditions(list)).toEqual([]);
  });

  it.each([
    [['a'], ['k'], false],
    [['a', 'b'], ['k'], true],
    [['a'], ['k1', 'k2'], true],
  ])('clients %j campaigns %j → pooled %s', (clients, campaigns, fires) => {
    const list = days(7, { attempts: 100, answered: 30, clients, campaigns });
    expect(conditions(list).includes('number.pooled:warning')).toBe(fires);
  });

  it('per-client overrides take the strictest value', () => {
    const list = days(7, { attempts: 1000, answered: 300, reports: 12 }); // 1.2 %
    const config = { ...DEFAULT_CONFIG, clients: { c: { reportRateWarning: 0.01 } } };
    const a = assessNumber({ number: '+33162000000', asOf: AS_OF, days: list, actions: [], config });
    expect(a.thresholds.reportRateWarning).toBe(0.01);
    expect(a.conditions.map((c) => c.rule)).toContain('report_rate.warning');
  });
});

describe('status, recovery and ramp-up', () => {
  it('damage and recovery windows follow product.md', () => {
    expect(damageOf(0.019, DEFAULT_THRESHOLDS)).toBe('none');
    expect(damageOf(0.02, DEFAULT_THRESHOLDS)).toBe('light');
    expect(damageOf(0.05, DEFAULT_THRESHOLDS)).toBe('light');
    expect(damageOf(0.0501, DEFAULT_THRESHOLDS)).toBe('severe');
    expect(expectedRecovery('2026-11-01', 'light')).toMatchObject({
      earliest: '2026-11-29',
      latest: '2026-12-27',
    });
    expect(expectedRecovery('2026-11-01', 'severe')).toMatchObject({
      earliest: '2027-01-30',
      latest: '2027-04-30',
    });
  });

  it('the ramp-up starts reduced and grows each day to the full cap', () => {
    const plan = rampPlan('2026-12-01', 150, 'light');
    expect(plan[0]).toEqual({ day: '2026-12-01', cap: 45 });
    expect(plan.at(-1)).toEqual({ day: '2026-12-15', cap: 150 });
    for (let k = 1; k < plan.length; k++) expect(plan[k]?.cap ?? 0).toBeGreaterThan(plan[k - 1]?.cap ?? 0);
    expect(capOn('2026-12-01', plan, 150)).toBe(45);
    expect(capOn('2026-12-20', plan, 150)).toBe(150);
    expect(rampPlan('2026-12-01', 150, 'severe')[0]?.cap).toBe(30);
    expect(rampPlan('2026-12-01', 150, 'severe')).toHaveLength(22);
  });

  it('operator actions: suspended, resting with a recovery date, recovering while the ramp lasts', () => {
    const act = (action: 'suspend' | 'rest' | 'resume', d: string) => ({
      number: 'n',
      action,
      at: `${d}T09:00:00.000Z`,
      day: d,
      author: 'ops',
      reason: 'r',
    });
    const severe = () => 'severe' as const;
    expect(resolveStatus('watch', [act('suspend', '2026-11-01')], '2026-11-02', 150, severe).status).toBe(
      'suspended',
    );
    const resting = resolveStatus('compromised', [act('rest', '2026-11-01')], '2026-11-02', 150, severe);
    expect(resting.status).toBe('resting');
    expect(resting.recovery?.earliest).toBe('2027-01-30');
    const actions = [act('rest', '2026-11-01'), act('resume', '2027-02-01')];
    const recovering = resolveStatus('active', actions, '2027-02-05', 150, severe);
    expect(recovering.status).toBe('recovering');
    expect(recovering.ramp?.[0]?.cap).toBe(30);
    expect(resolveStatus('active', actions, '2027-03-01', 150, severe).status).toBe('active');
  });

  it('the ramp-up cap drives volume.daily_cap after a resume', () => {
    const list = days(7, { attempts: 100, answered: 30 });
    const actions = [
      {
        number: 'n',
        action: 'rest' as const,
        at: '2026-10-01T09:00:00.000Z',
        day: '2026-10-01',
        author: 'o',
        reason: 'r',
      },
      {
        number: 'n',
        action: 'resume' as const,
        at: `${AS_OF}T08:00:00.000Z`,
        day: AS_OF,
        author: 'o',
        reason: 'r',
      },
    ];
    const a = assessNumber({ number: 'n', asOf: AS_OF, days: list, actions, config: DEFAULT_CONFIG });
    expect(a.status).toBe('recovering');
    expect(a.cap).toBe(75);
    expect(a.conditions.map((c) => c.rule)).toContain('volume.daily_cap');
  });
});

describe('forecast', () => {
  it('a rising report rate is projected to cross 2 % and 5 %, with a band around the day', () => {
    const list = Array.from({ length: 10 }, (_, k) =>
      day(addDays(AS_OF, k - 9), {
        attempts: 200,
        answered: 60,
        reports: Math.round(200 * (0.002 + 0.0015 * k)),
      }),
    );
    const f = forecastReportRate(list, AS_OF, { thresholds: [0.02, 0.05] });
    const [two, five] = f.crossings;
    expect(f.slopePerDay ?? 0).toBeGreaterThan(0);
    expect(two?.state).toBe('projected');
    expect(two?.day !== null && two?.day !== undefined && two.day > AS_OF).toBe(true);
    expect((two?.earliest ?? '') <= (two?.day ?? '')).toBe(true);
    expect(five?.day !== null && (five?.day ?? '') > (two?.day ?? '')).toBe(true);
  });

  it('a flat low rate projects nothing; a rate above the threshold is already crossed', () => {
    const flat = forecastReportRate(days(14, { attempts: 100, reports: 0, answered: 30 }), AS_OF, {
      thresholds: [0.02],
    });
    expect(flat.crossings[0]?.state).toBe('not_projected');
    const high = forecastReportRate(days(14, { attempts: 100, reports: 3, answered: 30 }), AS_OF, {
      thresholds: [0.02],
    });
    expect(high.crossings[0]).toMatchObject({ state: 'crossed', day: AS_OF });
  });
});

const dayArb = (d: string) =>
  fc
    .record({
      attempts: fc.integer({ min: 0, max: 400 }),
      answeredShare: fc.double({ min: 0, max: 1, noNaN: true }),
      shortShare: fc.double({ min: 0, max: 1, noNaN: true }),
      blocked: fc.integer({ min: 0, max: 100 }),
      reports: fc.integer({ min: 0, max: 40 }),
      callbacks: fc.integer({ min: 0, max: 30 }),
      repeat: fc.integer({ min: 0, max: 50 }),
    })
    .map((r) => {
      const answered = Math.floor(r.attempts * r.answeredShare);
      return day(d, {
        attempts: r.attempts,
        answered,
        shortAnswered: Math.floor(answered * r.shortShare),
        talkSeconds: answered * 60,
        blocked: Math.min(r.blocked, r.attempts),
        reports: r.reports,
        callbacks: r.callbacks,
        callees: r.attempts,
        repeatCallees: Math.min(r.repeat, r.attempts),
      });
    });
const monthArb = fc.tuple(...Array.from({ length: 28 }, (_, k) => dayArb(addDays(AS_OF, k - 27))));

describe('score properties', () => {
  it('stays within [0, 100]', () => {
    fc.assert(
      fc.property(monthArb, fc.integer({ min: 1, max: 300 }), (month, cap) => {
        const s = scoreNumber(numberWindows(month, AS_OF), { cap, minAttempts: 100 }).score;
        return s >= 0 && s <= 100;
      }),
    );
  });

  it('adding a report never raises it (and never lowers the status)', () => {
    const order = ['active', 'watch', 'at_risk', 'compromised'];
    fc.assert(
      fc.property(monthArb, fc.integer({ min: 0, max: 27 }), (month, k) => {
        const target = month[k];
        if (target === undefined) return true;
        const more = month.map((d, i) => (i === k ? { ...d, reports: d.reports + 1 } : d));
        const before = assessNumber({
          number: 'n',
          asOf: AS_OF,
          days: month,
          actions: [],
          config: DEFAULT_CONFIG,
        });
        const after = assessNumber({
          number: 'n',
          asOf: AS_OF,
          days: more,
          actions: [],
          config: DEFAULT_CONFIG,
        });
        return (
          after.score.score <= before.score.score &&
          order.indexOf(after.dataStatus) >=
            order.indexOf(before.dataStatus) - (before.dataStatus === 'watch' ? 1 : 0)
        );
      }),
    );
  });

  it('explains itself: the penalties add up to 100 minus the score', () => {
    fc.assert(
      fc.property(monthArb, (month) => {
        const s = scoreNumber(numberWindows(month, AS_OF), { cap: 150, minAttempts: 100 });
        const penalty = s.factors.reduce((sum, f) => sum + f.penalty, 0);
        return (
          Math.abs(100 - penalty - s.score) <= 0.5 + 1e-9 &&
          s.factors.reduce((x, f) => x + f.weight, 0) === 100
        );
      }),
    );
  });
});
