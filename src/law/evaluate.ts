import { callerIdCategory } from '../numbering/describe.ts';
import type { NumberInfo, Territory } from '../numbering/model.ts';
import type { CallRecord, Purpose } from '../records/model.ts';
import type { Campaign, Consent, Contact, Refusal } from '../registry/model.ts';
import type { RegistryLookup } from '../registry/registry-index.ts';
import { type HolidayZone, holidayOnDay, ZONE_NAMES } from './holidays.ts';
import { RULE_IDS, type Rule, type RuleId, type RuleSet, type Severity } from './rules.ts';
import {
  DAY_MS,
  epochDay,
  frenchDate,
  frenchDayMonth,
  isoLocal,
  type LocalClock,
  type LocalTime,
  localClock,
  localEpochDay,
  localTime,
} from './time.ts';

/** What the engine knows besides the calls: the numbering plan and the registry. */
export interface LawFacts {
  readonly describe: (number: string) => NumberInfo;
  readonly registry: RegistryLookup;
}

/** One rule broken by one call (law.md: what a violation carries). */
export interface Violation {
  readonly rule: RuleId;
  readonly callId: string;
  readonly caller: string;
  readonly callee: string;
  /** UTC instant of the call, ISO 8601. */
  readonly startedAt: string;
  /** The call's local date and time in the callee's zone, ISO 8601 with offset. */
  readonly localTime: string;
  readonly timeZone: string;
  readonly provider: string;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly severity: Severity;
  /** One line of French naming the data that decided it. */
  readonly explanation: string;
}

const TIME_ZONES: Record<Territory, string> = {
  metropole: 'Europe/Paris',
  guadeloupe: 'America/Guadeloupe',
  saint_martin: 'America/Marigot',
  saint_barthelemy: 'America/St_Barthelemy',
  guyane: 'America/Cayenne',
  martinique: 'America/Martinique',
  reunion: 'Indian/Reunion',
  mayotte: 'Indian/Mayotte',
  saint_pierre_et_miquelon: 'America/Miquelon',
  foreign: 'Europe/Paris',
};

const POSTCODE_TERRITORIES: readonly (readonly [string, Territory])[] = [
  ['971', 'guadeloupe'],
  ['972', 'martinique'],
  ['973', 'guyane'],
  ['974', 'reunion'],
  ['975', 'saint_pierre_et_miquelon'],
  ['976', 'mayotte'],
  ['977', 'saint_barthelemy'],
  ['978', 'saint_martin'],
];

const ANTILLES_590: ReadonlySet<Territory> = new Set(['guadeloupe', 'saint_martin', 'saint_barthelemy']);
const ALSACE_MOSELLE = ['57', '67', '68'];

/** The territory a French postcode names, or undefined (98x, malformed). */
export function postcodeTerritory(postcode: string): Territory | undefined {
  const code = postcode.replace(/\s/g, '');
  if (!/^\d{5}$/.test(code)) return undefined;
  // Saint-Barthélemy and Saint-Martin keep Guadeloupe's 971 postcodes (97133, 97150); 977/978 are their INSEE codes.
  if (code === '97133') return 'saint_barthelemy';
  if (code === '97150') return 'saint_martin';
  const overseas = POSTCODE_TERRITORIES.find(([prefix]) => code.startsWith(prefix));
  if (overseas !== undefined) return overseas[1];
  return code.startsWith('98') ? undefined : 'metropole';
}

export interface CalleePlace {
  readonly territory: Territory;
  readonly holidayZone: HolidayZone;
  readonly timeZone: string;
  /** Why: `numéro` or `code postal 67000`. */
  readonly basis: string;
}

/**
 * The callee's territory, holiday zone and clock. The number decides, except that a postcode
 * (contacts.csv) places a metropolitan mobile or 09 number anywhere, places any metropolitan number in
 * Alsace-Moselle, and tells Guadeloupe, Saint-Martin and Saint-Barthélemy apart (they share +590).
 */
export function placeCallee(info: NumberInfo, contact: Contact | undefined): CalleePlace {
  let territory = info.territory;
  let basis = 'numéro';
  const postcode = contact?.postcode ?? null;
  const fromPostcode = postcode === null ? undefined : postcodeTerritory(postcode);
  if (postcode !== null && fromPostcode !== undefined) {
    const movable =
      info.territory === 'metropole' && (info.lineType === 'mobile' || info.lineType === 'non_geographic_09');
    const sameGroup = ANTILLES_590.has(info.territory) && ANTILLES_590.has(fromPostcode);
    const possible = info.possibleTerritories;
    const allowed = possible === undefined ? movable || sameGroup : possible.includes(fromPostcode);
    if (allowed && fromPostcode !== territory) {
      territory = fromPostcode;
      basis = `code postal ${postcode}`;
    }
  }
  const alsace =
    territory === 'metropole' &&
    postcode !== null &&
    ALSACE_MOSELLE.some((d) => postcode.trim().startsWith(d));
  if (alsace) basis = `code postal ${postcode}`;
  const timeZone = territory === info.territory ? info.timeZone : TIME_ZONES[territory];
  return { territory, holidayZone: alsace ? 'alsace_moselle' : territory, timeZone, basis };
}

/**
 * What the rules read of an outbound call: the fields of its record they depend on, its instant in
 * ms since the epoch. Audits of millions of calls make these directly, without the record's other
 * fields or a Date; `lawCall` reads one from a record.
 */
export interface LawCall {
  readonly provider: string;
  readonly callId: string;
  /** UTC instant, ms since the epoch. */
  readonly at: number;
  readonly caller: string;
  readonly callee: string;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly purpose: Purpose;
  readonly refused: boolean;
}

export function lawCall(record: CallRecord): LawCall {
  return {
    provider: record.provider,
    callId: record.callId,
    at: record.startedAt.getTime(),
    caller: record.caller,
    callee: record.callee,
    client: record.client,
    campaign: record.campaign,
    purpose: record.purpose,
    refused: record.refused,
  };
}

/** The purpose that governs a call: the campaign's (campaigns.csv) when declared, else the record's. */
export function purposeOf(call: LawCall, registry: RegistryLookup): Purpose {
  if (call.campaign === null) return call.purpose;
  return registry.campaign(call.campaign, call.client)?.purpose ?? call.purpose;
}

/** Calls of one client add up across its providers; a call without a client counts for its provider. */
function principalOf(call: LawCall): string {
  return call.client ?? `\u0000provider:${call.provider}`;
}

/** Total order of calls: time, then provider, then call id (results never depend on input order). */
export function compareCalls(a: CallRecord, b: CallRecord): number {
  return compareLawCalls(a.startedAt.getTime(), a, b.startedAt.getTime(), b);
}

/** `compareCalls` of two calls at `ta` and `tb` (ms). */
function compareLawCalls(
  ta: number,
  a: Pick<LawCall, 'provider' | 'callId'>,
  tb: number,
  b: Pick<LawCall, 'provider' | 'callId'>,
): number {
  const t = ta - tb;
  if (t !== 0) return t;
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  if (a.callId !== b.callId) return a.callId < b.callId ? -1 : 1;
  return 0;
}

interface Context {
  readonly call: LawCall;
  readonly at: number;
  readonly prior: readonly LawCall[];
  readonly facts: LawFacts;
  readonly place: CalleePlace;
  /** The call's local reading with its strings: `localOf(ctx)` builds it on first use (explanations). */
  local: LocalTime | undefined;
  readonly clock: LocalClock;
  readonly day: number;
  readonly purpose: Purpose;
  readonly consumer: boolean;
  readonly campaign: Campaign | undefined;
  readonly contract: boolean;
  readonly callerInfo: NumberInfo;
}

type Check = (ctx: Context, rule: Rule) => string | null;

function localOf(ctx: Context): LocalTime {
  ctx.local ??= localTime(ctx.at, ctx.place.timeZone);
  return ctx.local;
}

/** A rule's calling windows: in seconds of the day `[from, to)`, and as the explanations name them. */
interface Windows {
  readonly from: readonly number[];
  readonly to: readonly number[];
  readonly text: string;
}

const windowSets = new WeakMap<object, Windows>();
let lastWindowRule: Rule<'hours.window'> | undefined;
let lastWindows: Windows = { from: [], to: [], text: '' };

/** The rule's windows, parsed once per rule table row (the last one at hand: asked for every call). */
function windowsOf(rule: Rule<'hours.window'>): Windows {
  if (rule === lastWindowRule) return lastWindows;
  let windows = windowSets.get(rule);
  if (windows === undefined) {
    windows = {
      from: rule.params.windows.map(([from]) => seconds(from)),
      to: rule.params.windows.map(([, to]) => seconds(to)),
      text: rule.params.windows.map(([from, to]) => `${from}–${to}`).join(' et '),
    };
    windowSets.set(rule, windows);
  }
  lastWindowRule = rule;
  lastWindows = windows;
  return windows;
}

function inWindows(windows: Windows, second: number): boolean {
  for (let i = 0; i < windows.from.length; i++) {
    if (second >= (windows.from[i] ?? 0) && second < (windows.to[i] ?? 0)) return true;
  }
  return false;
}

const dayNumbers = new Map<string, number>();

/** Days since 1970-01-01 of a rule table's `YYYY-MM-DD`, cached (the table's dates are few). */
function dayOf(date: string): number {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    day = epochDay(date);
    dayNumbers.set(date, day);
  }
  return day;
}

function seconds(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60;
}

function localDay(ms: number, timeZone: string): number {
  return localEpochDay(ms, timeZone);
}

function parisDate(ms: number, timeZone: string): string {
  return frenchDate(localTime(ms, timeZone).date);
}

function where(origin: { file: string; line: number }): string {
  return `${origin.file} ligne ${origin.line}`;
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const target = new Date(ms);
  target.setUTCMonth(d.getUTCMonth() + months);
  // 29 Feb + 12 months → 1 Mar: keep the last day of the month instead.
  if (target.getUTCDate() !== d.getUTCDate()) target.setUTCDate(0);
  return target.getTime();
}

function scopeMatches(scope: string, campaign: string | null): boolean {
  return scope === '*' || (campaign !== null && scope === campaign);
}

const WEEKDAYS = ['', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];

function covered(ctx: Context, windowsOk: boolean, rule: Rule<'hours.window'>): boolean {
  if (windowsOk) return true;
  const client = ctx.call.client;
  if (client === null) return false;
  const slotOnly = ctx.day >= dayOf(rule.params.slotConsentFrom);
  return ctx.facts.registry.consentsFor(ctx.call.callee, client).some((c) => {
    if (c.grantedAt > ctx.at || (c.revokedAt !== null && c.revokedAt <= ctx.at)) return false;
    const inSlot = c.slotFrom !== null && c.slotFrom <= ctx.at && (c.slotTo === null || ctx.at < c.slotTo);
    if (slotOnly) return inSlot;
    return inSlot || c.scope === 'hors_horaires' || c.scope === 'outside_hours';
  });
}

const checks: { readonly [I in RuleId]: (ctx: Context, rule: Rule<I>) => string | null } = {
  'hours.window': (ctx, rule) => {
    const windows = windowsOf(rule);
    if (covered(ctx, inWindows(windows, ctx.clock.secondOfDay), rule)) return null;
    return `appel à ${localOf(ctx).time} heure locale (${ctx.place.timeZone}), hors des plages ${windows.text}`;
  },
  'hours.day': (ctx, rule) =>
    rule.params.days.includes(ctx.clock.weekday)
      ? `appel un ${WEEKDAYS[ctx.clock.weekday] ?? ''} (${frenchDate(localOf(ctx).date)}, heure locale ${ctx.place.timeZone})`
      : null,
  'hours.holiday': (ctx) => {
    const holiday = holidayOnDay(ctx.place.holidayZone, ctx.day);
    return holiday?.kind === 'national'
      ? `appel le ${frenchDate(localOf(ctx).date)}, jour férié national (${holiday.name})`
      : null;
  },
  'hours.local_holiday': (ctx) => {
    const holiday = holidayOnDay(ctx.place.holidayZone, ctx.day);
    return holiday?.kind === 'local'
      ? `appel le ${frenchDate(localOf(ctx).date)}, jour férié local ${ZONE_NAMES[ctx.place.holidayZone]} (${holiday.name}, d'après le ${ctx.place.basis})`
      : null;
  },
  'frequency.30d': (ctx, rule) => {
    const principal = principalOf(ctx.call);
    const first = ctx.day - (rule.params.windowDays - 1);
    // Prior calls are in time order and local days never go back: walk back until the window's start.
    // Counted first: nearly every call is under the limit, and then no list is made.
    let start = ctx.prior.length;
    let count = 0;
    for (let i = ctx.prior.length - 1; i >= 0; i--) {
      const p = ctx.prior[i];
      if (p === undefined) continue;
      if (localDay(p.at, ctx.place.timeZone) < first) break;
      start = i;
      if (principalOf(p) === principal && purposeOf(p, ctx.facts.registry) === 'prospecting') count += 1;
    }
    if (count < rule.params.maxAttempts) return null;
    const within: LawCall[] = [];
    for (let i = start; i < ctx.prior.length; i++) {
      const p = ctx.prior[i];
      if (
        p !== undefined &&
        principalOf(p) === principal &&
        purposeOf(p, ctx.facts.registry) === 'prospecting'
      )
        within.push(p);
    }
    const dates = within.map((p) => frenchDayMonth(localTime(p.at, ctx.place.timeZone).date));
    const shown = dates.length > 10 ? [...dates.slice(0, 10), '…'] : dates;
    return `${within.length + 1}e appel en ${rule.params.windowDays} jours (précédents : ${shown.join(', ')})`;
  },
  'refusal.recontact': (ctx, rule) => {
    const principal = principalOf(ctx.call);
    // The latest refusal, the first of equals: the registry's (oldest first), then the refused calls.
    let registryLatest: Refusal | undefined;
    for (const r of ctx.facts.registry.refusalsBefore(ctx.call.callee, ctx.at, ctx.call.client)) {
      if (registryLatest === undefined || r.refusedAt > registryLatest.refusedAt) registryLatest = r;
    }
    let callLatest: LawCall | undefined;
    let latestAt = registryLatest?.refusedAt ?? Number.NEGATIVE_INFINITY;
    for (const p of ctx.prior) {
      if (!p.refused || principalOf(p) !== principal) continue;
      const t = p.at;
      if ((registryLatest === undefined && callLatest === undefined) || t > latestAt) {
        callLatest = p;
        latestAt = t;
      }
    }
    if (registryLatest === undefined && callLatest === undefined) return null;
    const latest =
      callLatest !== undefined
        ? { at: latestAt, source: `appel ${callLatest.callId} de ${callLatest.provider}` }
        : { at: latestAt, source: registryLatest === undefined ? '' : where(registryLatest) };
    const when = frenchDate(localTime(latest.at, ctx.place.timeZone).date);
    if (ctx.day >= dayOf(rule.params.permanentFrom)) {
      return `refus exprimé le ${when} (${latest.source}) : plus aucun appel permis depuis le ${frenchDate(rule.params.permanentFrom)}`;
    }
    const days = ctx.day - localDay(latest.at, ctx.place.timeZone);
    if (days > rule.params.waitDays) return null;
    return `refus exprimé le ${when} (${latest.source}), ${days} jours avant l'appel (délai : ${rule.params.waitDays} jours)`;
  },
  'consent.missing': (ctx) => {
    const client = ctx.call.client;
    if (client === null) return "aucun consentement vérifiable : client de l'appel inconnu";
    // The first consent of the scope, unless one of the scope was granted by the call (no array made).
    let later: Consent | undefined;
    for (const c of ctx.facts.registry.consentsFor(ctx.call.callee, client)) {
      if (!scopeMatches(c.scope, ctx.call.campaign)) continue;
      if (c.grantedAt <= ctx.at) return null;
      later ??= c;
    }
    if (later !== undefined) {
      return `consentement pour ${client} accordé le ${parisDate(later.grantedAt, ctx.place.timeZone)} (${where(later)}), après l'appel`;
    }
    const scope = ctx.call.campaign === null ? '*' : `* ou ${ctx.call.campaign}`;
    return `aucun consentement de ce consommateur pour le client ${client} (portée ${scope})`;
  },
  'consent.invalid': (ctx, rule) => {
    const client = ctx.call.client;
    if (client === null) return null;
    // Any month lasts at least 28 days: a consent younger than 28 days a month has not lapsed.
    const surely = 28 * DAY_MS * rule.params.maxAgeMonths;
    // The consents of the scope granted by the call: none valid, the last one explains (no array made).
    let last: Consent | undefined;
    for (const c of ctx.facts.registry.consentsFor(ctx.call.callee, client)) {
      if (!scopeMatches(c.scope, ctx.call.campaign) || c.grantedAt > ctx.at) continue;
      if (
        (c.revokedAt === null || c.revokedAt > ctx.at) &&
        (ctx.at - c.grantedAt <= surely || ctx.at <= addMonths(c.grantedAt, rule.params.maxAgeMonths))
      )
        return null;
      last = c;
    }
    if (last === undefined) return null;
    const zone = ctx.place.timeZone;
    const since = `consentement du ${parisDate(last.grantedAt, zone)} (${where(last)})`;
    if (last.revokedAt !== null && last.revokedAt <= ctx.at) {
      return `${since} révoqué le ${parisDate(last.revokedAt, zone)}`;
    }
    return `${since} de plus de ${rule.params.maxAgeMonths} mois : expiré le ${parisDate(addMonths(last.grantedAt, rule.params.maxAgeMonths), zone)}`;
  },
  'sector.banned': (ctx, rule) => {
    const sector = ctx.campaign?.sector ?? null;
    if (sector === null) return null;
    const ban = rule.params.sectors.find((s) => s.sector === sector && ctx.day >= dayOf(s.from));
    return ban === undefined
      ? null
      : `campagne ${ctx.call.campaign ?? ''} du secteur ${sector}, démarchage téléphonique interdit depuis le ${frenchDate(ban.from)}`;
  },
  'bloctel.listed': (ctx, rule) => {
    const from = ctx.at - (rule.params.maxAgeDays + 2) * DAY_MS;
    const listings = ctx.facts.registry.bloctelListings(ctx.call.callee, from, ctx.at, ctx.call.client);
    // The last one young enough, found from the end (no array made).
    let listing: (typeof listings)[number] | undefined;
    for (let i = listings.length - 1; i >= 0 && listing === undefined; i--) {
      const b = listings[i];
      if (b !== undefined && ctx.day - localDay(b.consultedAt, ctx.place.timeZone) <= rule.params.maxAgeDays)
        listing = b;
    }
    return listing === undefined
      ? null
      : `numéro inscrit sur Bloctel selon la consultation du ${parisDate(listing.consultedAt, ctx.place.timeZone)} (${where(listing)})`;
  },
  'bloctel.stale': (ctx, rule) => {
    const client = ctx.call.client;
    if (client === null) return "aucune consultation Bloctel vérifiable : client de l'appel inconnu";
    const latest = ctx.facts.registry.latestConsultation(client, ctx.at);
    if (latest === undefined) return `aucune consultation Bloctel du client ${client} avant l'appel`;
    const days = ctx.day - localDay(latest.consultedAt, ctx.place.timeZone);
    if (days <= rule.params.maxAgeDays) return null;
    return `dernière consultation Bloctel du client ${client} le ${parisDate(latest.consultedAt, ctx.place.timeZone)}, ${days} jours avant l'appel (validité : ${rule.params.maxAgeDays} jours)`;
  },
  'dnc.internal': (ctx) => {
    const entry = ctx.facts.registry.dncEntry(ctx.call.callee, ctx.at);
    if (entry === undefined) return null;
    const since = entry.addedAt === null ? '' : ` depuis le ${parisDate(entry.addedAt, ctx.place.timeZone)}`;
    const reason = entry.reason === null ? '' : `, motif : ${entry.reason}`;
    return `numéro sur la liste interne d'opposition${since} (${where(entry)}${reason})`;
  },
  'callerid.not_npv': (ctx) => {
    const info = ctx.callerInfo;
    const category = callerIdCategory(info);
    if (category !== 'geographic_outside_npv' && category !== 'non_geographic_09_outside_npv') return null;
    const kind = category === 'geographic_outside_npv' ? 'géographique' : 'en 09';
    const dialer = ctx.campaign === undefined ? 'automatisé par défaut' : 'automatisé (campaigns.csv)';
    return `numéro présenté ${info.national} ${kind} hors des tranches NPV, appel ${dialer}`;
  },
  'callerid.mobile': (ctx) =>
    callerIdCategory(ctx.callerInfo) === 'mobile'
      ? `numéro présenté ${ctx.callerInfo.national} est un mobile`
      : null,
  'callerid.forbidden': (ctx) => {
    const info = ctx.callerInfo;
    switch (callerIdCategory(info)) {
      case 'hidden':
        return 'numéro présenté masqué';
      case 'premium_089':
        return `numéro présenté ${info.national} surtaxé (089)`;
      case 'directory_118':
        return `numéro présenté ${info.national} de renseignements (118XYZ)`;
      case 'short_forbidden':
        return `numéro présenté ${info.national} court 3BPQ hors 30PQ/31PQ`;
      default:
        return null;
    }
  },
  'callerid.unattributed': (ctx) => {
    const info = ctx.callerInfo;
    if (info.attributionChecked === false || info.attribution !== null) return null;
    if (info.lineType === 'hidden' || info.territory === 'foreign') return null;
    return `numéro présenté ${info.national} dans aucune tranche attribuée par l'ARCEP (MAJNUM)`;
  },
  'callerid.not_assigned': (ctx) => {
    const client = ctx.call.client;
    const caller = ctx.call.caller;
    if (client === null || caller === 'anonymous' || !ctx.facts.registry.knowsAssignments(caller, client))
      return null;
    const current = ctx.facts.registry.assignmentsAt(caller, ctx.at);
    if (current.some((a) => a.client === client)) return null;
    const others = [...new Set(current.map((a) => a.client))];
    const to = others.length === 0 ? 'à aucun client' : `à ${others.join(', ')}`;
    return `numéro présenté ${caller} non affecté au client ${client} le ${frenchDate(localOf(ctx).date)} (affecté ${to} d'après assignments.csv)`;
  },
};

/** What decides which rules apply to a call, as bits: see `situationOf`. */
const PROSPECTING = 1;
const CONSUMER = 2;
const AUTOMATED = 4;
const CONTRACT = 8;

function situationOf(ctx: Context): number {
  return (
    (ctx.purpose === 'prospecting' ? PROSPECTING : 0) |
    (ctx.consumer ? CONSUMER : 0) |
    ((ctx.campaign?.dialer ?? 'automated') === 'automated' ? AUTOMATED : 0) |
    (ctx.contract ? CONTRACT : 0)
  );
}

/** Whether `rule` applies in `situation`: its scope, and its exemption for contracts in progress. */
function appliesIn(rule: Rule, situation: number): boolean {
  if (rule.contractExempt && (situation & CONTRACT) !== 0) return false;
  switch (rule.scope) {
    case 'consumer_prospecting':
      return (situation & PROSPECTING) !== 0 && (situation & CONSUMER) !== 0;
    case 'automated_prospecting':
      return (situation & PROSPECTING) !== 0 && (situation & AUTOMATED) !== 0;
    case 'consumer_call':
      return (situation & CONSUMER) !== 0;
    case 'any_call':
      return true;
  }
}

/** The checks of one rule id, typed against its own params (each row of `checks` matches its id). */
function checkOf(id: RuleId): Check {
  return checks[id] as Check;
}

/** One enabled rule with its check and its validity as local day numbers `[from, to)`. */
interface CompiledRule {
  readonly id: RuleId;
  readonly rule: Rule;
  readonly check: Check;
  readonly from: number;
  readonly to: number;
}

const compiledSets = new WeakMap<RuleSet, readonly CompiledRule[]>();

/**
 * The enabled rules of `rules` in RULE_IDS order, compiled once per rule table. `inForce` of rules.ts
 * on day numbers: `YYYY-MM-DD` strings compare as their days do.
 */
function compiled(rules: RuleSet): readonly CompiledRule[] {
  let list = compiledSets.get(rules);
  if (list === undefined) {
    list = RULE_IDS.map((id) => ({ id, rule: rules[id] as Rule }))
      .filter(({ rule }) => rule.enabled)
      .map(({ id, rule }) => ({
        id,
        rule,
        check: checkOf(id),
        from: rule.validFrom === null ? Number.NEGATIVE_INFINITY : epochDay(rule.validFrom),
        to: rule.validTo === null ? Number.POSITIVE_INFINITY : epochDay(rule.validTo),
      }));
    compiledSets.set(rules, list);
  }
  return list;
}

const applicableSets = new WeakMap<RuleSet, Map<number, readonly CompiledRule[]>>();
let lastRules: RuleSet | undefined;
let lastApplicable = new Map<number, readonly CompiledRule[]>();

/**
 * The enabled rules in force on local day `day` that apply in `situation`, in RULE_IDS order: made
 * once per day and situation of a rule table, instead of each rule's dates and scope for every call.
 */
function applicable(rules: RuleSet, day: number, situation: number): readonly CompiledRule[] {
  if (rules !== lastRules) {
    let sets = applicableSets.get(rules);
    if (sets === undefined) {
      sets = new Map();
      applicableSets.set(rules, sets);
    }
    lastRules = rules;
    lastApplicable = sets;
  }
  const key = day * 16 + situation;
  let list = lastApplicable.get(key);
  if (list === undefined) {
    list = compiled(rules).filter(
      ({ rule, from, to }) => day >= from && day < to && appliesIn(rule, situation),
    );
    // Bounded: 16 situations a day, a few years of days at most in practice.
    if (lastApplicable.size > 100_000) lastApplicable.clear();
    lastApplicable.set(key, list);
  }
  return list;
}

/** What the engine knows of a callee whatever the call: its contacts.csv row and its place. */
interface CalleeFacts {
  readonly number: string;
  readonly contact: Contact | undefined;
  readonly place: CalleePlace;
}

function calleeFacts(number: string, facts: LawFacts): CalleeFacts {
  const contact = facts.registry.contact(number);
  return { number, contact, place: placeCallee(facts.describe(number), contact) };
}

/** Evaluates one call given the calls to the same callee that precede it (sorted by `compareCalls`). */
function evaluateWithPrior(
  call: LawCall,
  prior: readonly LawCall[],
  facts: LawFacts,
  rules: RuleSet,
  callee: CalleeFacts = calleeFacts(call.callee, facts),
): readonly Violation[] {
  const registry = facts.registry;
  const { contact, place } = callee;
  const at = call.at;
  const clock = localClock(at, place.timeZone);
  const campaign = call.campaign === null ? undefined : registry.campaign(call.campaign, call.client);
  const ctx: Context = {
    call,
    at,
    prior,
    facts,
    place,
    local: undefined,
    clock,
    day: clock.day,
    purpose: campaign?.purpose ?? call.purpose,
    consumer: contact?.type !== 'professional',
    campaign,
    contract: call.client !== null && registry.contractInProgress(call.callee, call.client, at) !== undefined,
    callerInfo: facts.describe(call.caller),
  };
  let violations: Violation[] | undefined;
  for (const { id, rule, check } of applicable(rules, clock.day, situationOf(ctx))) {
    const explanation = check(ctx, rule);
    if (explanation === null) continue;
    violations ??= [];
    violations.push({
      rule: id,
      callId: call.callId,
      caller: call.caller,
      callee: call.callee,
      startedAt: new Date(at).toISOString(),
      localTime: isoLocal(localOf(ctx)),
      timeZone: place.timeZone,
      provider: call.provider,
      client: call.client,
      campaign: call.campaign,
      severity: rule.severity,
      explanation,
    });
  }
  return violations ?? NO_VIOLATIONS;
}

/** What nearly every call breaks: shared, never written to. */
const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

/**
 * The rules `call` breaks. `history` holds other calls (any order, any callee; the call itself may be
 * among them): only the earlier calls to the same callee count.
 */
export function evaluateCall(
  call: CallRecord,
  history: Iterable<CallRecord>,
  facts: LawFacts,
  rules: RuleSet,
): Violation[] {
  if (call.direction === 'inbound') return [];
  const prior: CallRecord[] = [];
  for (const h of history) {
    if (h.callee === call.callee && h.direction !== 'inbound' && compareCalls(h, call) < 0) prior.push(h);
  }
  prior.sort(compareCalls);
  return [...evaluateWithPrior(lawCall(call), prior.map(lawCall), facts, rules)];
}

/** Sort order of violations: call time, then the call (provider, id), then rule id. */
export function compareViolations(a: Violation, b: Violation): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? -1 : 1;
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  if (a.callId !== b.callId) return a.callId < b.callId ? -1 : 1;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/**
 * The rules one call breaks given the earlier calls to the same callee (`prior`, sorted by
 * `compareCalls`, inbound calls left out). For streaming audits: the caller keeps each callee's
 * recent calls (those within the frequency window, and every refused one) and passes them in.
 */
export type CallEvaluator = (call: LawCall, prior: readonly LawCall[]) => readonly Violation[];

/** An evaluator that remembers the numbering facts of the numbers it has seen. */
export function createEvaluator(facts: LawFacts, rules: RuleSet): CallEvaluator {
  const cache = new Map<string, NumberInfo>();
  const cachedFacts: LawFacts = {
    registry: facts.registry,
    describe(number) {
      let info = cache.get(number);
      if (info === undefined) {
        info = facts.describe(number);
        if (cache.size > 100_000) cache.clear();
        cache.set(number, info);
      }
      return info;
    },
  };
  // Audits stream the calls grouped by callee: the callee's facts are computed once per group.
  let last: CalleeFacts | undefined;
  return (call, prior) => {
    // Each callee is described once per group: not through the cache, which callers need.
    if (last === undefined || last.number !== call.callee) last = calleeFacts(call.callee, facts);
    return evaluateWithPrior(call, prior, cachedFacts, rules, last);
  };
}

/** Every violation among `calls` (any order), sorted by call time then rule id. */
export function auditCalls(calls: Iterable<CallRecord>, facts: LawFacts, rules: RuleSet): Violation[] {
  const sorted = [...calls].filter((call) => call.direction !== 'inbound').sort(compareCalls);
  const byCallee = new Map<string, LawCall[]>();
  const violations: Violation[] = [];
  const evaluate = createEvaluator(facts, rules);
  for (const record of sorted) {
    const call = lawCall(record);
    let prior = byCallee.get(call.callee);
    if (prior === undefined) {
      prior = [];
      byCallee.set(call.callee, prior);
    }
    for (const v of evaluate(call, prior)) violations.push(v);
    prior.push(call);
  }
  return violations.sort(compareViolations);
}

/** A call that has not happened yet, as `vigie check` and the gate ask about it. */
export interface ProposedCall {
  readonly caller: string;
  readonly callee: string;
  readonly at: Date;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly purpose: Purpose;
  readonly provider?: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly reasons: readonly {
    readonly rule: RuleId;
    readonly severity: Severity;
    readonly explanation: string;
  }[];
}

/** The decision for one future call: allowed only when no violation-level rule fires. */
export function checkCall(
  proposed: ProposedCall,
  history: Iterable<CallRecord>,
  facts: LawFacts,
  rules: RuleSet,
): Decision {
  const call: CallRecord = {
    provider: proposed.provider ?? '',
    callId: '\uffffcheck',
    startedAt: proposed.at,
    caller: proposed.caller,
    callee: proposed.callee,
    direction: 'outbound',
    outcome: 'no_answer',
    short: false,
    ringSeconds: null,
    talkSeconds: null,
    site: null,
    client: proposed.client,
    campaign: proposed.campaign,
    agent: null,
    purpose: proposed.purpose,
    refused: false,
    sipCode: null,
    q850Cause: null,
    attestation: null,
    disposition: null,
    signal: null,
  };
  const violations = evaluateCall(call, history, facts, rules);
  return {
    allowed: violations.every((v) => v.severity !== 'violation'),
    reasons: violations.map((v) => ({ rule: v.rule, severity: v.severity, explanation: v.explanation })),
  };
}
