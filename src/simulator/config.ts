/**
 * The simulator's one configuration: every parameter of the model, with the defaults that
 * `docs/simulator.md` explains figure by figure. Versioned: a change of meaning bumps `version`,
 * and `truth.json` records the resolved configuration that produced it.
 */

export const SIMULATOR_CONFIG_VERSION = 1;

export type ProfileId = 'virtuous' | 'volume_pusher' | 'pooler' | 'careless';

/** How a site's dialer exports its records (records.md §2); `canonical-excel` is canonical CSV saved by French Excel. */
export type ExportFormat =
  | 'canonical'
  | 'canonical-excel'
  | 'asterisk'
  | 'freeswitch'
  | 'vicidial'
  | 'twilio';

export type CallerKind = 'npv' | 'ordinary_01' | 'ordinary_09' | 'mobile';

export interface ProfileConfig {
  readonly description: string;
  /** Attempts each caller ID in use makes per working day, drawn uniformly in [min, max]. */
  readonly attemptsPerNumberPerDay: readonly [number, number];
  /** How many times the same callee is dialled in one day by one caller ID, uniformly in [min, max]. */
  readonly dialsPerCalleePerDay: readonly [number, number];
  /** Share of yesterday's callees dialled again today (the volume pusher's recycled list). */
  readonly carryOverShare: number;
  /** Share of attempts placed outside 10:00–13:00 / 14:00–20:00 (Paris time): before 10:00, at lunch, after 20:00. */
  readonly outOfHoursShare: number;
  /** Volume on Saturdays as a share of a weekday's (0: never calls on Saturdays). */
  readonly saturdayVolume: number;
  readonly callsOnHolidays: boolean;
  /** Schedules overseas callees in their own time zone (false: calls them on Paris hours). */
  readonly respectsCalleeTimeZone: boolean;
  /** Share of callees picked from the client's consented or customer list; the rest from anyone. */
  readonly consentedShare: number;
  readonly respectsRefusals: boolean;
  readonly respectsDnc: boolean;
  /** Skips callees that the client already called 4 times in 30 days. */
  readonly respectsFrequency: boolean;
  /** Rests a caller ID as soon as it is labelled and puts a spare number in its place. */
  readonly restsLabelledNumbers: boolean;
  /** Spare caller IDs, as a share of the numbers in use. */
  readonly spareNumbers: number;
  /** Caller IDs of each kind, cycled in this order (the careless provider mixes ordinary and mobile numbers). */
  readonly callerKinds: readonly CallerKind[];
  /** Each caller ID serves this many campaigns (2: the pooler shares its numbers between two clients). */
  readonly campaignsPerNumber: number;
  /** Share of dialled numbers that no longer exist (quality of the list). */
  readonly invalidNumberShare: number;
}

export interface ClientConfig {
  readonly id: string;
  readonly name: string;
  /** Bloctel consultations before 2026-08-11, every `bloctelEveryDays` days; a gap makes `bloctel.stale` calls. */
  readonly bloctelEveryDays: number;
}

export interface SiteConfig {
  readonly id: string;
  readonly city: string;
  readonly country: string;
  readonly timezone: string;
  readonly format: ExportFormat;
  /** Share of the provider's caller IDs that this site dials from. */
  readonly share: number;
}

export interface CampaignConfig {
  readonly id: string;
  readonly client: string;
  readonly purpose: 'prospecting' | 'service' | 'collection' | 'survey' | 'other';
  /** Free text, or the reserved `energy_renovation`, `renewables`, `home_adaptation`, `cpf` of the sector bans. */
  readonly sector: string;
  readonly dialer: 'automated' | 'manual';
  /** Share of the provider's caller IDs serving this campaign (for poolers: of the first campaign slot). */
  readonly share: number;
  /** Restricts the campaign to some sites of the provider (all when absent). */
  readonly sites?: readonly string[];
}

export interface ProviderConfig {
  readonly id: string;
  readonly name: string;
  readonly profile: ProfileId;
  /** Share of all outbound attempts this provider places. */
  readonly share: number;
  readonly sites: readonly SiteConfig[];
  readonly campaigns: readonly CampaignConfig[];
  /** For poolers: share of pooled numbers that are assigned to both clients (the rest only to the first). */
  readonly pooledAssignedToBoth?: number;
}

export interface PopulationConfig {
  /** Callees per requested call (the size of the dialled population), bounded below and above. */
  readonly perCall: number;
  readonly min: number;
  readonly max: number;
  /** Share of overseas numbers (Guadeloupe, Martinique, Guyane, Réunion, Mayotte), split by `overseasWeights`. */
  readonly overseasShare: number;
  readonly overseasWeights: Readonly<
    Record<'guadeloupe' | 'martinique' | 'guyane' | 'reunion' | 'mayotte', number>
  >;
  /** Metropolitan line types. */
  readonly mobileShare: number;
  readonly voipShare: number;
  readonly professionalShare: number;
  /** Share of callees whose postcode is known (contacts.csv). */
  readonly postcodeShare: number;
  /** Per client: share of the population with a consent record, and how those consents stand. */
  readonly consentShare: number;
  readonly consentRevokedShare: number;
  /** Consents older than one year (some of them expire during the simulated period). */
  readonly consentOldShare: number;
  /** Share of consents whose scope is one campaign rather than `*`. */
  readonly consentCampaignScopeShare: number;
  readonly customerShare: number;
  /** Refusals recorded before the simulated period, per client. */
  readonly refusalShare: number;
  readonly dncShare: number;
  /** Numbers registered on Bloctel (12 million numbers for about 68 million people). */
  readonly bloctelShare: number;
}

export interface ReputationConfig {
  /** Report probability of one attempt before any pressure factor. */
  readonly baseReportRate: number;
  /** Daily volume of the caller ID above which each extra 100 attempts adds `volumeFactorPer100`. */
  readonly volumeKnee: number;
  readonly volumeFactorPer100: number;
  /** Multipliers of the report probability. */
  readonly repeatFactor: number;
  readonly outOfHoursFactor: number;
  readonly noConsentFactor: number;
  readonly shortCallFactor: number;
  /** The 7-day report rate (reports ÷ attempts) above which apps and carriers label the number. */
  readonly labelThreshold: number;
  /** Above this rate the damage is severe. */
  readonly severeThreshold: number;
  readonly minAttemptsToLabel: number;
  /** Label strength on the first labelled day, and its daily growth while the number keeps calling. */
  readonly labelInitialStrength: number;
  readonly labelDailySpread: number;
  /** Answer rate of a fully labelled number as a share of its healthy rate (30 % → 12 %). */
  readonly labelledAnswerFactor: number;
  /** Healthy answer rate of a number, uniformly in [min, max]. */
  readonly healthyAnswerRate: readonly [number, number];
  /** Days of rest that clear a label: light (report rate 2–5 %) and severe (above 5 %). */
  readonly lightRecoveryDays: readonly [number, number];
  readonly severeRecoveryDays: readonly [number, number];
  /** Share of answered calls shorter than 6 s when healthy, and the extra share at full label. */
  readonly shortShareHealthy: number;
  readonly shortShareLabelledExtra: number;
  /** Probability that a missed (or answered) callee calls the number back, healthy; the label removes `callbackLabelLoss` of it. */
  readonly callbackAfterMissed: number;
  readonly callbackAfterAnswered: number;
  readonly callbackLabelLoss: number;
  /** Extra share of attempts that carriers block with SIP 607/608 at full label. */
  readonly blockedLabelledExtra: number;
}

export interface OutcomeConfig {
  /** How unanswered attempts split (renormalised after `invalid_number`, which the list decides). */
  readonly unanswered: Readonly<
    Record<'voicemail' | 'no_answer' | 'busy' | 'rejected' | 'blocked' | 'failed' | 'canceled', number>
  >;
  /** Ring time of answered calls: log-normal with this median (s) and sigma. */
  readonly answeredRingMedian: number;
  readonly answeredRingSigma: number;
  /** Dialer ring timeout for no-answer attempts, uniformly in [min, max] s. */
  readonly noAnswerRing: readonly [number, number];
  /** Talk time of an answered, not short call: log-normal median (s) and sigma. */
  readonly talkMedian: number;
  readonly talkSigma: number;
  /** Share of answered prospecting calls in which the callee asks not to be called again (with / without consent). */
  readonly refusalWithConsent: number;
  readonly refusalWithoutConsent: number;
  /** Share of answered calls that end in a sale (disposition only). */
  readonly saleShare: number;
}

export interface CorruptionConfig {
  /** Share of written call rows deliberately made unreadable (listed in truth.json with file and line). */
  readonly share: number;
}

export interface SimulatorConfig {
  readonly version: typeof SIMULATOR_CONFIG_VERSION;
  readonly seed: string;
  /** First simulated day (YYYY-MM-DD, Paris). */
  readonly start: string;
  readonly days: number;
  /** Outbound attempts to simulate in total (the real count follows whole caller IDs, see docs). */
  readonly calls: number;
  /** Start of the consent regime (law.md): Bloctel before, consent from this day. */
  readonly consentRegimeStart: string;
  /** Contract cap of attempts per caller ID per day (clause.daily_cap). */
  readonly dailyCap: number;
  readonly clients: readonly ClientConfig[];
  readonly providers: readonly ProviderConfig[];
  readonly profiles: Readonly<Record<ProfileId, ProfileConfig>>;
  readonly population: PopulationConfig;
  readonly reputation: ReputationConfig;
  readonly outcomes: OutcomeConfig;
  readonly corruption: CorruptionConfig;
}

export const DEFAULT_PROFILES: Readonly<Record<ProfileId, ProfileConfig>> = {
  virtuous: {
    description:
      'Dedicated NPV numbers, 60–80 attempts per number per day, legal hours in the callee’s zone, consented or customer callees only, refusals, DNC and the 4-in-30-days cap respected, labelled numbers rested.',
    attemptsPerNumberPerDay: [60, 80],
    dialsPerCalleePerDay: [1, 1],
    carryOverShare: 0,
    outOfHoursShare: 0,
    saturdayVolume: 0,
    callsOnHolidays: false,
    respectsCalleeTimeZone: true,
    consentedShare: 1,
    respectsRefusals: true,
    respectsDnc: true,
    respectsFrequency: true,
    restsLabelledNumbers: true,
    spareNumbers: 0.5,
    callerKinds: ['npv'],
    campaignsPerNumber: 1,
    invalidNumberShare: 0.02,
  },
  volume_pusher: {
    description:
      'NPV numbers pushed to 150–250 attempts per day, the same people dialled 2–4 times a day and again the next days; legal hours mostly; lists partly without consent.',
    attemptsPerNumberPerDay: [150, 250],
    dialsPerCalleePerDay: [2, 4],
    carryOverShare: 0.5,
    outOfHoursShare: 0.03,
    saturdayVolume: 0,
    callsOnHolidays: false,
    respectsCalleeTimeZone: true,
    consentedShare: 0.7,
    respectsRefusals: false,
    respectsDnc: true,
    respectsFrequency: false,
    restsLabelledNumbers: false,
    spareNumbers: 0,
    callerKinds: ['npv'],
    campaignsPerNumber: 1,
    invalidNumberShare: 0.04,
  },
  pooler: {
    description:
      'The same NPV numbers serve two clients’ campaigns on the same day; 90–130 attempts per number; legal hours; mostly consented lists.',
    attemptsPerNumberPerDay: [90, 130],
    dialsPerCalleePerDay: [1, 2],
    carryOverShare: 0.2,
    outOfHoursShare: 0.01,
    saturdayVolume: 0,
    callsOnHolidays: false,
    respectsCalleeTimeZone: true,
    consentedShare: 0.85,
    respectsRefusals: true,
    respectsDnc: true,
    respectsFrequency: false,
    restsLabelledNumbers: false,
    spareNumbers: 0,
    callerKinds: ['npv'],
    campaignsPerNumber: 2,
    invalidNumberShare: 0.03,
  },
  careless: {
    description:
      'Calls before 10:00, at lunch and after 20:00, on Saturdays and holidays, on Paris hours whatever the callee’s zone; ignores refusals, DNC and consent; ordinary 01/09 numbers and a mobile among its caller IDs.',
    attemptsPerNumberPerDay: [80, 150],
    dialsPerCalleePerDay: [1, 2],
    carryOverShare: 0.2,
    outOfHoursShare: 0.3,
    saturdayVolume: 0.6,
    callsOnHolidays: true,
    respectsCalleeTimeZone: false,
    consentedShare: 0.35,
    respectsRefusals: false,
    respectsDnc: false,
    respectsFrequency: false,
    restsLabelledNumbers: false,
    spareNumbers: 0,
    callerKinds: ['ordinary_01', 'npv', 'mobile', 'npv', 'ordinary_09'],
    campaignsPerNumber: 1,
    invalidNumberShare: 0.08,
  },
};

export const DEFAULT_CONFIG: SimulatorConfig = {
  version: SIMULATOR_CONFIG_VERSION,
  seed: '1',
  start: '2026-10-19',
  days: 28,
  calls: 300_000,
  consentRegimeStart: '2026-08-11',
  dailyCap: 150,
  clients: [
    { id: 'enerlux', name: 'Enerlux Énergie', bloctelEveryDays: 28 },
    { id: 'assurplus', name: 'Assur’Plus Mutuelle', bloctelEveryDays: 42 },
  ],
  providers: [
    {
      id: 'hexacall',
      name: 'Hexacall',
      profile: 'virtuous',
      share: 0.3,
      sites: [
        {
          id: 'lille',
          city: 'Lille',
          country: 'FR',
          timezone: 'Europe/Paris',
          format: 'canonical-excel',
          share: 0.6,
        },
        {
          id: 'port-louis',
          city: 'Port-Louis',
          country: 'MU',
          timezone: 'Indian/Mauritius',
          format: 'twilio',
          share: 0.4,
        },
      ],
      campaigns: [
        {
          id: 'ENX-ELEC',
          client: 'enerlux',
          purpose: 'prospecting',
          sector: 'energy_supply',
          dialer: 'automated',
          share: 0.45,
        },
        {
          id: 'ENX-SERV',
          client: 'enerlux',
          purpose: 'service',
          sector: 'energy_supply',
          dialer: 'manual',
          share: 0.15,
          sites: ['lille'],
        },
        {
          id: 'ASP-AUTO',
          client: 'assurplus',
          purpose: 'prospecting',
          sector: 'insurance',
          dialer: 'automated',
          share: 0.4,
        },
      ],
    },
    {
      id: 'atlas-relation',
      name: 'Atlas Relation Client',
      profile: 'volume_pusher',
      share: 0.3,
      sites: [
        {
          id: 'casablanca',
          city: 'Casablanca',
          country: 'MA',
          timezone: 'Africa/Casablanca',
          format: 'asterisk',
          share: 1,
        },
      ],
      campaigns: [
        {
          id: 'ASP-SANTE',
          client: 'assurplus',
          purpose: 'prospecting',
          sector: 'insurance',
          dialer: 'automated',
          share: 1,
        },
      ],
    },
    {
      id: 'medina-call',
      name: 'Médina Call',
      profile: 'pooler',
      share: 0.2,
      pooledAssignedToBoth: 0.5,
      sites: [
        { id: 'tunis', city: 'Tunis', country: 'TN', timezone: 'Africa/Tunis', format: 'vicidial', share: 1 },
      ],
      campaigns: [
        {
          id: 'ENXTUN',
          client: 'enerlux',
          purpose: 'prospecting',
          sector: 'energy_supply',
          dialer: 'automated',
          share: 1,
        },
        {
          id: 'ASPTUN',
          client: 'assurplus',
          purpose: 'prospecting',
          sector: 'insurance',
          dialer: 'automated',
          share: 1,
        },
      ],
    },
    {
      id: 'bonplan-phoning',
      name: 'Bon Plan Phoning',
      profile: 'careless',
      share: 0.2,
      sites: [
        {
          id: 'dakar',
          city: 'Dakar',
          country: 'SN',
          timezone: 'Africa/Dakar',
          format: 'freeswitch',
          share: 0.6,
        },
        {
          id: 'antananarivo',
          city: 'Antananarivo',
          country: 'MG',
          timezone: 'Indian/Antananarivo',
          format: 'freeswitch',
          share: 0.4,
        },
      ],
      campaigns: [
        {
          id: 'ENX-PROMO',
          client: 'enerlux',
          purpose: 'prospecting',
          sector: 'energy_supply',
          dialer: 'automated',
          share: 0.75,
        },
        {
          id: 'ENX-ISOL',
          client: 'enerlux',
          purpose: 'prospecting',
          sector: 'energy_renovation',
          dialer: 'automated',
          share: 0.25,
        },
      ],
    },
  ],
  profiles: DEFAULT_PROFILES,
  population: {
    perCall: 0.5,
    min: 20_000,
    max: 3_000_000,
    overseasShare: 0.03,
    overseasWeights: { guadeloupe: 0.18, martinique: 0.17, guyane: 0.13, reunion: 0.42, mayotte: 0.1 },
    mobileShare: 0.62,
    voipShare: 0.1,
    professionalShare: 0.06,
    postcodeShare: 0.5,
    consentShare: 0.45,
    consentRevokedShare: 0.08,
    consentOldShare: 0.12,
    consentCampaignScopeShare: 0.1,
    customerShare: 0.08,
    refusalShare: 0.03,
    dncShare: 0.01,
    bloctelShare: 0.12,
  },
  reputation: {
    baseReportRate: 0.0035,
    volumeKnee: 100,
    volumeFactorPer100: 1,
    repeatFactor: 2.5,
    outOfHoursFactor: 3,
    noConsentFactor: 2.5,
    shortCallFactor: 2,
    labelThreshold: 0.02,
    severeThreshold: 0.05,
    minAttemptsToLabel: 100,
    labelInitialStrength: 0.5,
    labelDailySpread: 0.25,
    labelledAnswerFactor: 0.42,
    healthyAnswerRate: [0.25, 0.35],
    lightRecoveryDays: [28, 56],
    severeRecoveryDays: [90, 180],
    shortShareHealthy: 0.06,
    shortShareLabelledExtra: 0.3,
    callbackAfterMissed: 0.05,
    callbackAfterAnswered: 0.01,
    callbackLabelLoss: 0.85,
    blockedLabelledExtra: 0.12,
  },
  outcomes: {
    unanswered: {
      voicemail: 0.3,
      no_answer: 0.48,
      busy: 0.08,
      rejected: 0.05,
      blocked: 0.03,
      failed: 0.04,
      canceled: 0.02,
    },
    answeredRingMedian: 9,
    answeredRingSigma: 0.45,
    noAnswerRing: [25, 45],
    talkMedian: 75,
    talkSigma: 0.9,
    refusalWithConsent: 0.02,
    refusalWithoutConsent: 0.1,
    saleShare: 0.06,
  },
  corruption: { share: 0.0005 },
};

/** The options `simulate` and the CLI take; everything else comes from the configuration. */
export interface SimulateOptions {
  readonly seed?: string | number;
  readonly days?: number;
  readonly calls?: number;
  readonly start?: string;
  readonly out: string;
  /** Overrides of the default configuration (deep-merged for plain objects; arrays replace). */
  readonly config?: ConfigOverrides;
  /** Called after each simulated day. */
  readonly onDay?: (progress: DayProgress) => void;
}

export type ConfigOverrides = { readonly [K in keyof SimulatorConfig]?: unknown };

export interface DayProgress {
  readonly day: string;
  readonly index: number;
  readonly days: number;
  readonly calls: number;
  readonly totalCalls: number;
  readonly labelled: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override)) out[key] = merge(base[key], value);
    return out;
  }
  return override;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Resolves options over the defaults and checks them; throws a plain Error naming every bad value. */
export function resolveConfig(options: Omit<SimulateOptions, 'out'>): SimulatorConfig {
  // The merge result has the shape of DEFAULT_CONFIG; the checks below guard the fields users set.
  const merged = merge(DEFAULT_CONFIG, options.config ?? {}) as SimulatorConfig;
  const config: SimulatorConfig = {
    ...merged,
    seed: String(options.seed ?? merged.seed),
    days: options.days ?? merged.days,
    calls: options.calls ?? merged.calls,
    start: options.start ?? merged.start,
  };
  const problems: string[] = [];
  if (!Number.isInteger(config.days) || config.days < 1 || config.days > 3660)
    problems.push('days must be 1–3660');
  if (!Number.isFinite(config.calls) || config.calls < 1) problems.push('calls must be a positive number');
  if (!DATE.test(config.start) || Number.isNaN(Date.parse(`${config.start}T12:00:00Z`)))
    problems.push(`start must be a date YYYY-MM-DD (got ${config.start})`);
  if (config.version !== SIMULATOR_CONFIG_VERSION)
    problems.push(`config version must be ${SIMULATOR_CONFIG_VERSION}`);
  const clients = new Set(config.clients.map((c) => c.id));
  for (const provider of config.providers) {
    if (!(provider.profile in config.profiles))
      problems.push(`provider ${provider.id}: unknown profile ${provider.profile}`);
    if (provider.sites.length === 0) problems.push(`provider ${provider.id}: no site`);
    for (const campaign of provider.campaigns) {
      if (!clients.has(campaign.client))
        problems.push(`campaign ${campaign.id}: unknown client ${campaign.client}`);
    }
    if (provider.campaigns.length === 0) problems.push(`provider ${provider.id}: no campaign`);
  }
  if (problems.length > 0) throw new Error(`invalid simulator configuration: ${problems.join('; ')}`);
  return config;
}
