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
import { loadActions, loadDays } from '../reputation/queries.ts';
import { assessAll, refreshReputation } from '../reputation/service.ts';
import { UsageError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import type { Organisation } from './model.ts';
import { callSites, callerUses, inboundCounts, mysteryAudits } from './queries.ts';
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

export { loadActions };
