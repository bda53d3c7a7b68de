import { describe, expect, it } from 'vitest';
import { providerConditions } from './conditions.ts';
import { DEFAULT_THRESHOLDS } from './model.ts';

const defaults = () => DEFAULT_THRESHOLDS;

describe('reporting.missing', () => {
  it.each([
    // lastDay, asOf, activeDays28, fires: the default gap is 7 silent days.
    ['2026-11-16', '2026-11-22', 20, false],
    ['2026-11-15', '2026-11-22', 20, true],
    ['2026-11-01', '2026-11-22', 3, true],
    ['2026-10-25', '2026-11-22', 20, true],
    // Silent for longer than the 28-day look-back: no longer a provider that reports.
    ['2026-10-24', '2026-11-22', 20, false],
    ['2026-11-15', '2026-11-22', 0, false],
    // Calls after the as-of day: not silent at that day.
    ['2026-11-23', '2026-11-22', 20, false],
  ] as const)('last calls %s, as of %s, %i active days → %s', (lastDay, asOf, activeDays28, fires) => {
    const conditions = providerConditions([{ provider: 'atlas', lastDay, activeDays28 }], asOf, defaults);
    expect(conditions.length === 1).toBe(fires);
    if (fires) {
      expect(conditions[0]).toMatchObject({
        rule: 'reporting.missing',
        subject: 'provider:atlas',
        provider: 'atlas',
        evidence: { lastDay, asOf, threshold: 7 },
      });
    }
  });

  it('follows a provider’s own gap', () => {
    const strict = (p: string) => ({ ...DEFAULT_THRESHOLDS, reportingGapDays: p === 'atlas' ? 2 : 7 });
    const conditions = providerConditions(
      [
        { provider: 'atlas', lastDay: '2026-11-20', activeDays28: 10 },
        { provider: 'medina', lastDay: '2026-11-20', activeDays28: 10 },
      ],
      '2026-11-22',
      strict,
    );
    expect(conditions.map((c) => c.subject)).toEqual(['provider:atlas']);
  });
});
