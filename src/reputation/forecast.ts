import { addDays, daysBetween } from './dates.ts';
import type { DayFigures } from './model.ts';

/** When the 7-day report rate is projected to cross one threshold. */
export interface Crossing {
  readonly threshold: number;
  /** `crossed`: already at or above; `projected`: the trend reaches it within the horizon; `not_projected`: it does not. */
  readonly state: 'crossed' | 'projected' | 'not_projected';
  /** The projected day (central estimate), `asOf` when already crossed. */
  readonly day: string | null;
  /** The 90 % band of that day: earliest with the steepest plausible trend, latest with the flattest (null: not within the horizon). */
  readonly earliest: string | null;
  readonly latest: string | null;
}

export interface Forecast {
  readonly asOf: string;
  /** The 7-day report rate on `asOf`. */
  readonly rate7d: number | null;
  /** Fitted daily report rate on `asOf` and its change per day (fractions). */
  readonly level: number | null;
  readonly slopePerDay: number | null;
  readonly slopeStdError: number | null;
  /** Days of history the fit used, and attempts behind it. */
  readonly days: number;
  readonly attempts: number;
  readonly crossings: readonly Crossing[];
}

export interface ForecastOptions {
  readonly thresholds: readonly number[];
  /** Days of history fitted (default 14). */
  readonly historyDays?: number;
  /** How far ahead a crossing is looked for (default 28). */
  readonly horizonDays?: number;
  /** Fewer attempts in the history than this: no trend (default 100). */
  readonly minAttempts?: number;
}

const Z90 = 1.645;

/**
 * Projects the 7-day report rate forward. Daily report rates over the last `historyDays` are fitted
 * by least squares weighted by each day's attempts (a busy day says more); the 7-day rate of a future
 * day is the mean of the fitted daily rates over its 7 days (days already past keep their measured
 * figures). The same is done with the slope ± 1.645 standard errors for the 90 % band. A crossing
 * counts as projected only when the slope is positive at 90 % (a single late report is not a trend).
 */
export function forecastReportRate(
  days: readonly DayFigures[],
  asOf: string,
  options: ForecastOptions,
): Forecast {
  const historyDays = options.historyDays ?? 14;
  const horizon = options.horizonDays ?? 28;
  const minAttempts = options.minAttempts ?? 100;
  const from = addDays(asOf, -(historyDays - 1));
  const points = days
    .filter((d) => d.day >= from && d.day <= asOf && d.attempts > 0)
    .map((d) => ({ t: daysBetween(asOf, d.day), w: d.attempts, r: d.reports / d.attempts, d }));
  const last7 = days.filter((d) => d.day > addDays(asOf, -7) && d.day <= asOf);
  const att7 = last7.reduce((s, d) => s + d.attempts, 0);
  const rep7 = last7.reduce((s, d) => s + d.reports, 0);
  const rate7d = att7 > 0 ? rep7 / att7 : null;
  const attempts = points.reduce((s, p) => s + p.w, 0);
  const none = (threshold: number): Crossing => ({
    threshold,
    state: rate7d !== null && att7 >= minAttempts && rate7d >= threshold ? 'crossed' : 'not_projected',
    day: rate7d !== null && att7 >= minAttempts && rate7d >= threshold ? asOf : null,
    earliest: null,
    latest: null,
  });
  const base = { asOf, rate7d, days: points.length, attempts };
  if (points.length < 3 || attempts < minAttempts) {
    return {
      ...base,
      level: null,
      slopePerDay: null,
      slopeStdError: null,
      crossings: options.thresholds.map(none),
    };
  }
  const sw = attempts;
  const tBar = points.reduce((s, p) => s + p.w * p.t, 0) / sw;
  const rBar = points.reduce((s, p) => s + p.w * p.r, 0) / sw;
  const sxx = points.reduce((s, p) => s + p.w * (p.t - tBar) ** 2, 0);
  const sxy = points.reduce((s, p) => s + p.w * (p.t - tBar) * (p.r - rBar), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  const level = rBar - slope * tBar;
  const residual = points.reduce((s, p) => s + p.w * (p.r - level - slope * p.t) ** 2, 0);
  // Day i's rate has variance σ²/attempts_i; σ² is estimated from the residuals, floored by the binomial p(1−p).
  const sigma2 = Math.max(residual / Math.max(points.length - 2, 1), Math.max(rBar, 1e-4) * (1 - rBar));
  const se = sxx > 0 ? Math.sqrt(sigma2 / sxx) : 0;
  // Typical daily volume going forward: the mean of the last 7 days with calls.
  const recent = points.filter((p) => p.t > -7);
  const volume = recent.length > 0 ? recent.reduce((s, p) => s + p.w, 0) / recent.length : sw / points.length;
  const measured = new Map(days.map((d) => [d.day, d]));
  const crossingDay = (threshold: number, b: number): string | null => {
    for (let k = 1; k <= horizon; k++) {
      let att = 0;
      let rep = 0;
      for (let j = k - 6; j <= k; j++) {
        if (j <= 0) {
          const d = measured.get(addDays(asOf, j));
          att += d?.attempts ?? 0;
          rep += d?.reports ?? 0;
        } else {
          att += volume;
          rep += volume * Math.max(0, level + b * j);
        }
      }
      if (att > 0 && rep / att >= threshold) return addDays(asOf, k);
    }
    return null;
  };
  const rising = slope - Z90 * se > 0;
  const crossings = options.thresholds.map((threshold): Crossing => {
    const already = none(threshold);
    if (already.state === 'crossed') return already;
    const day = crossingDay(threshold, slope);
    const earliest = crossingDay(threshold, slope + Z90 * se);
    const latest = crossingDay(threshold, slope - Z90 * se);
    return {
      threshold,
      // A crossing is projected only when the rise itself is clear (slope above zero at 90 %).
      state: day !== null && rising ? 'projected' : 'not_projected',
      day,
      earliest,
      latest,
    };
  });
  return { ...base, level, slopePerDay: slope, slopeStdError: se, crossings };
}
