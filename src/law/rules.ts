/**
 * The rule table of law.md as data: scope, validity (callee's local dates, `validFrom` inclusive,
 * `validTo` exclusive), default severity and thresholds. A deployment overrides rows with a JSON file
 * (`mergeRuleConfig`); rule ids are public contracts and never change.
 */

export type Severity = 'violation' | 'warning';

/**
 * - `consumer_prospecting`: purpose `prospecting` towards a consumer (not `professional` in contacts.csv);
 * - `automated_prospecting`: purpose `prospecting` placed by an automated dialer (campaigns.csv, default);
 * - `consumer_call`: any purpose, towards a consumer;
 * - `any_call`: every call.
 */
export type RuleScope = 'consumer_prospecting' | 'automated_prospecting' | 'consumer_call' | 'any_call';

export interface SectorBan {
  readonly sector: string;
  /** `YYYY-MM-DD`, inclusive. */
  readonly from: string;
}

export interface RuleParams {
  'hours.window': {
    /** Allowed local windows `[from, to)`, `HH:MM`. */
    readonly windows: readonly (readonly [string, string])[];
    /** From this date only a consent naming the call's date and slot lifts the window; before it, any express consent to out-of-hours calls. */
    readonly slotConsentFrom: string;
  };
  'hours.day': {
    /** ISO weekdays on which prospecting is banned (6 Saturday, 7 Sunday). */
    readonly days: readonly number[];
  };
  'hours.holiday': Record<string, never>;
  'hours.local_holiday': Record<string, never>;
  'frequency.30d': {
    readonly maxAttempts: number;
    /** Rolling window in calendar days of the callee, the call's own day included. */
    readonly windowDays: number;
  };
  'refusal.recontact': {
    /** Calendar days after the refusal's day during which no call may be made (calls before `permanentFrom`). */
    readonly waitDays: number;
    /** From this date (the call's), a refusal is a permanent stop. */
    readonly permanentFrom: string;
  };
  'consent.missing': Record<string, never>;
  'consent.invalid': {
    /** A consent lapses this many months after it was granted. */
    readonly maxAgeMonths: number;
  };
  'sector.banned': {
    readonly sectors: readonly SectorBan[];
  };
  'bloctel.listed': {
    /** A Bloctel consultation is valid for this many calendar days. */
    readonly maxAgeDays: number;
  };
  'bloctel.stale': {
    readonly maxAgeDays: number;
  };
  'dnc.internal': Record<string, never>;
  'callerid.not_npv': Record<string, never>;
  'callerid.mobile': Record<string, never>;
  'callerid.forbidden': Record<string, never>;
  'callerid.unattributed': Record<string, never>;
  'callerid.not_assigned': Record<string, never>;
}

export type RuleId = keyof RuleParams;

export interface Rule<I extends RuleId = RuleId> {
  readonly id: I;
  readonly scope: RuleScope;
  /** `YYYY-MM-DD` (callee's local date), inclusive; null: since always. */
  readonly validFrom: string | null;
  /** `YYYY-MM-DD`, exclusive; null: still in force. */
  readonly validTo: string | null;
  readonly severity: Severity;
  readonly enabled: boolean;
  /** A contract in progress (customers.csv) exempts the call from this rule. */
  readonly contractExempt: boolean;
  /** French title for tables and reports. */
  readonly title: string;
  readonly params: RuleParams[I];
}

export type RuleSet = { readonly [I in RuleId]: Rule<I> };

/** Every rule id, in the order used to sort violations of one call. */
export const RULE_IDS: readonly RuleId[] = [
  'bloctel.listed',
  'bloctel.stale',
  'callerid.forbidden',
  'callerid.mobile',
  'callerid.not_assigned',
  'callerid.not_npv',
  'callerid.unattributed',
  'consent.invalid',
  'consent.missing',
  'dnc.internal',
  'frequency.30d',
  'hours.day',
  'hours.holiday',
  'hours.local_holiday',
  'hours.window',
  'refusal.recontact',
  'sector.banned',
];

/** The date the opt-in regime of loi 2025-594 started and Bloctel ended (law.md). */
export const OPT_IN_DATE = '2026-08-11';

export const DEFAULT_RULES: RuleSet = {
  'hours.window': {
    id: 'hours.window',
    scope: 'consumer_prospecting',
    validFrom: '2023-03-01',
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Appel hors des plages horaires autorisées',
    params: {
      windows: [
        ['10:00', '13:00'],
        ['14:00', '20:00'],
      ],
      slotConsentFrom: OPT_IN_DATE,
    },
  },
  'hours.day': {
    id: 'hours.day',
    scope: 'consumer_prospecting',
    validFrom: '2023-03-01',
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Appel un samedi ou un dimanche',
    params: { days: [6, 7] },
  },
  'hours.holiday': {
    id: 'hours.holiday',
    scope: 'consumer_prospecting',
    validFrom: '2023-03-01',
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Appel un jour férié national',
    params: {},
  },
  'hours.local_holiday': {
    id: 'hours.local_holiday',
    scope: 'consumer_prospecting',
    validFrom: '2023-03-01',
    validTo: null,
    severity: 'warning',
    enabled: true,
    contractExempt: false,
    title: 'Appel un jour férié local (risque)',
    params: {},
  },
  'frequency.30d': {
    id: 'frequency.30d',
    scope: 'consumer_prospecting',
    validFrom: '2023-03-01',
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Plus de 4 appels en 30 jours',
    params: { maxAttempts: 4, windowDays: 30 },
  },
  'refusal.recontact': {
    id: 'refusal.recontact',
    scope: 'consumer_prospecting',
    validFrom: '2023-03-01',
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Rappel après un refus',
    params: { waitDays: 60, permanentFrom: OPT_IN_DATE },
  },
  'consent.missing': {
    id: 'consent.missing',
    scope: 'consumer_prospecting',
    validFrom: OPT_IN_DATE,
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: true,
    title: 'Aucun consentement préalable',
    params: {},
  },
  'consent.invalid': {
    id: 'consent.invalid',
    scope: 'consumer_prospecting',
    validFrom: OPT_IN_DATE,
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: true,
    title: 'Consentement révoqué ou expiré',
    params: { maxAgeMonths: 12 },
  },
  'sector.banned': {
    id: 'sector.banned',
    scope: 'consumer_prospecting',
    validFrom: null,
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: true,
    title: 'Secteur interdit de démarchage téléphonique',
    params: {
      sectors: [
        { sector: 'energy_renovation', from: '2020-07-26' },
        { sector: 'renewables', from: '2020-07-26' },
        { sector: 'home_adaptation', from: OPT_IN_DATE },
        { sector: 'cpf', from: '2022-12-01' },
      ],
    },
  },
  'bloctel.listed': {
    id: 'bloctel.listed',
    scope: 'consumer_prospecting',
    validFrom: '2016-06-01',
    validTo: OPT_IN_DATE,
    severity: 'violation',
    enabled: true,
    contractExempt: true,
    title: 'Numéro inscrit sur Bloctel',
    params: { maxAgeDays: 30 },
  },
  'bloctel.stale': {
    id: 'bloctel.stale',
    scope: 'consumer_prospecting',
    validFrom: '2016-06-01',
    validTo: OPT_IN_DATE,
    severity: 'violation',
    enabled: true,
    contractExempt: true,
    title: 'Fichier non passé sur Bloctel depuis plus de 30 jours',
    params: { maxAgeDays: 30 },
  },
  'dnc.internal': {
    id: 'dnc.internal',
    scope: 'any_call',
    validFrom: null,
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Numéro sur la liste interne d’opposition',
    params: {},
  },
  'callerid.not_npv': {
    id: 'callerid.not_npv',
    scope: 'automated_prospecting',
    validFrom: '2023-01-01',
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Numéro présenté géographique ou 09 hors tranches NPV',
    params: {},
  },
  'callerid.mobile': {
    id: 'callerid.mobile',
    scope: 'any_call',
    validFrom: '2023-01-01',
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Numéro mobile présenté par un centre d’appels',
    params: {},
  },
  'callerid.forbidden': {
    id: 'callerid.forbidden',
    scope: 'consumer_call',
    validFrom: '2016-08-01',
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Numéro présenté masqué ou interdit',
    params: {},
  },
  'callerid.unattributed': {
    id: 'callerid.unattributed',
    scope: 'any_call',
    validFrom: null,
    validTo: null,
    severity: 'violation',
    enabled: true,
    contractExempt: false,
    title: 'Numéro présenté non attribué par l’ARCEP',
    params: {},
  },
  'callerid.not_assigned': {
    id: 'callerid.not_assigned',
    scope: 'any_call',
    validFrom: null,
    validTo: null,
    severity: 'warning',
    enabled: true,
    contractExempt: false,
    title: 'Numéro présenté non affecté au client',
    params: {},
  },
};

/** A deployment's override of some rows: `{"rules": {"hours.local_holiday": {"severity": "violation"}}}`. */
export interface RuleOverride {
  readonly severity?: Severity;
  readonly validFrom?: string | null;
  readonly validTo?: string | null;
  readonly enabled?: boolean;
  readonly params?: Record<string, unknown>;
}

export class RuleConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid rule configuration: ${issues.join('; ')}`);
    this.name = 'RuleConfigError';
    this.issues = issues;
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(DEFAULT_RULES, id);
}

function sameShape(base: unknown, value: unknown): boolean {
  if (Array.isArray(base)) {
    if (!Array.isArray(value)) return false;
    const sample: unknown = base[0];
    return sample === undefined || value.every((item) => sameShape(sample, item));
  }
  if (isRecord(base)) {
    return isRecord(value) && Object.keys(base).every((k) => sameShape(base[k], value[k]));
  }
  return typeof base === typeof value;
}

/** A rule whose params were checked against the default's shape by `sameShape` above. */
function withParams<I extends RuleId>(rule: Rule<I>, params: Record<string, unknown>): Rule<I> {
  return { ...rule, params: { ...rule.params, ...params } as RuleParams[I] };
}

/**
 * Merges a deployment's JSON configuration (already parsed) over `base`; every problem is reported at
 * once in a `RuleConfigError`.
 */
export function mergeRuleConfig(base: RuleSet, config: unknown): RuleSet {
  const issues: string[] = [];
  if (!isRecord(config)) throw new RuleConfigError(['the configuration must be a JSON object']);
  const rules = config.rules ?? {};
  if (!isRecord(rules)) throw new RuleConfigError(['"rules" must be an object keyed by rule id']);
  const merged: Record<string, Rule> = { ...base };
  for (const [id, override] of Object.entries(rules)) {
    if (!isRuleId(id)) {
      issues.push(`unknown rule id "${id}"`);
      continue;
    }
    if (!isRecord(override)) {
      issues.push(`${id}: must be an object`);
      continue;
    }
    let rule: Rule = base[id];
    for (const [key, value] of Object.entries(override)) {
      if (key === 'severity') {
        if (value === 'violation' || value === 'warning') rule = { ...rule, severity: value };
        else issues.push(`${id}.severity: "violation" or "warning"`);
      } else if (key === 'validFrom' || key === 'validTo') {
        if (value === null || (typeof value === 'string' && DATE.test(value)))
          rule = { ...rule, [key]: value };
        else issues.push(`${id}.${key}: a YYYY-MM-DD date or null`);
      } else if (key === 'enabled') {
        if (typeof value === 'boolean') rule = { ...rule, enabled: value };
        else issues.push(`${id}.enabled: true or false`);
      } else if (key === 'params') {
        if (!isRecord(value)) {
          issues.push(`${id}.params: must be an object`);
          continue;
        }
        const defaults: Record<string, unknown> = { ...rule.params };
        const bad = Object.entries(value).filter(([k, v]) => !(k in defaults) || !sameShape(defaults[k], v));
        for (const [k] of bad) issues.push(`${id}.params.${k}: unknown or of the wrong type`);
        if (bad.length === 0) rule = withParams(rule, value);
      } else {
        issues.push(`${id}.${key}: unknown key`);
      }
    }
    merged[id] = rule;
  }
  if (issues.length > 0) throw new RuleConfigError(issues);
  return asRuleSet(merged);
}

/** Every key of `merged` started as `base`'s row of the same id and kept its id (checked above). */
function asRuleSet(merged: Record<string, Rule>): RuleSet {
  return merged as unknown as RuleSet;
}

/** Whether `rule` is in force on local date `date` (`YYYY-MM-DD`). */
export function inForce(rule: Rule, date: string): boolean {
  if (!rule.enabled) return false;
  if (rule.validFrom !== null && date < rule.validFrom) return false;
  if (rule.validTo !== null && date >= rule.validTo) return false;
  return true;
}
