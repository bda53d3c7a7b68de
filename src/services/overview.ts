/** The "Vue d'ensemble": what a compliance manager looks at first, in the actor's scope. */
import { z } from 'zod';
import { addDays, dayNumber } from '../reputation/dates.ts';
import { STATUSES, type Status } from '../reputation/model.ts';
import { listAlerts } from './alerts.ts';
import { memo, requireReader, type ServiceContext } from './context.ts';
import { type IngestJson, listIngests } from './ingests.ts';
import { dayField, displayNumber, validate } from './input.ts';
import { assessed, visibleNumber } from './numbers.ts';
import { isoWeek, summariseViolations } from './violations.ts';

export interface WeekFigures {
  readonly week: string;
  readonly from: string;
  readonly to: string;
  readonly attempts: number;
  readonly answered: number;
  readonly answerRate: number | null;
  readonly reports: number;
  readonly reportRate: number | null;
}

export interface Overview {
  readonly asOf: string | null;
  readonly numbersByStatus: Record<Status, number>;
  readonly weeks: readonly WeekFigures[];
  readonly providerWeeks: readonly { provider: string; weeks: readonly WeekFigures[] }[];
  readonly openAlerts: { critical: number; warning: number; info: number };
  readonly actToday: readonly {
    number: string;
    display: string;
    status: Status;
    score: number;
    reportRate7d: number | null;
    threshold: number;
    state: string;
    day: string | null;
    earliest: string | null;
    latest: string | null;
    providers: readonly string[];
  }[];
  readonly providers: readonly {
    rank: number;
    provider: string;
    numbers: number;
    attempts7d: number;
    answerRate7d: number | null;
    reportRate7d: number | null;
    meanScore: number;
    atRisk: number;
    violationsThisWeek: number;
  }[];
  readonly violationsThisWeek: {
    week: string | null;
    total: number;
    byRule: readonly { rule: string; count: number }[];
  };
  readonly lastIngests: readonly IngestJson[];
}

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

/** Monday of the ISO week of a day. */
function monday(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

interface DayRow {
  day: string;
  provider: string | null;
  attempts: bigint | number;
  answered: bigint | number;
  reports: bigint | number;
}

/** Per day (and per provider) sums of the rollup over the 8 weeks, for the actor's scope. */
async function weeklyRows(ctx: ServiceContext, from: string, asOf: string) {
  return memo(ctx, `weeks:${from}:${asOf}:${ctx.actor.provider}:${ctx.actor.client}`, async () => {
    const scope: string[] = [];
    const params: Record<string, string> = { from, asOf };
    if (ctx.actor.provider !== null) {
      scope.push('list_contains(providers, $provider)');
      params.provider = ctx.actor.provider;
    }
    if (ctx.actor.client !== null) {
      scope.push('list_contains(clients, $client)');
      params.client = ctx.actor.client;
    }
    const where = `day >= $from::DATE AND day <= $asOf::DATE${scope.map((s) => ` AND ${s}`).join('')}`;
    const total = await ctx.reader.all<DayRow & Record<string, unknown>>(
      `SELECT strftime(day, '%Y-%m-%d') AS day, NULL AS provider, sum(attempts) AS attempts,
         sum(answered) AS answered, sum(reports) AS reports
       FROM reputation_days WHERE ${where} GROUP BY day ORDER BY day`,
      params,
    );
    const perProvider = await ctx.reader.all<DayRow & Record<string, unknown>>(
      `SELECT strftime(day, '%Y-%m-%d') AS day, p.provider, sum(attempts) AS attempts,
         sum(answered) AS answered, sum(reports) AS reports
       FROM reputation_days, unnest(providers) AS p(provider) WHERE ${where}
       ${ctx.actor.provider === null ? '' : 'AND p.provider = $provider'}
       GROUP BY day, p.provider ORDER BY p.provider, day`,
      params,
    );
    return { total, perProvider };
  });
}

function toWeeks(rows: readonly DayRow[], from: string, asOf: string): WeekFigures[] {
  const weeks: WeekFigures[] = [];
  for (let start = from; start <= asOf; start = addDays(start, 7)) {
    const end = addDays(start, 6);
    let attempts = 0;
    let answered = 0;
    let reports = 0;
    for (const r of rows) {
      if (r.day < start || r.day > end) continue;
      attempts += Number(r.attempts);
      answered += Number(r.answered);
      reports += Number(r.reports);
    }
    weeks.push({
      week: isoWeek(start),
      from: start,
      to: end,
      attempts,
      answered,
      answerRate: rate(answered, attempts),
      reports,
      reportRate: rate(reports, attempts),
    });
  }
  return weeks;
}

const OverviewQuery = z.object({ asOf: dayField.optional() });

/** `GET /api/v1/overview`. */
export async function getOverview(ctx: ServiceContext, input: { asOf?: string } = {}): Promise<Overview> {
  requireReader(ctx);
  const q = validate(OverviewQuery, input);
  const all = await assessed(ctx, q.asOf);
  const numbersByStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  const alerts = (await listAlerts(ctx, { state: 'active', limit: 1000 })).items;
  const openAlerts = { critical: 0, warning: 0, info: 0 };
  for (const a of alerts) openAlerts[a.severity]++;
  const lastIngests = (await listIngests(ctx, { limit: 5 })).items;
  if (all === undefined)
    return {
      asOf: null,
      numbersByStatus,
      weeks: [],
      providerWeeks: [],
      openAlerts,
      actToday: [],
      providers: [],
      violationsThisWeek: { week: null, total: 0, byRule: [] },
      lastIngests,
    };
  const asOf = all.asOf;
  const mine = all.assessments.filter((a) => visibleNumber(ctx, a));
  for (const a of mine) numbersByStatus[a.status]++;

  const from = addDays(monday(asOf), -49);
  const rows = await weeklyRows(ctx, from, asOf);
  const weeks = toWeeks(rows.total, from, asOf);
  const providerNames = [...new Set(rows.perProvider.map((r) => r.provider ?? ''))].sort();
  const providerWeeks = providerNames.map((provider) => ({
    provider,
    weeks: toWeeks(
      rows.perProvider.filter((r) => r.provider === provider),
      from,
      asOf,
    ),
  }));

  const actToday = mine
    .filter((a) => a.status !== 'suspended' && a.status !== 'resting')
    .flatMap((a) => {
      const next = a.forecast.crossings
        .filter((c) => c.state === 'projected' && c.day !== null)
        .sort((x, y) => (x.day ?? '').localeCompare(y.day ?? ''))[0];
      return next === undefined ? [] : [{ a, c: next }];
    })
    .sort(
      (x, y) =>
        dayNumber(x.c.day ?? asOf) - dayNumber(y.c.day ?? asOf) ||
        (y.a.kpis7d.reportRate ?? 0) - (x.a.kpis7d.reportRate ?? 0) ||
        x.a.number.localeCompare(y.a.number),
    )
    .slice(0, 5)
    .map(({ a, c }) => ({
      number: a.number,
      display: displayNumber(a.number),
      status: a.status,
      score: a.score.score,
      reportRate7d: a.kpis7d.reportRate === null ? null : Math.round(a.kpis7d.reportRate * 10_000) / 10_000,
      threshold: c.threshold,
      state: c.state,
      day: c.day,
      earliest: c.earliest,
      latest: c.latest,
      providers: a.providers,
    }));

  const week = isoWeek(asOf);
  const violations = await summariseViolations(ctx, { week, limit: 1 });
  const perProvider = new Map<
    string,
    { numbers: number; attempts: number; answered: number; reports: number; score: number; atRisk: number }
  >();
  for (const a of mine)
    for (const p of a.providers) {
      if (ctx.actor.provider !== null && p !== ctx.actor.provider) continue;
      const s = perProvider.get(p) ?? {
        numbers: 0,
        attempts: 0,
        answered: 0,
        reports: 0,
        score: 0,
        atRisk: 0,
      };
      s.numbers++;
      s.attempts += a.windows.last7.attempts;
      s.answered += a.windows.last7.answered;
      s.reports += a.windows.last7.reports;
      s.score += a.score.score;
      if (a.status === 'at_risk' || a.status === 'compromised') s.atRisk++;
      perProvider.set(p, s);
    }
  const providers = [...perProvider.entries()]
    .map(([provider, s]) => ({
      provider,
      numbers: s.numbers,
      attempts7d: s.attempts,
      answerRate7d: rate(s.answered, s.attempts),
      reportRate7d: rate(s.reports, s.attempts),
      meanScore: Math.round(s.score / s.numbers),
      atRisk: s.atRisk,
      violationsThisWeek: violations.byProvider.find((v) => v.provider === provider)?.count ?? 0,
    }))
    .sort(
      (x, y) =>
        y.meanScore - x.meanScore ||
        (x.reportRate7d ?? 0) - (y.reportRate7d ?? 0) ||
        x.provider.localeCompare(y.provider),
    )
    .map((p, i) => ({ rank: i + 1, ...p }));

  return {
    asOf,
    numbersByStatus,
    weeks,
    providerWeeks,
    openAlerts,
    actToday,
    providers,
    violationsThisWeek: { week, total: violations.total, byRule: violations.byRule },
    lastIngests,
  };
}
