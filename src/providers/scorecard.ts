import type { Status } from '../reputation/model.ts';
import { type InboundCount, type ServiceBucket, serviceLevels, sumService } from './inbound.ts';
import { type Contract, DEFAULT_CONTRACT, type Organisation, type TransferFlag } from './model.ts';
import { type Breach, computePenalties, type PenaltyStatement } from './penalties.ts';
import { type CallerUse, findPooling, isDedicated, type PoolingCase } from './pooling.ts';
import { type IsoWeek, weekOfDay } from './week.ts';

/** A caller ID's outbound attempts and spam reports on one Paris day (the reputation rollup). */
export interface NumberDay {
  readonly callerId: string;
  readonly day: string;
  readonly attempts: number;
  readonly reports: number;
}

/** One law-engine finding, reduced to what a scorecard counts. */
export interface ViolationFact {
  readonly provider: string;
  readonly site: string | null;
  readonly client: string | null;
  readonly rule: string;
  readonly day: string;
  readonly callId: string;
  readonly callerId: string;
}

/** One mystery call or listening audit (`vigie ingest-audits`). */
export interface MysteryAudit {
  readonly day: string;
  readonly provider: string;
  readonly site: string | null;
  readonly campaign: string | null;
  /** 0–100: the grid's points over its maximum. */
  readonly score: number;
  readonly failedItems: readonly string[];
}

export interface ScorecardInput {
  readonly week: IsoWeek;
  readonly organisation: Organisation;
  /** Outbound uses from `periodStart` (the 1st of the week's first month, or the previous week's Monday if earlier) to the week's end. */
  readonly periodStart: string;
  readonly uses: readonly CallerUse[];
  /** From 7 days before `periodStart`, for the rolling report rates. */
  readonly numberDays: readonly NumberDay[];
  readonly violations: readonly ViolationFact[];
  readonly inbound: readonly InboundCount[];
  readonly mystery: readonly MysteryAudit[];
  /** Each caller ID's status at the end of the week. */
  readonly statuses: ReadonlyMap<string, Status>;
  /** Report rate at which a number is burnt (5 %), per provider when its contract overrides it. */
  readonly burntRate: (provider: string) => number;
  readonly minAttempts: number;
  readonly client?: string;
  /** UTC instant of a Paris day's start. */
  readonly dayStart: (day: string) => number;
}

export interface ClauseBreach extends Breach {
  readonly provider: string;
  readonly clients: readonly string[];
  readonly firstCallId: string | null;
  readonly lastCallId: string | null;
}

export interface Card {
  readonly provider: string | null;
  readonly site: string | null;
  readonly client: string | null;
  readonly name: string;
  readonly attempts: number;
  readonly answered: number;
  readonly answerRate: number | null;
  readonly previousAnswerRate: number | null;
  /** This week's answer rate minus the previous week's (fraction; null without both). */
  readonly answerRateTrend: number | null;
  readonly reports: number;
  readonly reportRate: number | null;
  readonly numbers: number;
  readonly statuses: Readonly<Partial<Record<Status, number>>>;
  readonly burnt: readonly string[];
  readonly violations: number;
  readonly violationsPer1000: number | null;
  readonly violationsByRule: Readonly<Record<string, { count: number; per1000: number | null }>>;
  readonly clauseBreaches: Readonly<Record<string, number>>;
  readonly inbound: {
    calls: number;
    serviceLevel: number | null;
    abandonment: number | null;
    missed: number;
    buckets: number;
  } | null;
  readonly mystery: { audits: number; averageScore: number; failedItems: number } | null;
  /** Penalties due for the week (providers only). */
  readonly penalties: PenaltyStatement | null;
  readonly score: number;
  readonly rank: number;
}

export interface Scorecard {
  readonly week: string;
  readonly from: string;
  readonly to: string;
  readonly client: string | null;
  readonly providers: readonly Card[];
  readonly sites: readonly Card[];
  readonly clients: readonly Card[];
  readonly pooling: readonly PoolingCase[];
  readonly breaches: readonly ClauseBreach[];
  readonly serviceBuckets: readonly ServiceBucket[];
  readonly transferFlags: readonly TransferFlag[];
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

function group<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of list) {
    const k = key(t);
    const l = out.get(k);
    if (l === undefined) out.set(k, [t]);
    else l.push(t);
  }
  return out;
}

function addDaysTo(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Every breach a contract attaches to the calls of the period: daily caps, dedicated numbers used
 * for several clients or campaigns, weeks without records, law violations (per provider, day and
 * rule), numbers burnt (the 7-day report rate crossing the burnt rate) and inbound hours (or days)
 * below the service level.
 */
export function contractBreaches(
  input: ScorecardInput,
  contractOf: (provider: string) => Contract,
  buckets: readonly ServiceBucket[],
): ClauseBreach[] {
  const out: ClauseBreach[] = [];
  const to = input.week.sunday;
  for (const [, list] of group(input.uses, (u) => `${u.provider}\u0000${u.callerId}\u0000${u.day}`)) {
    const first = list[0];
    if (first === undefined) continue;
    const contract = contractOf(first.provider);
    const attempts = list.reduce((s, u) => s + u.attempts, 0);
    const clients = [...new Set(list.map((u) => u.client ?? ''))].sort();
    const ids = [...list].sort((a, b) => a.firstCallId.localeCompare(b.firstCallId));
    const base = {
      day: first.day,
      count: 1,
      subject: first.callerId,
      provider: first.provider,
      clients,
      firstCallId: ids[0]?.firstCallId ?? null,
      lastCallId: ids[ids.length - 1]?.lastCallId ?? null,
    };
    if (attempts > contract.dailyCap) {
      out.push({
        ...base,
        type: 'clause.daily_cap',
        evidence: `${attempts} tentatives (plafond ${contract.dailyCap}) / ${attempts} attempts (cap ${contract.dailyCap})`,
      });
    }
    const uses = [...new Set(list.map((u) => `${u.client ?? ''}/${u.campaign ?? ''}`))].sort();
    if (
      uses.length > 1 &&
      isDedicated(
        first.callerId,
        first.provider,
        input.dayStart(first.day),
        input.organisation.assignments,
        contract,
      )
    ) {
      out.push({
        ...base,
        type: 'clause.dedicated',
        evidence: `numéro dédié utilisé pour ${uses.join(', ')} / dedicated number used for ${uses.join(', ')}`,
      });
    }
  }
  // clause.reporting: a week of the period in which the provider had numbers assigned and sent nothing.
  const sent = new Set<string>();
  for (const u of input.uses) sent.add(`${u.provider} ${weekOfDay(u.day).id}`);
  for (const n of input.inbound) sent.add(`${n.provider} ${weekOfDay(n.day).id}`);
  for (let monday = weekOfDay(input.periodStart).monday; monday <= to; monday = addDaysTo(monday, 7)) {
    const week = weekOfDay(monday);
    for (const p of input.organisation.providers) {
      const assigned = input.organisation.assignments.filter(
        (a) =>
          a.provider === p.id &&
          (a.validFrom ?? Number.NEGATIVE_INFINITY) < week.to &&
          week.from < (a.validTo ?? Number.POSITIVE_INFINITY),
      );
      if (assigned.length === 0 || sent.has(`${p.id} ${week.id}`)) continue;
      out.push({
        type: 'clause.reporting',
        day: week.sunday,
        count: 1,
        subject: week.id,
        provider: p.id,
        clients: [...new Set(assigned.map((a) => a.client))].sort(),
        firstCallId: null,
        lastCallId: null,
        evidence: `aucun enregistrement pour la semaine ${week.id} (${assigned.length} numéros affectés) / no records for week ${week.id} (${assigned.length} numbers assigned)`,
      });
    }
  }
  for (const [, list] of group(input.violations, (v) => `${v.provider}\u0000${v.day}\u0000${v.rule}`)) {
    const first = list[0];
    if (first === undefined || first.day < input.periodStart) continue;
    const ids = list.map((v) => v.callId).sort();
    out.push({
      type: 'violation',
      day: first.day,
      count: list.length,
      subject: first.rule,
      provider: first.provider,
      clients: [...new Set(list.map((v) => v.client ?? ''))].sort(),
      firstCallId: ids[0] ?? null,
      lastCallId: ids[ids.length - 1] ?? null,
      evidence: `${list.length} appels en infraction à ${first.rule} / ${list.length} calls breaking ${first.rule}`,
    });
  }
  for (const b of burntNumbers(input)) {
    out.push({
      type: 'burnt_number',
      day: b.day,
      count: 1,
      subject: b.callerId,
      provider: b.provider,
      clients: b.clients,
      firstCallId: null,
      lastCallId: null,
      evidence: `taux de signalement sur 7 jours ${(b.rate * 100).toFixed(1).replace('.', ',')} % (${b.reports} / ${b.attempts}) / 7-day report rate ${(b.rate * 100).toFixed(1)} %`,
    });
  }
  for (const b of buckets) {
    if (!b.missed) continue;
    const when = b.hour === null ? b.day : `${b.day} ${String(b.hour).padStart(2, '0')}h`;
    out.push({
      type: 'service_level',
      day: b.day,
      count: 1,
      subject: `${b.site ?? ''} ${when}`,
      provider: b.provider,
      clients: [],
      firstCallId: null,
      lastCallId: null,
      evidence: `${b.answeredWithin}/${b.answered + b.abandoned} répondus dans le délai, ${b.abandoned} abandons / ${b.answeredWithin}/${b.answered + b.abandoned} answered in time, ${b.abandoned} abandoned`,
    });
  }
  return out.sort(
    (a, b) =>
      a.day.localeCompare(b.day) || a.type.localeCompare(b.type) || a.subject.localeCompare(b.subject),
  );
}

/** Numbers whose 7-day report rate crossed the burnt rate on a day of the period: the first such day. */
export function burntNumbers(input: ScorecardInput): {
  callerId: string;
  day: string;
  provider: string;
  clients: string[];
  rate: number;
  reports: number;
  attempts: number;
}[] {
  const byNumber = group(input.numberDays, (d) => d.callerId);
  const usesBy = group(input.uses, (u) => u.callerId);
  const out: ReturnType<typeof burntNumbers> = [];
  for (const [callerId, days] of byNumber) {
    const uses = usesBy.get(callerId) ?? [];
    if (uses.length === 0) continue;
    const map = new Map(days.map((d) => [d.day, d]));
    const rateOn = (day: string) => {
      let attempts = 0;
      let reports = 0;
      for (let k = 0; k < 7; k++) {
        const d = map.get(addDaysTo(day, -k));
        attempts += d?.attempts ?? 0;
        reports += d?.reports ?? 0;
      }
      return { attempts, reports, rate: attempts < input.minAttempts ? null : reports / attempts };
    };
    const providers = [...new Set(uses.map((u) => u.provider))].sort();
    for (const provider of providers) {
      const limit = input.burntRate(provider);
      let before = rateOn(addDaysTo(input.periodStart, -1)).rate ?? 0;
      for (let day = input.periodStart; day <= input.week.sunday; day = addDaysTo(day, 1)) {
        const now = rateOn(day);
        if (now.rate !== null && now.rate >= limit && before < limit) {
          const recent = uses.filter((u) => u.day <= day && u.day > addDaysTo(day, -7));
          if (recent.some((u) => u.provider === provider)) {
            out.push({
              callerId,
              day,
              provider,
              clients: [...new Set(recent.map((u) => u.client ?? ''))].sort(),
              rate: now.rate,
              reports: now.reports,
              attempts: now.attempts,
            });
          }
          break;
        }
        before = now.rate ?? before;
      }
    }
  }
  return out;
}

/** A 0–100 figure for ranking: 100 less what the law, the reports, the contract and the service cost. */
function cardScore(c: Omit<Card, 'score' | 'rank'>): number {
  const breaches = Object.entries(c.clauseBreaches)
    .filter(([t]) => t.startsWith('clause.'))
    .reduce((s, [, n]) => s + n, 0);
  const breachesPer1000 = c.attempts === 0 ? 0 : (breaches * 1000) / c.attempts;
  const burntShare = c.numbers === 0 ? 0 : c.burnt.length / c.numbers;
  const missedShare =
    c.inbound === null || c.inbound.buckets === 0 ? 0 : c.inbound.missed / c.inbound.buckets;
  const mystery = c.mystery === null ? 0 : Math.max(0, 100 - c.mystery.averageScore) / 10;
  const lost =
    Math.min(35, (c.violationsPer1000 ?? 0) * 0.5) +
    Math.min(20, (c.reportRate ?? 0) * 500) +
    Math.min(20, breachesPer1000 * 2) +
    Math.min(10, burntShare * 100) +
    Math.min(10, missedShare * 20) +
    Math.min(5, mystery);
  return Math.round((100 - lost) * 10) / 10;
}

/** The scorecard of a week: per provider, per site and per client, with pooling, breaches and penalties. */
export function buildScorecard(input: ScorecardInput): Scorecard {
  const org = input.organisation;
  const week = input.week;
  const client = input.client;
  const contractOf = (p: string) => org.providers.find((x) => x.id === p)?.contract ?? DEFAULT_CONTRACT;
  const inWeek = (day: string) => day >= week.monday && day <= week.sunday;
  const prevMonday = addDaysTo(week.monday, -7);
  const inPrev = (day: string) => day >= prevMonday && day < week.monday;
  const forClient = <T extends { client: string | null }>(t: T) =>
    client === undefined || t.client === client;

  const buckets: ServiceBucket[] = [];
  for (const [provider, counts] of group(input.inbound, (n) => n.provider)) {
    const level = contractOf(provider).inbound;
    if (level !== null) buckets.push(...serviceLevels(counts, level));
  }
  const allBreaches = contractBreaches(input, contractOf, buckets);
  const reportsOf = new Map(input.numberDays.map((d) => [`${d.callerId} ${d.day}`, d.reports]));

  type Unit = { provider: string | null; site: string | null; client: string | null; name: string };
  const makeCard = (unit: Unit): Omit<Card, 'score' | 'rank'> => {
    const match = <T extends { provider: string; site?: string | null; client?: string | null }>(t: T) =>
      (unit.provider === null || t.provider === unit.provider) &&
      (unit.site === null || t.site === unit.site) &&
      (unit.client === null || t.client === unit.client);
    const uses = input.uses.filter((u) => forClient(u) && match(u));
    const week0 = uses.filter((u) => inWeek(u.day));
    const prev = uses.filter((u) => inPrev(u.day));
    const attempts = week0.reduce((s, u) => s + u.attempts, 0);
    const answered = week0.reduce((s, u) => s + u.answered, 0);
    const prevAttempts = prev.reduce((s, u) => s + u.attempts, 0);
    const prevAnswered = prev.reduce((s, u) => s + u.answered, 0);
    const answerRate = ratio(answered, attempts);
    const previousAnswerRate = ratio(prevAnswered, prevAttempts);
    const numberDaysSeen = new Set(week0.map((u) => `${u.callerId} ${u.day}`));
    let reports = 0;
    for (const k of numberDaysSeen) reports += reportsOf.get(k) ?? 0;
    const numbers = [...new Set(week0.map((u) => u.callerId))].sort();
    const statuses: Partial<Record<Status, number>> = {};
    for (const n of numbers) {
      const s = input.statuses.get(n);
      if (s !== undefined) statuses[s] = (statuses[s] ?? 0) + 1;
    }
    const violations = input.violations.filter((v) => inWeek(v.day) && forClient(v) && match(v));
    const byRule: Record<string, { count: number; per1000: number | null }> = {};
    for (const [rule, list] of [...group(violations, (v) => v.rule)].sort(([a], [b]) => a.localeCompare(b))) {
      byRule[rule] = { count: list.length, per1000: attempts === 0 ? null : (list.length * 1000) / attempts };
    }
    const breaches = allBreaches.filter(
      (b) =>
        (unit.provider === null || b.provider === unit.provider) &&
        (client === undefined || b.clients.length === 0 || b.clients.includes(client)) &&
        (unit.client === null || b.clients.length === 0 || b.clients.includes(unit.client)),
    );
    const siteBreaches =
      unit.site === null
        ? breaches
        : breaches.filter((b) =>
            b.type === 'service_level'
              ? b.subject.startsWith(`${unit.site} `)
              : week0.some((u) => u.callerId === b.subject),
          );
    const weekBreaches = siteBreaches.filter((b) => inWeek(b.day));
    const clauseBreaches: Record<string, number> = {};
    for (const b of weekBreaches) {
      if (b.type === 'violation') continue;
      clauseBreaches[b.type] = (clauseBreaches[b.type] ?? 0) + b.count;
    }
    const burnt = [
      ...new Set(weekBreaches.filter((b) => b.type === 'burnt_number').map((b) => b.subject)),
    ].sort();
    const myBuckets = buckets.filter(
      (b) =>
        inWeek(b.day) && match({ provider: b.provider, site: b.site, client: null }) && unit.client === null,
    );
    const inbound = myBuckets.length === 0 ? null : sumService(myBuckets);
    const audits = input.mystery.filter(
      (m) =>
        inWeek(m.day) && match({ provider: m.provider, site: m.site, client: null }) && unit.client === null,
    );
    const mystery =
      audits.length === 0
        ? null
        : {
            audits: audits.length,
            averageScore: Math.round((audits.reduce((s, m) => s + m.score, 0) / audits.length) * 10) / 10,
            failedItems: audits.reduce((s, m) => s + m.failedItems.length, 0),
          };
    let penalties: PenaltyStatement | null = null;
    if (unit.provider !== null && unit.site === null) {
      penalties = computePenalties(breaches, contractOf(unit.provider).penalties, week.monday, week.sunday);
    } else if (unit.provider === null && unit.client !== null) {
      // A client's penalties: each provider's contract over the breaches of this client's calls.
      const parts = [...group(breaches, (b) => b.provider)].map(([p, list]) =>
        computePenalties(list, contractOf(p).penalties, week.monday, week.sunday),
      );
      penalties = {
        lines: parts.flatMap((p) => p.lines),
        breaches: parts.flatMap((p) => p.breaches),
        grossCents: parts.reduce((s, p) => s + p.grossCents, 0),
        dueCents: parts.reduce((s, p) => s + p.dueCents, 0),
      };
    }
    return {
      provider: unit.provider,
      site: unit.site,
      client: unit.client,
      name: unit.name,
      attempts,
      answered,
      answerRate,
      previousAnswerRate,
      answerRateTrend:
        answerRate === null || previousAnswerRate === null ? null : answerRate - previousAnswerRate,
      reports,
      reportRate: ratio(reports, attempts),
      numbers: numbers.length,
      statuses,
      burnt,
      violations: violations.length,
      violationsPer1000: attempts === 0 ? null : (violations.length * 1000) / attempts,
      violationsByRule: byRule,
      clauseBreaches,
      inbound,
      mystery,
      penalties,
    };
  };
  const ranked = (cards: Omit<Card, 'score' | 'rank'>[]): Card[] => {
    const scored = cards.map((c) => ({ ...c, score: cardScore(c), rank: 0 }));
    const order = [...scored].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
    return scored.map((c) => ({ ...c, rank: order.indexOf(c) + 1 })).sort((a, b) => a.rank - b.rank);
  };

  const seenProviders = new Set([
    ...input.uses.filter((u) => inWeek(u.day) && forClient(u)).map((u) => u.provider),
    ...input.inbound.filter((n) => inWeek(n.day)).map((n) => n.provider),
  ]);
  const declared = org.providers.filter(
    (p) =>
      client === undefined ||
      org.campaigns.some((c) => c.provider === p.id && c.client === client) ||
      org.assignments.some((a) => a.provider === p.id && a.client === client) ||
      seenProviders.has(p.id),
  );
  const providerIds = [...new Set([...declared.map((p) => p.id), ...seenProviders])].sort();
  const nameOf = (p: string) => org.providers.find((x) => x.id === p)?.name ?? p;
  const providers = ranked(
    providerIds.map((p) => makeCard({ provider: p, site: null, client: null, name: nameOf(p) })),
  );
  const siteUnits: Unit[] = [];
  for (const p of providerIds) {
    const sites = new Set([
      ...(org.providers.find((x) => x.id === p)?.sites.map((s) => s.id) ?? []),
      ...input.uses
        .filter((u) => u.provider === p && inWeek(u.day) && u.site !== null)
        .map((u) => u.site ?? ''),
    ]);
    for (const s of [...sites].sort())
      siteUnits.push({ provider: p, site: s, client: null, name: `${nameOf(p)} · ${s}` });
  }
  const sites = ranked(siteUnits.map(makeCard));
  const clientIds = [
    ...new Set([
      ...org.clients.map((c) => c.id),
      ...input.uses.filter((u) => inWeek(u.day) && u.client !== null).map((u) => u.client ?? ''),
    ]),
  ]
    .filter((c) => client === undefined || c === client)
    .sort();
  const clients = ranked(
    clientIds.map((c) =>
      makeCard({
        provider: null,
        site: null,
        client: c,
        name: org.clients.find((x) => x.id === c)?.name ?? c,
      }),
    ),
  );
  const weekUses = input.uses.filter((u) => inWeek(u.day));
  const pooling = findPooling(weekUses, org.assignments, contractOf, input.dayStart).filter(
    (c) => client === undefined || c.parties.some((p) => p.client === client || p.client === null),
  );
  return {
    week: week.id,
    from: week.monday,
    to: week.sunday,
    client: client ?? null,
    providers,
    sites,
    clients,
    pooling,
    breaches: allBreaches.filter(
      (b) => inWeek(b.day) && (client === undefined || b.clients.length === 0 || b.clients.includes(client)),
    ),
    serviceBuckets: buckets.filter((b) => inWeek(b.day)),
    transferFlags: org.transferFlags,
  };
}
