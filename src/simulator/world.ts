import { addDays, DAY, fromLocal, parisMidnight, type Territory } from './calendar.ts';
import type { CallerKind, CampaignConfig, ExportFormat, ProfileConfig, SimulatorConfig } from './config.ts';
import {
  BlockAllocator,
  CALLEE_BLOCKS,
  CALLER_BLOCKS,
  type CalleeCategory,
  COUNTRY_CODES,
} from './numbers.ts';
import type { Random } from './random.ts';

export interface Site {
  readonly id: string;
  readonly city: string;
  readonly country: string;
  readonly timezone: string;
  readonly format: ExportFormat;
}

export interface Campaign {
  readonly index: number;
  /** The id written in the exports and the registry (VICIdial: one dialer campaign per caller ID). */
  readonly id: string;
  readonly baseId: string;
  readonly client: number;
  readonly provider: number;
  readonly purpose: CampaignConfig['purpose'];
  readonly sector: string;
  readonly dialer: 'automated' | 'manual';
}

export interface CallerId {
  readonly index: number;
  readonly national: string;
  readonly e164: string;
  readonly kind: CallerKind;
  readonly provider: number;
  readonly site: number;
  /** Campaigns this number serves (two for a pooler's number). */
  campaigns: number[];
  /** Campaigns it is assigned to in assignments.csv. */
  readonly assigned: number[];
  readonly dedicated: boolean;
  readonly spare: boolean;
  /** For a spare: the in-use number it replaces when that one is rested. */
  readonly twinOf: number;
  readonly baseAnswer: number;
}

export interface Provider {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly profileId: string;
  readonly profile: ProfileConfig;
  readonly sites: readonly Site[];
  readonly callerIds: number[];
}

export interface Client {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  /** Bloctel consultations (UTC seconds), before the consent regime. */
  readonly consultations: readonly number[];
}

/** The callees and their registry, in typed arrays (bounded by the population, not by the calls). */
export interface Population {
  readonly size: number;
  readonly territory: Uint8Array;
  readonly category: Uint8Array;
  readonly number: readonly string[];
  readonly professional: Uint8Array;
  /** 5-digit postcode, 0 when unknown (contacts.csv). */
  readonly postcode: Int32Array;
  readonly dncAt: Float64Array;
  readonly bloctel: Uint8Array;
  /** Per (callee × clients + client): consent grant, revocation (0 none), scope (-1 `*`, else campaign index). */
  readonly consentAt: Float64Array;
  readonly revokedAt: Float64Array;
  readonly scope: Int32Array;
  readonly customerFrom: Float64Array;
  readonly customerTo: Float64Array;
  /** Latest refusal (0 none): from refusals.csv before the period, then from calls. */
  readonly refusalAt: Float64Array;
  /** The client's last four prospecting attempts to the callee, for frequency.30d (ring buffer). */
  readonly attempts: Float64Array;
  readonly attemptsNext: Uint8Array;
  /** Per client: callees with a consent or a contract at the start, not refused, not on the DNC list. */
  readonly eligible: readonly Int32Array[];
  readonly customers: readonly Int32Array[];
}

export interface World {
  readonly config: SimulatorConfig;
  readonly start: number;
  readonly end: number;
  readonly days: readonly string[];
  readonly consentRegimeStart: number;
  readonly clients: readonly Client[];
  readonly providers: readonly Provider[];
  readonly campaigns: readonly Campaign[];
  readonly callerIds: readonly CallerId[];
  readonly population: Population;
}

export const TERRITORIES: readonly Territory[] = [
  'metropole',
  'guadeloupe',
  'martinique',
  'guyane',
  'reunion',
  'mayotte',
];

const CATEGORIES = Object.keys(CALLEE_BLOCKS) as CalleeCategory[];

function e164Of(territory: Territory, national: string): string {
  return `+${COUNTRY_CODES[territory]}${national.slice(1)}`;
}

const METRO_DEPARTMENTS = [
  '75',
  '92',
  '93',
  '94',
  '91',
  '78',
  '95',
  '77',
  '69',
  '13',
  '59',
  '62',
  '33',
  '31',
  '44',
  '35',
  '67',
  '68',
  '57',
  '06',
  '34',
  '38',
  '76',
  '14',
  '29',
  '56',
  '45',
  '37',
  '21',
  '25',
  '51',
  '54',
  '63',
  '64',
  '66',
  '72',
  '74',
  '83',
  '84',
  '87',
];
const OVERSEAS_POSTCODE: Readonly<Record<Territory, number>> = {
  metropole: 0,
  guadeloupe: 971,
  martinique: 972,
  guyane: 973,
  reunion: 974,
  mayotte: 976,
};

/** Moves a date so that its anniversary falls on a Sunday when that anniversary lies in the period (no call then). */
function sundayAnniversary(day: string, periodStart: string, periodEnd: string): string {
  const anniversary = `${Number(day.slice(0, 4)) + 1}${day.slice(4)}`;
  if (anniversary < periodStart || anniversary > periodEnd) return day;
  const weekday = new Date(`${anniversary}T12:00:00Z`).getUTCDay();
  return addDays(day, -weekday);
}

function noonUtc(day: string): number {
  return Date.parse(`${day}T12:00:00Z`) / 1000;
}

function buildPopulation(
  config: SimulatorConfig,
  rng: Random,
  campaigns: readonly Campaign[],
  startDay: string,
  endDay: string,
): Population {
  const p = config.population;
  const size = Math.round(Math.min(p.max, Math.max(p.min, config.calls * p.perCall)));
  const clients = config.clients.length;
  const territory = new Uint8Array(size);
  const category = new Uint8Array(size);
  const number: string[] = new Array<string>(size);
  const professional = new Uint8Array(size);
  const postcode = new Int32Array(size);
  const dncAt = new Float64Array(size);
  const bloctel = new Uint8Array(size);
  const consentAt = new Float64Array(size * clients);
  const revokedAt = new Float64Array(size * clients);
  const scope = new Int32Array(size * clients).fill(-1);
  const customerFrom = new Float64Array(size * clients);
  const customerTo = new Float64Array(size * clients);
  const refusalAt = new Float64Array(size * clients);
  const allocators = new Map<CalleeCategory, BlockAllocator>();
  const offset = rng.int(0, 9999);
  const start = noonUtc(startDay);
  const eligible: number[][] = config.clients.map(() => []);
  const customers: number[][] = config.clients.map(() => []);
  const prospecting = config.clients.map((_, c) =>
    campaigns.filter((k) => k.client === c && k.purpose === 'prospecting'),
  );
  for (let i = 0; i < size; i++) {
    let t: Territory = 'metropole';
    if (rng.chance(p.overseasShare)) t = rng.weighted(p.overseasWeights);
    const roll = rng.next();
    let kind: 'mobile' | 'fixed' | 'voip' =
      roll < p.mobileShare ? 'mobile' : roll < p.mobileShare + p.voipShare ? 'voip' : 'fixed';
    if (CALLEE_BLOCKS[`${t}:${kind}`] === undefined) kind = 'mobile';
    const cat: CalleeCategory = `${t}:${kind}`;
    let allocator = allocators.get(cat);
    if (allocator === undefined) {
      allocator = new BlockAllocator(CALLEE_BLOCKS[cat] ?? []);
      allocators.set(cat, allocator);
    }
    const national = allocator.next(offset);
    if (national === undefined) throw new Error(`simulator: no more numbers in ${cat}; lower population.max`);
    territory[i] = TERRITORIES.indexOf(t);
    category[i] = CATEGORIES.indexOf(cat);
    number[i] = e164Of(t, national);
    professional[i] = rng.chance(p.professionalShare) ? 1 : 0;
    if (rng.chance(p.postcodeShare)) {
      postcode[i] =
        t === 'metropole'
          ? Number(rng.pick(METRO_DEPARTMENTS)) * 1000 + rng.int(0, 99) * 10
          : OVERSEAS_POSTCODE[t] * 100 + rng.int(0, 9) * 10;
    }
    if (rng.chance(p.dncShare))
      dncAt[i] = noonUtc(addDays(startDay, -rng.int(1, 720))) + rng.int(-3, 6) * 3600;
    bloctel[i] = rng.chance(p.bloctelShare) ? 1 : 0;
    for (let c = 0; c < clients; c++) {
      const j = i * clients + c;
      if (rng.chance(p.consentShare)) {
        const r = rng.next();
        let day: string;
        if (r < p.consentRevokedShare) {
          day = addDays(startDay, -rng.int(30, 300));
          // Revoked before the period, or on a Sunday inside it (no call is placed on Sundays).
          const inside = rng.chance(0.3) && config.days > 7;
          let revokeDay = inside
            ? addDays(startDay, rng.int(1, config.days - 1))
            : addDays(startDay, -rng.int(1, 29));
          if (inside) revokeDay = addDays(revokeDay, -new Date(`${revokeDay}T12:00:00Z`).getUTCDay());
          if (revokeDay <= day) revokeDay = addDays(day, 1);
          revokedAt[j] = noonUtc(revokeDay);
        } else if (r < p.consentRevokedShare + p.consentOldShare) {
          day = addDays(startDay, -365 - rng.int(-config.days, 120));
        } else {
          day = addDays(startDay, -rng.int(1, 330));
        }
        day = sundayAnniversary(day, startDay, endDay);
        consentAt[j] = noonUtc(day);
        const campaignsOfClient = prospecting[c] ?? [];
        if (campaignsOfClient.length > 0 && rng.chance(p.consentCampaignScopeShare)) {
          scope[j] = rng.pick(campaignsOfClient).index;
        }
      }
      if (rng.chance(p.customerShare)) {
        customerFrom[j] = noonUtc(addDays(startDay, -rng.int(10, 1000)));
        if (rng.chance(0.2)) customerTo[j] = noonUtc(addDays(startDay, -rng.int(1, 9)));
      }
      if (rng.chance(p.refusalShare)) refusalAt[j] = start - rng.int(1, 120) * DAY + rng.int(-7200, 21600);
      const customer = customerFrom[j] !== 0 && customerTo[j] === 0;
      const consented =
        (consentAt[j] ?? 0) !== 0 &&
        ((revokedAt[j] ?? 0) === 0 || (revokedAt[j] ?? 0) > start) &&
        (consentAt[j] ?? 0) > start - 365 * DAY;
      if (customer) customers[c]?.push(i);
      if ((customer || consented) && refusalAt[j] === 0 && dncAt[i] === 0) eligible[c]?.push(i);
    }
  }
  return {
    size,
    territory,
    category,
    number,
    professional,
    postcode,
    dncAt,
    bloctel,
    consentAt,
    revokedAt,
    scope,
    customerFrom,
    customerTo,
    refusalAt,
    attempts: new Float64Array(size * clients * 4),
    attemptsNext: new Uint8Array(size * clients),
    eligible: eligible.map((list) => Int32Array.from(list)),
    customers: customers.map((list) => Int32Array.from(list)),
  };
}

/** Working days in the period for a profile: the unit that turns `calls` into numbers of caller IDs. */
function workingWeight(
  profile: ProfileConfig,
  days: readonly string[],
  holidays: (day: string) => boolean,
): number {
  let weight = 0;
  for (const day of days) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday === 0) continue;
    if (holidays(day) && !profile.callsOnHolidays) continue;
    weight += weekday === 6 ? profile.saturdayVolume : 1;
  }
  return Math.max(weight, 1);
}

export function buildWorld(config: SimulatorConfig, rng: Random, isHoliday: (day: string) => boolean): World {
  const days = Array.from({ length: config.days }, (_, i) => addDays(config.start, i));
  const lastDay = days[days.length - 1] ?? config.start;
  const clients: Client[] = config.clients.map((c, index) => {
    const regime = config.consentRegimeStart;
    const consultations: number[] = [];
    // Bloctel consultations from three months before the period (or before the regime) up to the day before the regime.
    const earliest = [config.start, regime].sort()[0] ?? regime;
    const first = addDays(earliest, -90 + index * 3);
    for (let day = first; day < regime && day <= lastDay; day = addDays(day, c.bloctelEveryDays)) {
      consultations.push(fromLocal('Europe/Paris', Date.parse(`${day}T09:00:00Z`) / 1000));
    }
    return { index, id: c.id, name: c.name, consultations };
  });
  const clientIndex = new Map(clients.map((c) => [c.id, c.index]));
  const providers: Provider[] = [];
  const campaigns: Campaign[] = [];
  const callerIds: CallerId[] = [];
  const allocators = new Map<CallerKind, BlockAllocator>();
  const callerOffset = rng.int(0, 9999);
  const nextCaller = (kind: CallerKind): string => {
    let allocator = allocators.get(kind);
    if (allocator === undefined) {
      allocator = new BlockAllocator(CALLER_BLOCKS[kind]);
      allocators.set(kind, allocator);
    }
    const national = allocator.next(callerOffset);
    if (national === undefined) throw new Error(`simulator: no more caller IDs of kind ${kind}`);
    return national;
  };
  config.providers.forEach((pc, p) => {
    const profile = config.profiles[pc.profile];
    const sites: Site[] = pc.sites.map((s) => ({
      id: s.id,
      city: s.city,
      country: s.country,
      timezone: s.timezone,
      format: s.format,
    }));
    const provider: Provider = {
      index: p,
      id: pc.id,
      name: pc.name,
      profileId: pc.profile,
      profile,
      sites,
      callerIds: [],
    };
    providers.push(provider);
    const perDay = (config.calls * pc.share) / workingWeight(profile, days, isHoliday);
    const mean = (profile.attemptsPerNumberPerDay[0] + profile.attemptsPerNumberPerDay[1]) / 2;
    const inUse = Math.max(1, Math.round(perDay / mean));
    const spares = profile.spareNumbers > 0 ? Math.ceil(inUse * profile.spareNumbers) : 0;
    // Sites by share, campaigns by share: deterministic quotas over the provider's numbers.
    const siteOf = (k: number): number =>
      quota(
        pc.sites.map((s) => s.share),
        k,
        inUse,
      );
    const baseCampaigns = pc.campaigns;
    const campaignCache = new Map<string, number>();
    const campaignFor = (cfg: CampaignConfig, site: Site, ordinal: number): number => {
      const id = site.format === 'vicidial' ? `${cfg.id}${String(ordinal + 1).padStart(2, '0')}` : cfg.id;
      const existing = campaignCache.get(id);
      if (existing !== undefined) return existing;
      const campaign: Campaign = {
        index: campaigns.length,
        id,
        baseId: cfg.id,
        client: clientIndex.get(cfg.client) ?? 0,
        provider: p,
        purpose: cfg.purpose,
        sector: cfg.sector,
        dialer: cfg.dialer,
      };
      campaigns.push(campaign);
      campaignCache.set(id, campaign.index);
      return campaign.index;
    };
    for (let k = 0; k < inUse + spares; k++) {
      const spare = k >= inUse;
      const twin = spare ? k - inUse : -1;
      const slot = spare ? twin : k;
      const siteIdx = siteOf(slot);
      const site = sites[siteIdx] ?? sites[0];
      if (site === undefined) throw new Error(`provider ${pc.id} has no site`);
      const allowed = baseCampaigns.filter((c) => c.sites === undefined || c.sites.includes(site.id));
      const usable = allowed.length > 0 ? allowed : baseCampaigns;
      const mine: number[] = [];
      if (profile.campaignsPerNumber >= 2) {
        for (const cfg of usable.slice(0, profile.campaignsPerNumber))
          mine.push(campaignFor(cfg, site, slot));
      } else {
        const cfg =
          usable[
            quota(
              usable.map((c) => c.share),
              slot,
              inUse,
            )
          ] ?? usable[0];
        if (cfg !== undefined) mine.push(campaignFor(cfg, site, slot));
      }
      const kind = profile.callerKinds[slot % profile.callerKinds.length] ?? 'npv';
      const national = nextCaller(kind);
      let assigned = [...mine];
      if (profile.campaignsPerNumber >= 2 && slot >= Math.round(inUse * (pc.pooledAssignedToBoth ?? 1))) {
        assigned = mine.slice(0, 1);
      }
      if (kind === 'mobile') assigned = [];
      const caller: CallerId = {
        index: callerIds.length,
        national,
        e164: `+33${national.slice(1)}`,
        kind,
        provider: p,
        site: sites.indexOf(site),
        campaigns: mine,
        assigned,
        dedicated: pc.profile === 'virtuous' || pc.profile === 'pooler',
        spare,
        twinOf: spare ? (provider.callerIds[twin] ?? -1) : -1,
        baseAnswer: rng.between(
          config.reputation.healthyAnswerRate[0],
          config.reputation.healthyAnswerRate[1],
        ),
      };
      callerIds.push(caller);
      provider.callerIds.push(caller.index);
    }
  });
  const population = buildPopulation(config, rng.fork('population'), campaigns, config.start, lastDay);
  return {
    config,
    start: parisMidnight(config.start),
    end: parisMidnight(addDays(lastDay, 1)),
    days,
    consentRegimeStart: parisMidnight(config.consentRegimeStart),
    clients,
    providers,
    campaigns,
    callerIds,
    population,
  };
}

/** The bucket of item k of n when buckets have these shares (largest-remainder, deterministic). */
function quota(shares: readonly number[], k: number, n: number): number {
  const total = shares.reduce((a, b) => a + b, 0) || 1;
  const position = (k + 0.5) / Math.max(n, 1);
  let acc = 0;
  for (let i = 0; i < shares.length; i++) {
    acc += (shares[i] ?? 0) / total;
    if (position < acc) return i;
  }
  return Math.max(0, shares.length - 1);
}

/** Consent standing of a callee for a client and campaign at time t (law.md consent.*). */
export function consentStatus(
  pop: Population,
  clients: number,
  i: number,
  c: number,
  campaign: number,
  t: number,
): 'valid' | 'invalid' | 'missing' {
  const j = i * clients + c;
  const granted = pop.consentAt[j] ?? 0;
  if (granted === 0 || granted > t) return 'missing';
  const scope = pop.scope[j] ?? -1;
  if (scope !== -1 && scope !== campaign) return 'missing';
  const revoked = pop.revokedAt[j] ?? 0;
  if (revoked !== 0 && revoked <= t) return 'invalid';
  if (oneYearAfter(granted) < t) return 'invalid';
  return 'valid';
}

/** The same wall-clock instant one calendar year later. */
export function oneYearAfter(utc: number): number {
  const d = new Date(utc * 1000);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.getTime() / 1000;
}

export function isCustomer(pop: Population, clients: number, i: number, c: number, t: number): boolean {
  const j = i * clients + c;
  const from = pop.customerFrom[j] ?? 0;
  const to = pop.customerTo[j] ?? 0;
  return from !== 0 && from <= t && (to === 0 || to >= t);
}

/** Prior prospecting attempts of the client to the callee since `since` (from the ring buffer). */
export function attemptsSince(pop: Population, clients: number, i: number, c: number, since: number): number {
  const base = (i * clients + c) * 4;
  let n = 0;
  for (let k = 0; k < 4; k++) {
    const t = pop.attempts[base + k] ?? 0;
    if (t !== 0 && t > since) n++;
  }
  return n;
}

export function recordAttempt(pop: Population, clients: number, i: number, c: number, t: number): void {
  const j = i * clients + c;
  const next = pop.attemptsNext[j] ?? 0;
  pop.attempts[j * 4 + next] = t;
  pop.attemptsNext[j] = (next + 1) % 4;
}
