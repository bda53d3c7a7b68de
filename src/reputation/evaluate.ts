import type { AlertCondition } from '../alerts/model.ts';
import { numberConditions } from './conditions.ts';
import { addDays, daysBetween } from './dates.ts';
import { type Forecast, forecastReportRate } from './forecast.ts';
import { type NumberWindows, numberWindows, sumWindow, type WindowKpis, windowKpis } from './kpis.ts';
import type { ActionRecord, DataStatus, DayFigures, ReputationConfig, Status, Thresholds } from './model.ts';
import { type Score, scoreNumber } from './score.ts';
import {
  capOn,
  damageOf,
  type RampStep,
  type Recovery,
  resolveStatus,
  dataStatus as statusFromData,
} from './status.ts';

/** The thresholds of a number: the strictest over its providers' and clients' overrides. */
export function thresholdsFor(
  config: ReputationConfig,
  providers: readonly string[],
  clients: readonly string[],
): Thresholds {
  const layers = [
    ...providers.map((p) => config.providers[p]).filter((x) => x !== undefined),
    ...clients.map((c) => config.clients[c]).filter((x) => x !== undefined),
  ];
  if (layers.length === 0) return config.defaults;
  const d = config.defaults;
  const pick = <K extends keyof Thresholds>(key: K, strict: (a: number, b: number) => number): number => {
    const values = layers.map((l) => l[key]).filter((v): v is Thresholds[K] => v !== undefined) as number[];
    return values.length === 0 ? (d[key] as number) : values.reduce(strict);
  };
  return {
    answerRateDrop: pick('answerRateDrop', Math.min),
    reportRateWarning: pick('reportRateWarning', Math.min),
    reportRateCritical: pick('reportRateCritical', Math.min),
    dailyCap: pick('dailyCap', Math.min),
    minAttempts: pick('minAttempts', Math.min),
    reportingGapDays: pick('reportingGapDays', Math.min),
    forecastHorizonDays: pick('forecastHorizonDays', Math.max),
    autoRestAtCompromised: layers.some((l) => l.autoRestAtCompromised === true) || d.autoRestAtCompromised,
  };
}

export interface Assessment {
  readonly number: string;
  readonly asOf: string;
  readonly status: Status;
  readonly dataStatus: DataStatus;
  readonly score: Score;
  readonly windows: NumberWindows;
  readonly kpis7d: WindowKpis;
  readonly kpisPrev7d: WindowKpis;
  readonly kpis28d: WindowKpis;
  readonly cap: number;
  readonly thresholds: Thresholds;
  readonly providers: readonly string[];
  readonly clients: readonly string[];
  readonly campaigns: readonly string[];
  readonly forecast: Forecast;
  readonly conditions: readonly AlertCondition[];
  readonly action: ActionRecord | null;
  readonly ramp: readonly RampStep[] | null;
  readonly recovery: Recovery | null;
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly daysSinceFirstUse: number | null;
  readonly daysSinceLastUse: number | null;
}

export interface AssessInput {
  readonly number: string;
  readonly asOf: string;
  /** The number's days (any order), at least the 28 ending on `asOf`. */
  readonly days: readonly DayFigures[];
  readonly actions: readonly ActionRecord[];
  readonly config: ReputationConfig;
  /** First and last day with calls over all history (the rollup may hold more than `days`). */
  readonly firstDay?: string | null;
  readonly lastDay?: string | null;
  /** Median 7-day answer rate of the numbers on `asOf` (see `peerAnswerRate`). */
  readonly peerAnswerRate?: number | null;
}

/** The median 7-day answer rate of the numbers with enough attempts, or null. */
export function peerAnswerRate(
  all: readonly { days: readonly DayFigures[] }[],
  asOf: string,
  minAttempts: number,
): number | null {
  const rates = all
    .map((n) => sumWindow(n.days, addDays(asOf, -6), asOf))
    .filter((w) => w.attempts >= minAttempts)
    .map((w) => w.answered / w.attempts)
    .sort((a, b) => a - b);
  if (rates.length === 0) return null;
  const mid = Math.floor(rates.length / 2);
  return rates.length % 2 === 1 ? (rates[mid] ?? null) : ((rates[mid - 1] ?? 0) + (rates[mid] ?? 0)) / 2;
}

function distinctOf(days: readonly DayFigures[], pick: (d: DayFigures) => readonly string[]): string[] {
  return [...new Set(days.flatMap(pick))].sort();
}

/** Everything Vigie knows about a number on `asOf`: KPIs, score, status, forecast and conditions. */
export function assessNumber(input: AssessInput): Assessment {
  const { number, asOf } = input;
  const days = input.days.filter((d) => d.day <= asOf);
  const windows = numberWindows(days, asOf);
  const recent = days.filter((d) => d.day >= windows.last28.from);
  const last7 = days.filter((d) => d.day >= windows.last7.from);
  const providers = distinctOf(recent, (d) => d.providers);
  const clients = distinctOf(recent, (d) => d.clients);
  const campaigns = distinctOf(last7.length > 0 ? last7 : recent, (d) => d.campaigns);
  const thresholds = thresholdsFor(input.config, providers, clients);
  const peakRate = (restDay: string): number | null => {
    let peak: number | null = null;
    for (let k = 0; k < 28; k++) {
      const end = addDays(restDay, -k);
      const w = sumWindow(input.days, addDays(end, -6), end);
      if (w.attempts >= thresholds.minAttempts) peak = Math.max(peak ?? 0, w.reports / w.attempts);
    }
    return peak;
  };
  const forecast = forecastReportRate(days, asOf, {
    thresholds: [thresholds.reportRateWarning, thresholds.reportRateCritical],
    minAttempts: thresholds.minAttempts,
  });
  const score = scoreNumber(windows, {
    cap: thresholds.dailyCap,
    minAttempts: thresholds.minAttempts,
    peerAnswerRate: input.peerAnswerRate ?? null,
  });
  // The ramp (if any) sets the cap; it depends only on the operator's actions, not on the data status.
  const operator = resolveStatus('active', input.actions, asOf, thresholds.dailyCap, (d) =>
    damageOf(peakRate(d), thresholds),
  );
  const ramp = operator.ramp;
  const capFor = (day: string) => capOn(day, ramp, thresholds.dailyCap);
  const routing = {
    ...(providers[0] === undefined ? {} : { provider: providers[0] }),
    ...(clients[0] === undefined ? {} : { client: clients[0] }),
  };
  const conditions = numberConditions({
    number,
    windows,
    days,
    thresholds,
    capOn: capFor,
    forecast,
    ...routing,
  });
  const rate7 =
    windows.last7.attempts >= thresholds.minAttempts ? windows.last7.reports / windows.last7.attempts : null;
  const warning = forecast.crossings.find((c) => c.threshold === thresholds.reportRateWarning);
  const data = statusFromData(
    {
      score: score.score,
      reportRate7d: rate7,
      otherConditions: conditions.filter((c) => !c.rule.startsWith('report_rate.')).length,
      warningProjected:
        warning?.state === 'projected' && warning.day !== null && daysBetween(asOf, warning.day) <= 7,
    },
    thresholds,
  );
  const resolved = resolveStatus(data, input.actions, asOf, thresholds.dailyCap, (d) =>
    damageOf(peakRate(d), thresholds),
  );
  const active = days.filter((d) => d.attempts > 0).map((d) => d.day);
  const firstDay = input.firstDay ?? active[0] ?? null;
  const lastDay = input.lastDay ?? active.at(-1) ?? null;
  return {
    number,
    asOf,
    status: resolved.status,
    dataStatus: data,
    score,
    windows,
    kpis7d: windowKpis(windows.last7),
    kpisPrev7d: windowKpis(windows.prev7),
    kpis28d: windowKpis(windows.last28),
    cap: capFor(asOf),
    thresholds,
    providers,
    clients,
    campaigns,
    forecast,
    conditions,
    action: resolved.action,
    ramp,
    recovery: resolved.recovery,
    firstDay,
    lastDay,
    daysSinceFirstUse: firstDay === null ? null : daysBetween(firstDay, asOf),
    daysSinceLastUse: lastDay === null ? null : daysBetween(lastDay, asOf),
  };
}

/** The data status of each day from `from` to `asOf`, for the history of status changes. */
export function statusHistory(
  input: Omit<AssessInput, 'asOf'>,
  from: string,
  to: string,
): { day: string; status: Status; score: number }[] {
  const out: { day: string; status: Status; score: number }[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const a = assessNumber({ ...input, asOf: day });
    out.push({ day, status: a.status, score: a.score.score });
  }
  return out;
}
