import { ratio } from './kpis.ts';
import type { NumberWindows } from './kpis.ts';

export type FactorId =
  | 'reports'
  | 'answer_drop'
  | 'short_calls'
  | 'blocks'
  | 'volume'
  | 'repeat'
  | 'callbacks';

/** One line of the score's explanation: its weight, the measured value, and the calls or reports behind it. */
export interface ScoreFactor {
  readonly id: FactorId;
  readonly label: string;
  /** Points this factor can take off the score (the weights add up to 100). */
  readonly weight: number;
  /** The measured value (a fraction), or null when too few calls say nothing. */
  readonly value: number | null;
  /** 0 (healthy) to 1 (as bad as this factor gets). */
  readonly severity: number;
  /** weight × severity: the points taken off. */
  readonly penalty: number;
  /** The figures behind the value, e.g. `12 signalements / 540 appels`. */
  readonly basis: string;
  readonly calls: number;
  readonly reports: number;
}

export interface Score {
  readonly score: number;
  readonly factors: readonly ScoreFactor[];
}

/** Weights in points (sum 100); docs/reputation.md says why each. */
export const WEIGHTS: Readonly<Record<FactorId, number>> = {
  reports: 40,
  answer_drop: 20,
  short_calls: 10,
  blocks: 10,
  volume: 10,
  repeat: 5,
  callbacks: 5,
};

/** Pseudo-attempts added to the report rate's denominator, so that 1 report in 3 calls is not 33 %. */
export const REPORT_PRIOR_ATTEMPTS = 20;
/** Report rate (shrunk) at which the reports factor takes all its weight. */
export const REPORT_RATE_FULL = 0.05;
/** Answer-rate loss, against the number's own baseline, at which the factor takes all its weight. */
export const ANSWER_DROP_FULL = 0.15;

function clamp01(x: number): number {
  if (!Number.isFinite(x) || x <= 0) return 0;
  return Math.min(x, 1);
}

function factor(
  id: FactorId,
  label: string,
  value: number | null,
  severity: number,
  basis: string,
  calls: number,
  reports = 0,
): ScoreFactor {
  const weight = WEIGHTS[id];
  const s = value === null ? 0 : clamp01(severity);
  return { id, label, weight, value, severity: s, penalty: weight * s, basis, calls, reports };
}

export interface ScoreOptions {
  readonly cap: number;
  readonly minAttempts: number;
  /** The median 7-day answer rate of the other numbers: a number burnt from its first day has no own baseline. */
  readonly peerAnswerRate?: number | null;
}

/**
 * The reputation score 0–100 of a number from its windows: 100 minus each factor's penalty. Each
 * factor reads only its own figures, so more reports raise only the reports penalty: the score never
 * rises with reports.
 */
export function scoreNumber(w: NumberWindows, options: ScoreOptions): Score {
  const l = w.last7;
  const enough = l.attempts >= options.minAttempts;
  const shrunk = l.reports / (l.attempts + REPORT_PRIOR_ATTEMPTS);
  const answerNow = ratio(l.answered, l.attempts);
  const ownBase =
    w.baseline.attempts >= options.minAttempts ? ratio(w.baseline.answered, w.baseline.attempts) : null;
  const peer = options.peerAnswerRate ?? null;
  const answerBase = ownBase === null ? peer : peer === null ? ownBase : Math.max(ownBase, peer);
  const drop = enough && answerNow !== null && answerBase !== null ? answerBase - answerNow : null;
  const shortShare = l.answered >= 20 ? ratio(l.shortAnswered, l.answered) : null;
  const blockedShare = enough ? ratio(l.blocked + l.failedZero, l.attempts) : null;
  const perDay = l.activeDays > 0 ? l.attempts / l.activeDays : null;
  const repeatShare = l.callees > 0 ? ratio(l.repeatCallees, l.callees) : null;
  // Call-backs count only where the provider sends inbound records at all (some in 28 days).
  const callbackRate = enough && w.last28.callbacks > 0 ? ratio(l.callbacks, l.attempts) : null;
  const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
  const factors = [
    factor(
      'reports',
      'signalements ÷ appels (7 j)',
      l.attempts + l.reports > 0 ? shrunk : null,
      shrunk / REPORT_RATE_FULL,
      `${l.reports} signalements / ${l.attempts} appels`,
      l.attempts,
      l.reports,
    ),
    factor(
      'answer_drop',
      'baisse du taux de décroché (7 j contre j-27…j-7 ou la médiane des numéros)',
      drop,
      (drop ?? 0) / ANSWER_DROP_FULL,
      `${pct(answerNow)} (${l.answered}/${l.attempts}) contre ${pct(answerBase)} (${answerBase !== null && answerBase === peer ? 'médiane des autres numéros' : `${w.baseline.answered}/${w.baseline.attempts}`})`,
      l.attempts + w.baseline.attempts,
    ),
    factor(
      'short_calls',
      'appels décrochés de moins de 6 s (7 j)',
      shortShare,
      ((shortShare ?? 0) - 0.08) / 0.22,
      `${l.shortAnswered} courts / ${l.answered} décrochés`,
      l.answered,
    ),
    factor(
      'blocks',
      'appels bloqués, rejetés ou échoués à 0 s (7 j)',
      blockedShare,
      ((blockedShare ?? 0) - 0.1) / 0.12,
      `${l.blocked} bloqués/rejetés + ${l.failedZero} échecs à 0 s / ${l.attempts} appels`,
      l.attempts,
    ),
    factor(
      'volume',
      'appels par jour d’activité ÷ plafond (7 j)',
      perDay === null ? null : perDay / options.cap,
      ((perDay ?? 0) / options.cap - 0.8) / 0.7,
      `${l.attempts} appels en ${l.activeDays} j, plafond ${options.cap}`,
      l.attempts,
    ),
    factor(
      'repeat',
      'appelés 3 fois ou plus en 7 jours',
      repeatShare,
      (repeatShare ?? 0) / 0.2,
      `${l.repeatCallees} appelés-jours sous pression / ${l.callees}`,
      l.callees,
    ),
    factor(
      'callbacks',
      'rappels entrants ÷ appels (7 j)',
      callbackRate,
      (0.025 - (callbackRate ?? 0.025)) / 0.02,
      `${l.callbacks} rappels / ${l.attempts} appels`,
      l.attempts,
    ),
  ];
  const penalty = factors.reduce((sum, f) => sum + f.penalty, 0);
  const score = Math.max(0, Math.min(100, Math.round(100 - penalty)));
  return { score, factors };
}
