import { addDays } from './dates.ts';
import type { DayFigures, WindowFigures } from './model.ts';

/** Sums the days of `days` that fall in [from, to] (inclusive calendar days). */
export function sumWindow(days: readonly DayFigures[], from: string, to: string): WindowFigures {
  let activeDays = 0;
  let attempts = 0;
  let answered = 0;
  let shortAnswered = 0;
  let talkSeconds = 0;
  let blocked = 0;
  let failedZero = 0;
  let repeatCallees = 0;
  let callees = 0;
  let callbacks = 0;
  let reports = 0;
  for (const d of days) {
    if (d.day < from || d.day > to) continue;
    if (d.attempts > 0) activeDays++;
    attempts += d.attempts;
    answered += d.answered;
    shortAnswered += d.shortAnswered;
    talkSeconds += d.talkSeconds;
    blocked += d.blocked;
    failedZero += d.failedZero;
    repeatCallees += d.repeatCallees;
    callees += d.callees;
    callbacks += d.callbacks;
    reports += d.reports;
  }
  return {
    from,
    to,
    activeDays,
    attempts,
    answered,
    shortAnswered,
    talkSeconds,
    blocked,
    failedZero,
    repeatCallees,
    callees,
    callbacks,
    reports,
  };
}

/** `n ÷ d`, or null when there is nothing to divide by. */
export function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

/** The windows every view of a number uses, all ending on `asOf`. */
export interface NumberWindows {
  readonly asOf: string;
  readonly today: WindowFigures;
  readonly last7: WindowFigures;
  /** The 7 days before `last7`. */
  readonly prev7: WindowFigures;
  readonly last28: WindowFigures;
  /** Days 8–28 before `asOf`: the number's recent baseline. */
  readonly baseline: WindowFigures;
}

export function numberWindows(days: readonly DayFigures[], asOf: string): NumberWindows {
  return {
    asOf,
    today: sumWindow(days, asOf, asOf),
    last7: sumWindow(days, addDays(asOf, -6), asOf),
    prev7: sumWindow(days, addDays(asOf, -13), addDays(asOf, -7)),
    last28: sumWindow(days, addDays(asOf, -27), asOf),
    baseline: sumWindow(days, addDays(asOf, -27), addDays(asOf, -7)),
  };
}

/** The KPIs of product.md ("What it computes" 1) over one window. */
export interface WindowKpis {
  readonly attempts: number;
  readonly answerRate: number | null;
  readonly reportRate: number | null;
  readonly avgTalkSeconds: number | null;
  readonly shortShare: number | null;
  readonly blockedShare: number | null;
  readonly callbackRate: number | null;
  readonly repeatShare: number | null;
  readonly attemptsPerDay: number;
}

/** `attemptsPerDay` is per day with calls (a quiet weekend does not hide a daily cap broken on weekdays). */
export function windowKpis(w: WindowFigures): WindowKpis {
  return {
    attempts: w.attempts,
    answerRate: ratio(w.answered, w.attempts),
    reportRate: ratio(w.reports, w.attempts),
    avgTalkSeconds: ratio(w.talkSeconds, w.answered),
    shortShare: ratio(w.shortAnswered, w.answered),
    blockedShare: ratio(w.blocked + w.failedZero, w.attempts),
    callbackRate: ratio(w.callbacks, w.attempts),
    repeatShare: ratio(w.repeatCallees, w.callees),
    attemptsPerDay: w.activeDays > 0 ? w.attempts / w.activeDays : 0,
  };
}
