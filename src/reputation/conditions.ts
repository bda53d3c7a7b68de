import type { AlertCondition } from '../alerts/model.ts';
import { addDays, daysBetween } from './dates.ts';
import type { Forecast } from './forecast.ts';
import { type NumberWindows, ratio } from './kpis.ts';
import type { DayFigures, Thresholds } from './model.ts';

/** The answer-rate drop must also be more than chance: a two-proportion z of at least this. */
export const ANSWER_DROP_MIN_Z = 1.96;

function dropZ(a1: number, n1: number, a2: number, n2: number): number {
  const p = (a1 + a2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  return se > 0 ? (a2 / n2 - a1 / n1) / se : 0;
}

const pct = (x: number) => `${(x * 100).toFixed(1).replace('.', ',')} %`;

export interface ConditionInput {
  readonly number: string;
  readonly windows: NumberWindows;
  /** The number's days, at least the 7 ending on `windows.asOf`. */
  readonly days: readonly DayFigures[];
  readonly thresholds: Thresholds;
  /** The cap on each day (the ramp's while a resumed number ramps up). */
  readonly capOn: (day: string) => number;
  readonly forecast: Forecast | null;
  readonly client?: string;
  readonly provider?: string;
}

/**
 * The alert conditions of one caller ID on `asOf` (product.md "What it computes" 3): each holds or
 * not from the 7-day windows ending that day, with the days and figures that fired it.
 */
export function numberConditions(input: ConditionInput): AlertCondition[] {
  const { number, windows: w, thresholds: t } = input;
  const out: AlertCondition[] = [];
  const routing = {
    ...(input.client === undefined ? {} : { client: input.client }),
    ...(input.provider === undefined ? {} : { provider: input.provider }),
  };
  const inLast7 = input.days
    .filter((d) => d.day >= w.last7.from && d.day <= w.last7.to)
    .sort((a, b) => (a.day < b.day ? -1 : 1));
  const daily = inLast7.map((d) => ({
    day: d.day,
    attempts: d.attempts,
    answered: d.answered,
    reports: d.reports,
  }));
  const window = { from: w.last7.from, to: w.last7.to };

  const now = ratio(w.last7.answered, w.last7.attempts);
  const before = ratio(w.prev7.answered, w.prev7.attempts);
  if (
    now !== null &&
    before !== null &&
    w.last7.attempts >= t.minAttempts &&
    w.prev7.attempts >= t.minAttempts &&
    before - now > t.answerRateDrop &&
    dropZ(w.last7.answered, w.last7.attempts, w.prev7.answered, w.prev7.attempts) >= ANSWER_DROP_MIN_Z
  ) {
    out.push({
      rule: 'answer_rate.drop',
      subject: number,
      severity: 'warning',
      message: `Taux de décroché sur 7 jours à ${pct(now)} contre ${pct(before)} les 7 jours précédents (−${((before - now) * 100).toFixed(1).replace('.', ',')} points)`,
      evidence: {
        asOf: w.asOf,
        window,
        previous: { from: w.prev7.from, to: w.prev7.to },
        answerRate: now,
        previousAnswerRate: before,
        answered: w.last7.answered,
        attempts: w.last7.attempts,
        previousAnswered: w.prev7.answered,
        previousAttempts: w.prev7.attempts,
        threshold: t.answerRateDrop,
        days: daily,
      },
      ...routing,
    });
  }

  const rate = ratio(w.last7.reports, w.last7.attempts);
  if (rate !== null && w.last7.attempts >= t.minAttempts) {
    const evidence = {
      asOf: w.asOf,
      window,
      reportRate: rate,
      reports: w.last7.reports,
      attempts: w.last7.attempts,
      days: daily,
    };
    if (rate >= t.reportRateCritical) {
      out.push({
        rule: 'report_rate.critical',
        subject: number,
        severity: 'critical',
        message: `Taux de signalement sur 7 jours à ${pct(rate)} (${w.last7.reports} signalements pour ${w.last7.attempts} appels), seuil critique ${pct(t.reportRateCritical)}`,
        evidence: { ...evidence, threshold: t.reportRateCritical },
        ...routing,
      });
    }
    if (rate >= t.reportRateWarning) {
      out.push({
        rule: 'report_rate.warning',
        subject: number,
        severity: 'warning',
        message: `Taux de signalement sur 7 jours à ${pct(rate)} (${w.last7.reports} signalements pour ${w.last7.attempts} appels), seuil ${pct(t.reportRateWarning)}`,
        evidence: { ...evidence, threshold: t.reportRateWarning },
        ...routing,
      });
    } else if (
      t.forecastHorizonDays > 0 &&
      input.forecast !== null &&
      rate - 1.28 * Math.sqrt((rate * (1 - rate)) / w.last7.attempts) >= t.reportRateWarning / 2
    ) {
      // Early warning only when the rate is, at 90 % confidence, already half-way to the threshold.
      const crossing = input.forecast.crossings.find((c) => c.threshold === t.reportRateWarning);
      if (
        crossing?.state === 'projected' &&
        crossing.day !== null &&
        daysBetween(w.asOf, crossing.day) <= t.forecastHorizonDays
      ) {
        out.push({
          rule: 'report_rate.warning',
          subject: number,
          severity: 'info',
          message: `Taux de signalement sur 7 jours à ${pct(rate)} : au rythme actuel il atteindrait ${pct(t.reportRateWarning)} le ${crossing.day} (entre ${crossing.earliest ?? '?'} et ${crossing.latest ?? 'plus tard'})`,
          evidence: {
            ...evidence,
            threshold: t.reportRateWarning,
            projected: true,
            forecast: {
              day: crossing.day,
              earliest: crossing.earliest,
              latest: crossing.latest,
              slopePerDay: input.forecast.slopePerDay,
            },
          },
          ...routing,
        });
      }
    }
  }

  const lastActive = inLast7.filter((d) => d.attempts > 0).at(-1);
  if (lastActive !== undefined) {
    const over = inLast7.filter((d) => d.attempts > input.capOn(d.day));
    const cap = input.capOn(lastActive.day);
    if (lastActive.attempts > cap) {
      out.push({
        rule: 'volume.daily_cap',
        subject: number,
        severity: 'warning',
        message: `${lastActive.attempts} appels le ${lastActive.day} pour un plafond de ${cap} par jour (${over.length} jour(s) au-dessus sur 7)`,
        evidence: {
          asOf: w.asOf,
          day: lastActive.day,
          attempts: lastActive.attempts,
          cap,
          daysOverCap: over.map((d) => ({ day: d.day, attempts: d.attempts, cap: input.capOn(d.day) })),
        },
        ...routing,
      });
    }
    const pooledDays = inLast7.filter((d) => d.clients.length > 1 || d.campaigns.length > 1);
    if (lastActive.clients.length > 1 || lastActive.campaigns.length > 1) {
      out.push({
        rule: 'number.pooled',
        subject: number,
        severity: 'warning',
        message: `Numéro utilisé le ${lastActive.day} pour ${lastActive.clients.length} clients (${lastActive.clients.join(', ')}) et ${lastActive.campaigns.length} campagnes (${lastActive.campaigns.join(', ')})`,
        evidence: {
          asOf: w.asOf,
          day: lastActive.day,
          clients: lastActive.clients,
          campaigns: lastActive.campaigns,
          providers: lastActive.providers,
          pooledDays: pooledDays.map((d) => ({ day: d.day, clients: d.clients, campaigns: d.campaigns })),
        },
        ...routing,
      });
    }
  }
  return out;
}

/** Each provider's last day with calls, and the days it sent calls in the 28 days before `asOf`. */
export interface ProviderActivity {
  readonly provider: string;
  readonly lastDay: string;
  readonly activeDays28: number;
}

/** `reporting.missing`: a provider that sent calls in the 28 days before has sent none for `reportingGapDays`. */
export function providerConditions(
  activity: readonly ProviderActivity[],
  asOf: string,
  thresholdsOf: (provider: string) => Thresholds,
): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const p of activity) {
    const gap = thresholdsOf(p.provider).reportingGapDays;
    const silent = daysBetween(p.lastDay, asOf);
    if (p.lastDay > asOf || silent < gap || p.lastDay < addDays(asOf, -28) || p.activeDays28 === 0) continue;
    out.push({
      rule: 'reporting.missing',
      subject: `provider:${p.provider}`,
      severity: 'warning',
      message: `Aucun appel reçu de ${p.provider} depuis le ${p.lastDay} (${silent} jours)`,
      evidence: {
        asOf,
        lastDay: p.lastDay,
        silentDays: silent,
        activeDays28: p.activeDays28,
        threshold: gap,
      },
      provider: p.provider,
    });
  }
  return out;
}
