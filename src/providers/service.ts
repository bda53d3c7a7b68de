import { type AuditFacts, auditStoredFindings, type StoredAuditFilter } from '../audit/stored.ts';
import type { LawFacts } from '../law/evaluate.ts';
import { DEFAULT_RULES, type RuleSet } from '../law/rules.ts';
import { zonedToUtc } from '../law/time.ts';
import type { RegistryLookup } from '../registry/registry-index.ts';
import { RegistryIndex } from '../registry/registry-index.ts';
import { loadStoredRegistry } from '../registry/store.ts';
import { addDays } from '../reputation/dates.ts';
import {
  DEFAULT_THRESHOLDS,
  type ReputationConfig,
  DEFAULT_CONFIG as REPUTATION_DEFAULTS,
  type Status,
} from '../reputation/model.ts';
import type { ActionRecord } from '../reputation/model.ts';
import { loadActions, loadDays } from '../reputation/queries.ts';
import { assessAll, refreshReputation } from '../reputation/service.ts';
import { UsageError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import type { Organisation } from './model.ts';
import {
  callSites,
  callerUses,
  inboundCounts,
  mysteryAudits,
  readIssue,
  watermarkOf,
  writeIssue,
} from './queries.ts';
import {
  buildScorecard,
  type NumberDay,
  type Scorecard,
  type ScorecardInput,
  type ViolationFact,
} from './scorecard.ts';
import { type IsoWeek, parseIsoWeek, weekOfDay, weeksBefore } from './week.ts';

/** What every provider verb receives: the store, the organisation file as loaded, the clock and the law's facts. */
export interface ProvidersContext {
  readonly store: Store;
  readonly organisation: Organisation;
  readonly now: () => Date;
  /** The law engine's facts over a registry (the numbering data in use); the CLI passes its own. */
  readonly lawFacts: (registry: RegistryLookup) => LawFacts;
  readonly rules?: RuleSet;
}

export function dayStart(day: string): number {
  return zonedToUtc(
    { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) },
    'Europe/Paris',
  );
}

/** The week asked (`2026-W47`), else the last full week before today (Europe/Paris). */
export function resolveWeek(text: string | undefined, now: Date): IsoWeek {
  if (text !== undefined) {
    const week = parseIsoWeek(text);
    if (week === undefined) throw new UsageError(`--week: not an ISO week "${text}" (e.g. 2026-W47)`);
    return week;
  }
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now);
  return weeksBefore(weekOfDay(today), 1);
}

/** The reputation thresholds with each provider contract's overrides (and its daily cap). */
export function reputationConfigOf(org: Organisation): ReputationConfig {
  const providers: Record<string, Partial<typeof DEFAULT_THRESHOLDS>> = {};
  for (const p of org.providers)
    providers[p.id] = { dailyCap: p.contract.dailyCap, ...p.contract.thresholds };
  return { ...REPUTATION_DEFAULTS, providers };
}

/** The first day whose breaches a week's penalties depend on: the 1st of its first month, or the Monday before. */
export function periodStartOf(week: IsoWeek): string {
  const monthStart = `${week.monday.slice(0, 7)}-01`;
  const before = addDays(week.monday, -7);
  return monthStart < before ? monthStart : before;
}

/** The law engine's findings among the stored calls of [from, to), with the stored registry. */
async function storedViolations(ctx: ProvidersContext, from: string, to: number): Promise<ViolationFact[]> {
  const { store } = ctx;
  const index = new RegistryIndex(
    await loadStoredRegistry(store, undefined, ['consultations', 'assignments', 'campaigns']),
  );
  const facts: AuditFacts = { ...ctx.lawFacts(index), streamRegistry: true };
  const filter: StoredAuditFilter = { from: new Date(dayStart(from)), to: new Date(to) };
  const audit = await auditStoredFindings(store, facts, ctx.rules ?? DEFAULT_RULES, filter);
  const sites = await callSites(store, dayStart(from), to);
  const paris = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' });
  const out: ViolationFact[] = [];
  for (const i of audit.order) {
    const v = audit.findings.at(i);
    if (v.severity !== 'violation') continue;
    out.push({
      provider: v.provider,
      site: sites.get(`${v.provider}\u0000${v.callId}`) ?? null,
      client: v.client,
      rule: v.rule,
      day: paris.format(new Date(v.startedAt)),
      callId: v.callId,
      callerId: v.caller,
    });
  }
  return out;
}

/** Everything a week's scorecard is computed from, read from the store. */
export async function scorecardInput(
  ctx: ProvidersContext,
  week: IsoWeek,
  client: string | undefined,
): Promise<ScorecardInput> {
  const { store, organisation } = ctx;
  if (!store.readOnly) await refreshReputation(store);
  const periodStart = periodStartOf(week);
  const from = dayStart(periodStart);
  const config = reputationConfigOf(organisation);
  const days = await loadDays(store, addDays(periodStart, -7), week.sunday);
  const numberDays: NumberDay[] = [];
  for (const [callerId, list] of days)
    for (const d of list) numberDays.push({ callerId, day: d.day, attempts: d.attempts, reports: d.reports });
  const statuses = new Map<string, Status>();
  for (const a of await assessAll(store, week.sunday, config)) statuses.set(a.number, a.status);
  return {
    week,
    organisation,
    periodStart,
    uses: await callerUses(store, from, week.to),
    numberDays,
    violations: await storedViolations(ctx, periodStart, week.to),
    inbound: await inboundCounts(store, from, week.to),
    mystery: await mysteryAudits(store, week.monday, week.sunday),
    statuses,
    burntRate: (p) =>
      organisation.providers.find((x) => x.id === p)?.contract.thresholds.reportRateCritical ??
      DEFAULT_THRESHOLDS.reportRateCritical,
    minAttempts: DEFAULT_THRESHOLDS.minAttempts,
    ...(client === undefined ? {} : { client }),
    dayStart,
  };
}

/** `vigie providers` and `GET /api/v1/providers`: the week's scorecards. */
export async function scorecards({
  ctx,
  input,
}: {
  ctx: ProvidersContext;
  input: { week?: string; client?: string };
}): Promise<Scorecard> {
  const week = resolveWeek(input.week, ctx.now());
  if (
    input.client !== undefined &&
    ctx.organisation.clients.length > 0 &&
    !ctx.organisation.clients.some((c) => c.id === input.client)
  )
    throw new UsageError(`--client: unknown client "${input.client}" (${ctx.organisation.file})`);
  return buildScorecard(await scorecardInput(ctx, week, input.client));
}

/** One caller ID in a weekly report: its week, its status, the actions taken and its last 8 weeks. */
export interface ReportNumber {
  readonly callerId: string;
  readonly providers: readonly string[];
  readonly attempts: number;
  readonly answered: number;
  readonly answerRate: number | null;
  readonly reports: number;
  readonly reportRate: number | null;
  readonly status: Status | null;
  readonly actions: readonly ActionRecord[];
  readonly history: readonly {
    week: string;
    attempts: number;
    answerRate: number | null;
    reportRate: number | null;
  }[];
}

export interface ReportFigures {
  readonly [provider: string]: {
    readonly attempts: number;
    readonly answered: number;
    readonly violations: number;
    readonly breaches: number;
    readonly penaltiesDueCents: number;
  };
}

/** A closed week's report issued before and changed since by a late file: what it said, what it says. */
export interface Revision {
  readonly issuedAt: string;
  readonly differences: readonly { provider: string; field: string; before: number; after: number }[];
}

export interface WeeklyReport {
  readonly week: string;
  readonly from: string;
  readonly to: string;
  readonly provider: string | null;
  readonly client: string | null;
  readonly generatedAt: string;
  readonly scorecard: Scorecard;
  readonly numbers: readonly ReportNumber[];
  readonly violations: readonly ViolationFact[];
  readonly revision: Revision | null;
}

function figuresOf(s: Scorecard): ReportFigures {
  const out: Record<string, ReportFigures[string]> = {};
  for (const c of s.providers) {
    out[c.provider ?? ''] = {
      attempts: c.attempts,
      answered: c.answered,
      violations: c.violations,
      breaches: Object.values(c.clauseBreaches).reduce((a, b) => a + b, 0),
      penaltiesDueCents: c.penalties?.dueCents ?? 0,
    };
  }
  return out;
}

/** The differences between two reports' figures, provider by provider (pure). */
export function diffFigures(before: ReportFigures, after: ReportFigures): Revision['differences'] {
  const out: { provider: string; field: string; before: number; after: number }[] = [];
  for (const provider of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[provider];
    const a = after[provider];
    for (const field of ['attempts', 'answered', 'violations', 'breaches', 'penaltiesDueCents'] as const) {
      const x = b?.[field] ?? 0;
      const y = a?.[field] ?? 0;
      if (x !== y) out.push({ provider, field, before: x, after: y });
    }
  }
  return out;
}

/** What a provider may see of a scorecard: its own cards, breaches and numbers, and no other provider's. */
export function scopeToProvider(s: Scorecard, provider: string): Scorecard {
  return {
    ...s,
    providers: s.providers.filter((c) => c.provider === provider),
    sites: s.sites.filter((c) => c.provider === provider),
    clients: [],
    pooling: s.pooling
      .filter((p) => p.parties.some((party) => party.provider === provider))
      .map((p) => ({
        ...p,
        parties: p.parties.map((party) =>
          party.provider === provider
            ? party
            : {
                ...party,
                provider: '(autre prestataire / other provider)',
                campaign: null,
                firstCallId: null,
                lastCallId: null,
              },
        ),
        assignments: p.assignments.filter((a) => a.provider === provider),
      })),
    breaches: s.breaches.filter((b) => b.provider === provider),
    serviceBuckets: s.serviceBuckets.filter((b) => b.provider === provider),
    transferFlags: s.transferFlags.filter((f) => f.provider === provider),
  };
}

/** `vigie report` and `GET /api/v1/reports/weekly`: the weekly report of a provider, a client or everyone. */
export async function weeklyReport({
  ctx,
  input,
}: {
  ctx: ProvidersContext;
  input: { week?: string; provider?: string; client?: string };
}): Promise<WeeklyReport> {
  const week = resolveWeek(input.week, ctx.now());
  const { store, organisation } = ctx;
  if (
    input.provider !== undefined &&
    organisation.providers.length > 0 &&
    !organisation.providers.some((p) => p.id === input.provider)
  )
    throw new UsageError(`--provider: unknown provider "${input.provider}" (${organisation.file})`);
  const source = await scorecardInput(ctx, week, input.client);
  const full = buildScorecard(source);
  const scorecard = input.provider === undefined ? full : scopeToProvider(full, input.provider);
  const mine = <T extends { provider: string; client: string | null }>(t: T) =>
    (input.provider === undefined || t.provider === input.provider) &&
    (input.client === undefined || t.client === input.client);
  const first = weeksBefore(week, 7);
  const uses = (await callerUses(store, first.from, week.to)).filter(mine);
  const days = await loadDays(store, first.monday, week.sunday);
  const reportsOf = new Map<string, number>();
  for (const [n, list] of days) for (const d of list) reportsOf.set(`${n} ${d.day}`, d.reports);
  const statuses = source.statuses;
  const actions = await loadActions(store);
  const byNumber = new Map<string, typeof uses>();
  for (const u of uses) {
    const l = byNumber.get(u.callerId) ?? [];
    l.push(u);
    byNumber.set(u.callerId, l);
  }
  const weeks = Array.from({ length: 8 }, (_, i) => weeksBefore(week, 7 - i));
  const numbers: ReportNumber[] = [];
  for (const [callerId, list] of [...byNumber].sort(([a], [b]) => a.localeCompare(b))) {
    const sum = (w: IsoWeek) => {
      const inWeek = list.filter((u) => u.day >= w.monday && u.day <= w.sunday);
      const attempts = inWeek.reduce((s, u) => s + u.attempts, 0);
      const answered = inWeek.reduce((s, u) => s + u.answered, 0);
      let reports = 0;
      for (const d of new Set(inWeek.map((u) => u.day))) reports += reportsOf.get(`${callerId} ${d}`) ?? 0;
      return { attempts, answered, reports };
    };
    const now = sum(week);
    if (now.attempts === 0) continue;
    numbers.push({
      callerId,
      providers: [...new Set(list.filter((u) => u.day >= week.monday).map((u) => u.provider))].sort(),
      attempts: now.attempts,
      answered: now.answered,
      answerRate: now.attempts === 0 ? null : now.answered / now.attempts,
      reports: now.reports,
      reportRate: now.attempts === 0 ? null : now.reports / now.attempts,
      status: statuses.get(callerId) ?? null,
      actions: actions.filter((a) => a.number === callerId && a.day >= week.monday && a.day <= week.sunday),
      history: weeks.map((w) => {
        const f = sum(w);
        return {
          week: w.id,
          attempts: f.attempts,
          answerRate: f.attempts === 0 ? null : f.answered / f.attempts,
          reportRate: f.attempts === 0 ? null : f.reports / f.attempts,
        };
      }),
    });
  }
  const violations = source.violations.filter((v) => v.day >= week.monday && v.day <= week.sunday && mine(v));
  // A closed week's first issue is kept; a later file that changes its calls marks the report revised.
  const scope = `${input.provider === undefined ? 'all' : `provider:${input.provider}`}${input.client === undefined ? '' : `|client:${input.client}`}`;
  const watermark = await watermarkOf(store, week.from, week.to);
  const figures = figuresOf(scorecard);
  const issued = await readIssue(store, week.id, scope);
  let revision: Revision | null = null;
  if (issued !== undefined && watermark > issued.watermark) {
    const differences = diffFigures(JSON.parse(issued.figures) as ReportFigures, figures);
    revision = { issuedAt: issued.issuedAt, differences };
  } else if (issued === undefined && !store.readOnly && ctx.now().getTime() >= week.to) {
    await writeIssue(store, {
      week: week.id,
      scope,
      issuedAt: ctx.now().toISOString(),
      watermark,
      figures: JSON.stringify(figures),
    });
  }
  return {
    week: week.id,
    from: week.monday,
    to: week.sunday,
    provider: input.provider ?? null,
    client: input.client ?? null,
    generatedAt: ctx.now().toISOString(),
    scorecard,
    numbers,
    violations,
    revision,
  };
}
