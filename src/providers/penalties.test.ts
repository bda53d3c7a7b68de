import { describe, expect, it } from 'vitest';
import type { PenaltySchedule } from './model.ts';
import { type Breach, computePenalties, formatEuros } from './penalties.ts';
import { parseIsoWeek, weekOfDay } from './week.ts';

const schedule: PenaltySchedule = {
  amounts: {
    'clause.daily_cap': 5000,
    'clause.dedicated': 20000,
    'clause.reporting': 100000,
    violation: 7500,
    burnt_number: 50000,
    service_level: 25000,
  },
  monthlyCap: {},
};

const b = (type: Breach['type'], day: string, count = 1, subject = 'x'): Breach => ({
  type,
  day,
  count,
  subject,
  evidence: '',
});

describe('penalties, exactly from the contract', () => {
  it.each([
    ['clause.daily_cap', 1, 5000],
    ['clause.dedicated', 1, 20000],
    ['clause.reporting', 1, 100000],
    ['violation', 13, 97500],
    ['burnt_number', 2, 100000],
    ['service_level', 3, 75000],
  ] as const)('%s × %i costs %i cents', (type, count, cents) => {
    const s = computePenalties([b(type, '2026-11-18', count)], schedule, '2026-11-16', '2026-11-22');
    expect(s.dueCents).toBe(cents);
    expect(s.lines).toEqual([
      {
        month: '2026-11',
        type,
        count,
        unitCents: schedule.amounts[type],
        grossCents: cents,
        dueCents: cents,
      },
    ]);
  });

  it('a type absent from the schedule costs nothing', () => {
    const s = computePenalties(
      [b('violation', '2026-11-18', 4)],
      { amounts: {}, monthlyCap: {} },
      '2026-11-16',
      '2026-11-22',
    );
    expect(s.dueCents).toBe(0);
  });

  it('a monthly cap per type is consumed by the earlier weeks of the month', () => {
    const capped = { ...schedule, monthlyCap: { violation: 150000 } };
    const breaches = [
      b('violation', '2026-11-04', 10),
      b('violation', '2026-11-11', 6),
      b('violation', '2026-11-18', 4),
    ];
    // 10 × 75 € = 750 €, then 450 € (1 200 €), then 300 € of which only 300 € remain under the 1 500 € cap.
    expect(computePenalties(breaches, capped, '2026-11-16', '2026-11-22').dueCents).toBe(30000);
    expect(
      computePenalties([...breaches, b('violation', '2026-11-19', 1)], capped, '2026-11-16', '2026-11-22'),
    ).toMatchObject({
      grossCents: 37500,
      dueCents: 30000,
    });
    const tight = { ...schedule, monthlyCap: { violation: 100000 } };
    const s = computePenalties(breaches, tight, '2026-11-16', '2026-11-22');
    expect(s.dueCents).toBe(0);
    expect(s.breaches[0]?.cappedBy).toBe('violation');
  });

  it('a total monthly cap spans every type', () => {
    const capped = { ...schedule, monthlyCap: { total: 120000 } };
    const s = computePenalties(
      [
        b('clause.reporting', '2026-11-16'),
        b('clause.dedicated', '2026-11-17'),
        b('violation', '2026-11-18', 2),
      ],
      capped,
      '2026-11-16',
      '2026-11-22',
    );
    // 1 000 € + 200 € reach the cap; the violations cost nothing more.
    expect(s.grossCents).toBe(135000);
    expect(s.dueCents).toBe(120000);
    expect(s.breaches.map((x) => x.dueCents)).toEqual([100000, 20000, 0]);
    expect(s.breaches[2]?.cappedBy).toBe('total');
  });

  it('a week spanning two months is split, each part under its own month’s cap', () => {
    const week = parseIsoWeek('2026-W49');
    expect(week?.monday).toBe('2026-11-30');
    const capped = { ...schedule, monthlyCap: { violation: 75000 } };
    const breaches = [
      b('violation', '2026-11-09', 9), // November: 675 € already
      b('violation', '2026-11-30', 4), // Monday of W49, November: 75 € left
      b('violation', '2026-12-01', 4), // December: a fresh cap
    ];
    const s = computePenalties(breaches, capped, '2026-11-30', '2026-12-06');
    expect(s.lines).toEqual([
      { month: '2026-11', type: 'violation', count: 4, unitCents: 7500, grossCents: 30000, dueCents: 7500 },
      { month: '2026-12', type: 'violation', count: 4, unitCents: 7500, grossCents: 30000, dueCents: 30000 },
    ]);
    expect(s.dueCents).toBe(37500);
  });

  it('a revised week: a late file adding breaches changes that week’s penalties by their amount, not later weeks beyond the cap', () => {
    const capped = { ...schedule, monthlyCap: { violation: 60000 } };
    const before = [b('violation', '2026-11-10', 2), b('violation', '2026-11-17', 4)];
    const late = [...before, b('violation', '2026-11-11', 3)];
    const w46 = (list: Breach[]) => computePenalties(list, capped, '2026-11-09', '2026-11-15').dueCents;
    const w47 = (list: Breach[]) => computePenalties(list, capped, '2026-11-16', '2026-11-22').dueCents;
    expect(w46(before)).toBe(15000);
    expect(w46(late)).toBe(37500);
    // Week 47 now meets a cap that week 46 consumed more of.
    expect(w47(before)).toBe(30000);
    expect(w47(late)).toBe(22500);
  });

  it('breaches after the period are not charged, those before only consume the cap', () => {
    const s = computePenalties(
      [b('violation', '2026-11-23', 1), b('violation', '2026-11-02', 1)],
      schedule,
      '2026-11-16',
      '2026-11-22',
    );
    expect(s.dueCents).toBe(0);
    expect(s.breaches).toEqual([]);
  });

  it.each([
    [125000, '1 250,00 €', '€1,250.00'],
    [5, '0,05 €', '€0.05'],
    [123456789, '1 234 567,89 €', '€1,234,567.89'],
    [0, '0,00 €', '€0.00'],
  ])('%i cents is %s', (cents, fr, en) => {
    expect(formatEuros(cents)).toBe(fr);
    expect(formatEuros(cents, 'en')).toBe(en);
  });
});

describe('ISO weeks in Europe/Paris', () => {
  it.each([
    ['2026-W47', '2026-11-16', '2026-11-22', '2026-11-15T23:00:00.000Z'],
    ['2026-W01', '2025-12-29', '2026-01-04', '2025-12-28T23:00:00.000Z'],
    ['2026-W13', '2026-03-23', '2026-03-29', '2026-03-22T23:00:00.000Z'],
    ['2026-W53', '2026-12-28', '2027-01-03', '2026-12-27T23:00:00.000Z'],
  ])('%s runs %s to %s', (id, monday, sunday, from) => {
    const w = parseIsoWeek(id);
    expect(w).toMatchObject({ id, monday, sunday });
    expect(new Date(w?.from ?? 0).toISOString()).toBe(from);
    expect(weekOfDay(sunday).id).toBe(id);
  });

  it('the week holding the spring change is 167 hours long', () => {
    const w = parseIsoWeek('2026-W13');
    expect(((w?.to ?? 0) - (w?.from ?? 0)) / 3_600_000).toBe(167);
  });

  it.each(['2025-W53', '2026-W54', '2026-47', 'W47'])('%s is not a week', (text) => {
    expect(parseIsoWeek(text)).toBeUndefined();
  });
});
