import { addDays, daysBetween } from './dates.ts';
import type { ActionRecord, Damage, DataStatus, Status, Thresholds } from './model.ts';

export interface DataStatusInput {
  readonly score: number;
  /** 7-day report rate, null when under `minAttempts`. */
  readonly reportRate7d: number | null;
  /** Conditions other than the report rate's that hold (answer drop, cap, pooling). */
  readonly otherConditions: number;
  /** The forecast crosses the warning rate within the horizon. */
  readonly warningProjected: boolean;
}

/** The status the data gives: the report rate thresholds decide first, then the score. */
export function dataStatus(input: DataStatusInput, t: Thresholds): DataStatus {
  const rate = input.reportRate7d;
  if ((rate !== null && rate >= t.reportRateCritical) || input.score < 35) return 'compromised';
  if ((rate !== null && rate >= t.reportRateWarning) || input.score < 55) return 'at_risk';
  if (input.score < 75 || input.otherConditions > 0 || input.warningProjected) return 'watch';
  return 'active';
}

/** How long a rest lasts (product.md): light damage (2–5 %) 4–8 weeks, severe (above 5 %) 3–6 months. */
export const RECOVERY_DAYS: Readonly<Record<Damage, readonly [number, number]>> = {
  none: [7, 14],
  light: [28, 56],
  severe: [90, 180],
};

export function damageOf(peakReportRate: number | null, t: Thresholds): Damage {
  if (peakReportRate === null) return 'none';
  if (peakReportRate > t.reportRateCritical) return 'severe';
  if (peakReportRate >= t.reportRateWarning) return 'light';
  return 'none';
}

export interface Recovery {
  readonly damage: Damage;
  readonly restedOn: string;
  readonly earliest: string;
  readonly latest: string;
}

export function expectedRecovery(restedOn: string, damage: Damage): Recovery {
  const [min, max] = RECOVERY_DAYS[damage];
  return { damage, restedOn, earliest: addDays(restedOn, min), latest: addDays(restedOn, max) };
}

/** The ramp-up after a resume: a reduced cap that grows each day back to the full cap. */
export interface RampStep {
  readonly day: string;
  readonly cap: number;
}

/** Starting share of the cap and days to reach it, by the damage the number rested from. */
export const RAMP: Readonly<Record<Damage, { readonly startShare: number; readonly days: number }>> = {
  none: { startShare: 0.5, days: 7 },
  light: { startShare: 0.3, days: 14 },
  severe: { startShare: 0.2, days: 21 },
};

/** Day 0 (the resume day) at `startShare` of the cap, growing linearly to the full cap on day `days`. */
export function rampPlan(resumedOn: string, cap: number, damage: Damage): RampStep[] {
  const { startShare, days } = RAMP[damage];
  const steps: RampStep[] = [];
  for (let k = 0; k <= days; k++) {
    const share = startShare + ((1 - startShare) * k) / days;
    steps.push({ day: addDays(resumedOn, k), cap: Math.max(1, Math.floor(cap * share)) });
  }
  return steps;
}

/** The cap that applies on `day`: the ramp's when it is under way, else the full cap. */
export function capOn(day: string, plan: readonly RampStep[] | null, cap: number): number {
  if (plan === null) return cap;
  return plan.find((s) => s.day === day)?.cap ?? cap;
}

export interface ResolvedStatus {
  readonly status: Status;
  readonly dataStatus: DataStatus;
  /** The operator action in force, if any. */
  readonly action: ActionRecord | null;
  readonly ramp: readonly RampStep[] | null;
  readonly recovery: Recovery | null;
}

/**
 * The status on `asOf`: the last operator action up to that day decides (suspend → suspended,
 * rest → resting, resume → recovering while its ramp lasts), else the data status. `damageAt`
 * tells the damage a number rested from (its peak 7-day report rate before the rest).
 */
export function resolveStatus(
  data: DataStatus,
  actions: readonly ActionRecord[],
  asOf: string,
  cap: number,
  damageAt: (day: string) => Damage,
): ResolvedStatus {
  const past = actions.filter((a) => a.day <= asOf).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const last = past.at(-1);
  if (last === undefined) return { status: data, dataStatus: data, action: null, ramp: null, recovery: null };
  if (last.action === 'suspend') {
    return { status: 'suspended', dataStatus: data, action: last, ramp: null, recovery: null };
  }
  if (last.action === 'rest') {
    const recovery = expectedRecovery(last.day, damageAt(last.day));
    return { status: 'resting', dataStatus: data, action: last, ramp: null, recovery };
  }
  const rest = [...past].reverse().find((a) => a.action === 'rest' && a.at <= last.at);
  const damage = rest === undefined ? 'none' : damageAt(rest.day);
  const ramp = rampPlan(last.day, cap, damage);
  const end = ramp.at(-1)?.day ?? last.day;
  if (daysBetween(asOf, end) > 0) {
    return { status: 'recovering', dataStatus: data, action: last, ramp, recovery: null };
  }
  return { status: data, dataStatus: data, action: last, ramp: null, recovery: null };
}
