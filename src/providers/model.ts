/**
 * The organisation and its contracts as the pure core sees them: clients, providers and their sites,
 * campaigns, caller-ID assignments and each provider's clauses. Money is in integer cents; rates are
 * fractions; days are `YYYY-MM-DD` in Europe/Paris.
 */
import type { Assignment } from '../registry/model.ts';
import type { Thresholds } from '../reputation/model.ts';

export type BreachType =
  | 'clause.daily_cap'
  | 'clause.dedicated'
  | 'clause.reporting'
  | 'violation'
  | 'burnt_number'
  | 'service_level';

export const BREACH_TYPE_LIST: readonly BreachType[] = [
  'clause.daily_cap',
  'clause.dedicated',
  'clause.reporting',
  'violation',
  'burnt_number',
  'service_level',
];

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

export interface TransferBasis {
  readonly basis: 'adequacy' | 'scc';
  readonly signed: string | null;
  readonly dpia: boolean;
}

export interface Site {
  readonly id: string;
  readonly city: string;
  readonly country: string;
  readonly location: 'onshore' | 'offshore';
  readonly timezone: string | null;
  readonly transfer: TransferBasis | null;
}

export interface InboundServiceLevel {
  readonly answeredShare: number;
  readonly withinSeconds: number;
  readonly abandonAfterSeconds: number;
  readonly maxAbandonment: number;
  readonly per: 'hour' | 'day';
}

export interface PenaltySchedule {
  /** Cents per breach of each type; a type absent costs nothing. */
  readonly amounts: Readonly<Partial<Record<BreachType, number>>>;
  /** Cents at most per calendar month, per type and in total. */
  readonly monthlyCap: Readonly<Partial<Record<BreachType | 'total', number>>>;
}

export interface Contract {
  readonly dailyCap: number;
  readonly dedicatedNumbers: boolean;
  readonly reportingDay: Weekday;
  readonly thresholds: Partial<Thresholds>;
  readonly inbound: InboundServiceLevel | null;
  readonly penalties: PenaltySchedule;
}

export interface Provider {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly sites: readonly Site[];
  readonly contract: Contract;
}

export interface Client {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
}

export interface CampaignInfo {
  readonly id: string;
  readonly client: string;
  readonly provider: string;
  readonly purpose: string | null;
  readonly sector: string | null;
  readonly dialer: 'automated' | 'manual' | null;
  readonly direction: 'inbound' | 'outbound';
}

/** A site sending personal data outside the EU without a documented GDPR transfer basis. */
export interface TransferFlag {
  readonly provider: string;
  readonly site: string;
  readonly country: string;
  readonly reason: 'no_basis' | 'scc_unsigned' | 'no_dpia';
}

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly from: string;
  readonly user: string | null;
  readonly password: string | null;
}

export interface Organisation {
  /** The file it was read from (named in messages), or '' for the built-in default. */
  readonly file: string;
  readonly clients: readonly Client[];
  readonly providers: readonly Provider[];
  readonly campaigns: readonly CampaignInfo[];
  readonly assignments: readonly Assignment[];
  readonly transferFlags: readonly TransferFlag[];
  readonly report: {
    readonly folder: string | null;
    readonly lang: 'fr' | 'en';
    readonly smtp: SmtpSettings | null;
  };
}

export const DEFAULT_CONTRACT: Contract = {
  dailyCap: 150,
  dedicatedNumbers: false,
  reportingDay: 'monday',
  thresholds: {},
  inbound: null,
  penalties: { amounts: {}, monthlyCap: {} },
};

/** Countries with a European Commission adequacy decision or inside the EEA need no further basis. */
export const EEA = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
]);

/** The transfer flags of the offshore sites: no basis, SCCs without a signature date, or no DPIA. */
export function transferFlags(providers: readonly Provider[]): TransferFlag[] {
  const flags: TransferFlag[] = [];
  for (const p of providers) {
    for (const s of p.sites) {
      if (s.location !== 'offshore' || EEA.has(s.country)) continue;
      const flag = (reason: TransferFlag['reason']) =>
        flags.push({ provider: p.id, site: s.id, country: s.country, reason });
      if (s.transfer === null) flag('no_basis');
      else if (s.transfer.basis === 'scc' && s.transfer.signed === null) flag('scc_unsigned');
      else if (s.transfer.basis === 'scc' && !s.transfer.dpia) flag('no_dpia');
    }
  }
  return flags;
}
