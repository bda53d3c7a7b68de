/** Caller IDs: the list, one number's file, and the operator's actions on it. */
import { z } from 'zod';
import { type InboxAlert, listAlerts } from '../alerts/inbox.ts';
import { addDays } from '../reputation/dates.ts';
import { type Assessment, assessNumber, peerAnswerRate, statusHistory } from '../reputation/evaluate.ts';
import { type ActionRecord, type DayFigures, STATUSES, type Status } from '../reputation/model.ts';
import { loadActions, loadDays, loadUse } from '../reputation/queries.ts';
import {
  actionsStanding,
  assessAllWithDays,
  recordAction,
  resolveAsOf,
  updateReputation,
} from '../reputation/service.ts';
import { type AlertJson, alertJson, visibleAlert } from './alerts.ts';
import { performAction } from './audit-log.ts';
import { memo, parisDay, requireOperator, requireReader, type ServiceContext } from './context.ts';
import { notFound, ServiceError } from './errors.ts';
import {
  dayField,
  displayNumber,
  nameField,
  numberSearch,
  type Page,
  pageFields,
  paginate,
  phoneInput,
  textField,
  validate,
} from './input.ts';
import { numberViolations, type ViolationJson } from './violations.ts';

const round = (x: number | null, digits = 4) =>
  x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;

/** The public JSON of a number as `vigie numbers --json` prints it (field names are a contract). */
export function numberJson(a: Assessment) {
  return {
    number: a.number,
    display: displayNumber(a.number),
    asOf: a.asOf,
    status: a.status,
    dataStatus: a.dataStatus,
    score: a.score.score,
    answerRate7d: round(a.kpis7d.answerRate),
    answerRate28d: round(a.kpis28d.answerRate),
    reportRate7d: round(a.kpis7d.reportRate),
    reports7d: a.windows.last7.reports,
    attempts7d: a.windows.last7.attempts,
    attemptsPerDay7d: round(a.kpis7d.attemptsPerDay, 1),
    cap: a.cap,
    avgTalkSeconds7d: round(a.kpis7d.avgTalkSeconds, 1),
    avgTalkSeconds28d: round(a.kpis28d.avgTalkSeconds, 1),
    shortShare7d: round(a.kpis7d.shortShare),
    blockedShare7d: round(a.kpis7d.blockedShare),
    callbackRate7d: round(a.kpis7d.callbackRate),
    repeatShare7d: round(a.kpis7d.repeatShare),
    providers: a.providers,
    clients: a.clients,
    campaigns: a.campaigns,
    firstDay: a.firstDay,
    lastDay: a.lastDay,
    daysSinceFirstUse: a.daysSinceFirstUse,
    daysSinceLastUse: a.daysSinceLastUse,
    expectedRecoveryDate: a.recovery?.earliest ?? null,
    expectedRecovery: a.recovery,
    forecast: a.forecast.crossings.map((c) => ({
      threshold: c.threshold,
      state: c.state,
      day: c.day,
      earliest: c.earliest,
      latest: c.latest,
    })),
    conditions: a.conditions.map((c) => ({ rule: c.rule, severity: c.severity, message: c.message })),
  };
}

export interface SparkPoint {
  readonly day: string;
  readonly answerRate: number | null;
  readonly attempts: number;
}

export type NumberItem = ReturnType<typeof numberJson> & { readonly sparkline: readonly SparkPoint[] };

/** The last 28 days' answer rate, every day present (0 attempts: null rate). */
function sparkline(days: readonly DayFigures[] | undefined, asOf: string): SparkPoint[] {
  const byDay = new Map((days ?? []).map((d) => [d.day, d]));
  const out: SparkPoint[] = [];
  for (let k = 27; k >= 0; k--) {
    const day = addDays(asOf, -k);
    const d = byDay.get(day);
    out.push({
      day,
      attempts: d?.attempts ?? 0,
      answerRate: d === undefined || d.attempts === 0 ? null : round(d.answered / d.attempts),
    });
  }
  return out;
}

export interface Assessed {
  readonly asOf: string;
  readonly assessments: readonly Assessment[];
  readonly byNumber: ReadonlyMap<string, Assessment>;
  readonly items: readonly NumberItem[];
}

/** Every number assessed on `asOf` (the latest day with calls by default), kept until the next write. */
export async function assessed(ctx: ServiceContext, asOf?: string): Promise<Assessed | undefined> {
  const day = await resolveAsOf(ctx.reader, asOf);
  if (day === undefined) return undefined;
  return memo(ctx, `assessed:${day}`, async () => {
    const { assessments, days } = await assessAllWithDays(ctx.reader, day, ctx.config.reputation, {
      laterActions: asOf === undefined,
    });
    return {
      asOf: day,
      assessments,
      byNumber: new Map(assessments.map((a) => [a.number, a])),
      items: assessments.map((a) => ({ ...numberJson(a), sparkline: sparkline(days.get(a.number), day) })),
    };
  });
}

/** Whether the actor's scope covers a number (providers and clients it was used by). */
export function visibleNumber(
  ctx: ServiceContext,
  a: { providers: readonly string[]; clients: readonly string[] },
): boolean {
  const { provider, client } = ctx.actor;
  return (
    (provider === null || a.providers.includes(provider)) && (client === null || a.clients.includes(client))
  );
}

export const NumbersQuery = z.object({
  provider: nameField.optional(),
  client: nameField.optional(),
  campaign: nameField.optional(),
  status: z.enum(STATUSES).optional(),
  q: z.string().max(40).optional(),
  asOf: dayField.optional(),
  ...pageFields(10_000, 10_000),
});
export type NumbersQuery = z.input<typeof NumbersQuery>;

/** `vigie numbers` and `GET /api/v1/numbers`: the numbers in the actor's scope, filtered, by number. */
export async function listNumbers(
  ctx: ServiceContext,
  input: NumbersQuery = {},
): Promise<Page<NumberItem> & { asOf: string | null }> {
  requireReader(ctx);
  const q = validate(NumbersQuery, input);
  const all = await assessed(ctx, q.asOf);
  if (all === undefined) return { asOf: null, items: [], nextCursor: null };
  const search = q.q === undefined ? undefined : numberSearch(q.q);
  const list = all.items.filter(
    (n) =>
      visibleNumber(ctx, n) &&
      (q.provider === undefined || n.providers.includes(q.provider)) &&
      (q.client === undefined || n.clients.includes(q.client)) &&
      (q.campaign === undefined || n.campaigns.includes(q.campaign)) &&
      (q.status === undefined || n.status === q.status) &&
      (search === undefined || search(n.number)),
  );
  return { asOf: all.asOf, ...paginate(list, q.limit, q.cursor) };
}

export interface StatusChange {
  readonly day: string;
  readonly from: Status | null;
  readonly to: Status;
  readonly score: number;
  readonly author: string;
  readonly reason: string;
}

export interface Assignment {
  readonly client: string;
  readonly provider: string | null;
  readonly campaign: string | null;
  readonly valid_from: string | null;
  readonly valid_to: string | null;
  readonly dedicated: boolean;
}

export type NumberDetail = NumberItem & {
  readonly factors: Assessment['score']['factors'];
  readonly forecastDetail: Assessment['forecast'];
  readonly ramp: Assessment['ramp'];
  readonly daily: readonly Record<string, unknown>[];
  readonly alerts: readonly AlertJson[];
  readonly assignments: readonly Assignment[];
  readonly actions: readonly ActionRecord[];
  readonly statusChanges: readonly StatusChange[];
  readonly violations: readonly ViolationJson[];
};

const NumberQuery = z.object({ number: z.string().min(1).max(40), asOf: dayField.optional() });

/** `vigie number show` and `GET /api/v1/numbers/{number}`: one number's file. */
export async function getNumber(
  ctx: ServiceContext,
  input: { number: string; asOf?: string | undefined },
): Promise<NumberDetail> {
  requireReader(ctx);
  const q = validate(NumberQuery, input);
  const number = phoneInput(q.number);
  const store = ctx.reader;
  const unknown = () =>
    notFound(`${displayNumber(number)} : aucune donnée`, `${number}: no calls, reports or actions`);
  const asOf = await resolveAsOf(store, q.asOf);
  if (asOf === undefined) throw unknown();
  const cfg = ctx.config.reputation;
  const days = (await loadDays(store, '1900-01-01', asOf, number)).get(number) ?? [];
  const stored = await loadActions(store, number);
  const actions = q.asOf === undefined ? actionsStanding(stored, asOf) : stored;
  if (days.length === 0 && actions.length === 0) throw unknown();
  const use = (await loadUse(store)).get(number);
  const all = await assessed(ctx, q.asOf === undefined ? undefined : asOf);
  const input2 = {
    number,
    days,
    actions,
    config: cfg,
    firstDay: use?.first ?? null,
    lastDay: use?.last ?? null,
    peerAnswerRate: peerAnswerRate(
      [...(await loadDays(store, addDays(asOf, -6), asOf)).values()].map((list) => ({ days: list })),
      asOf,
      cfg.defaults.minAttempts,
    ),
  };
  const a = all?.byNumber.get(number) ?? assessNumber({ ...input2, asOf });
  // Another provider's (or client's) number is answered as an unknown one.
  if (!visibleNumber(ctx, { providers: a.providers, clients: a.clients })) throw unknown();
  const from = days[0]?.day ?? asOf;
  const earliest = addDays(asOf, -55);
  // biome-ignore lint/complexity/useMathMinMax: ISO days compared as strings; Math.max would turn them into NaN.
  const history = statusHistory(input2, from < earliest ? earliest : from, asOf);
  const statusChanges: StatusChange[] = [];
  let previous: Status | null = null;
  for (const h of history) {
    if (h.status !== previous) {
      const action = actions.filter((x) => x.day === h.day).at(-1);
      statusChanges.push({
        day: h.day,
        from: previous,
        to: h.status,
        score: h.score,
        author: action?.author ?? 'vigie',
        reason: action?.reason ?? `données : score ${h.score}`,
      });
    }
    previous = h.status;
  }
  const alerts: InboxAlert[] = await listAlerts(store, { subject: number }).catch(() => []);
  const assignments = await store
    .all<Assignment & Record<string, unknown>>(
      `SELECT client, provider, campaign, CAST(valid_from AS VARCHAR) AS valid_from,
         CAST(valid_to AS VARCHAR) AS valid_to, dedicated
       FROM assignments WHERE caller_id = $1 ORDER BY valid_from NULLS FIRST`,
      [number],
    )
    .catch(() => []);
  const daily = days
    .filter((d) => d.day <= asOf)
    .map((d) => ({
      day: d.day,
      attempts: d.attempts,
      answered: d.answered,
      answerRate: round(d.attempts > 0 ? d.answered / d.attempts : null),
      reports: d.reports,
      reportRate: round(d.attempts > 0 ? d.reports / d.attempts : null),
      shortAnswered: d.shortAnswered,
      avgTalkSeconds: round(d.answered > 0 ? d.talkSeconds / d.answered : null, 1),
      blocked: d.blocked,
      failedZero: d.failedZero,
      callbacks: d.callbacks,
      repeatCallees: d.repeatCallees,
      callees: d.callees,
      providers: d.providers,
      clients: d.clients,
      campaigns: d.campaigns,
    }));
  const byDay = new Map(days.map((d) => [d.day, d]));
  return {
    ...numberJson(a),
    sparkline: sparkline([...byDay.values()], asOf),
    factors: a.score.factors,
    forecastDetail: a.forecast,
    ramp: a.ramp,
    daily,
    alerts: alerts.filter((al) => visibleAlert(ctx, al, true)).map(alertJson),
    assignments: assignments.filter(
      (s) =>
        (ctx.actor.provider === null || s.provider === ctx.actor.provider) &&
        (ctx.actor.client === null || s.client === ctx.actor.client),
    ),
    actions,
    statusChanges,
    violations: await numberViolations(ctx, number),
  };
}

export const NumberActionBody = z.object({
  action: z.enum(['suspend', 'rest', 'resume']),
  reason: textField(500),
});
export type NumberActionBody = z.input<typeof NumberActionBody>;

/** `vigie number suspend|rest|resume` and `POST /api/v1/numbers/{number}/actions`. */
export async function actOnNumber(
  ctx: ServiceContext,
  number: string,
  body: NumberActionBody & { day?: string },
): Promise<NumberDetail> {
  requireOperator(ctx);
  const input = validate(NumberActionBody, body);
  const e164 = phoneInput(number);
  const now = ctx.clock();
  const day = body.day ?? parisDay(now);
  const target = await assessed(ctx);
  const known = target?.byNumber.get(e164);
  const actions = await loadActions(ctx.reader, e164);
  if (known === undefined && actions.length === 0)
    throw notFound(`${displayNumber(e164)} : aucune donnée`, `${e164}: no calls, reports or actions`);
  if (known !== undefined && !visibleNumber(ctx, known))
    throw notFound(`${displayNumber(e164)} : aucune donnée`, `${e164}: no calls, reports or actions`);
  await performAction(ctx, `number.${input.action}`, e164, async () => {
    try {
      await recordAction(ctx.store, {
        number: e164,
        action: input.action,
        at: now.toISOString(),
        day,
        author: ctx.actor.name,
        reason: input.reason,
      });
    } catch (error) {
      if (error instanceof ServiceError || !(error instanceof Error) || !('code' in error)) throw error;
      const conflict = error.code === 'CONFLICT';
      if (!conflict) throw error;
      const resting = /resting|suspended/.test(error.message) && !/neither/.test(error.message);
      throw new ServiceError(
        'CONFLICT',
        resting
          ? `${displayNumber(e164)} est déjà ${input.action === 'rest' ? 'au repos' : 'suspendu'}`
          : `${displayNumber(e164)} n'est ni suspendu ni au repos : rien à reprendre`,
        error.message,
      );
    }
    await updateReputation(ctx.store, { config: ctx.config.reputation, now });
    return { result: undefined, detail: { action: input.action, reason: input.reason, day } };
  });
  return getNumber(ctx, { number: e164 });
}
