import type { Purpose } from '../records/model.ts';

/** Where a registry row came from: kept as evidence and named in explanations and errors. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

/**
 * Registry instants are UTC milliseconds. A date without a time (`2026-03-01`) is the start of that
 * day in the registry's zone (Europe/Paris by default); an end date without a time (`contract_end`,
 * `valid_to`) covers its whole day, so it is stored as the start of the next day, exclusive.
 */
export type Millis = number;

export interface Consent extends Origin {
  readonly number: string;
  readonly grantedAt: Millis;
  readonly client: string;
  /** `*` or a campaign / product. */
  readonly scope: string;
  readonly source: string | null;
  readonly proof: string | null;
  readonly revokedAt: Millis | null;
  /** Optional extension: the date and time slot the consumer agreed to be called in, `[from, to)`. */
  readonly slotFrom: Millis | null;
  readonly slotTo: Millis | null;
}

export interface Customer extends Origin {
  readonly number: string;
  readonly client: string;
  readonly contractStart: Millis;
  /** Exclusive; null while the contract runs. */
  readonly contractEnd: Millis | null;
}

export interface Refusal extends Origin {
  readonly number: string;
  readonly refusedAt: Millis;
  /** null: the refusal is addressed to every client. */
  readonly client: string | null;
}

export interface DncEntry extends Origin {
  readonly number: string;
  /** null when the file does not say: on the list since always. */
  readonly addedAt: Millis | null;
  readonly reason: string | null;
}

export interface BloctelListing extends Origin {
  readonly number: string;
  readonly consultedAt: Millis;
  /** Optional extension: the client whose consultation returned it; null: any client's. */
  readonly client: string | null;
}

export interface Consultation extends Origin {
  readonly client: string;
  readonly consultedAt: Millis;
  readonly numbersSubmitted: number | null;
}

export interface Assignment extends Origin {
  readonly callerId: string;
  readonly client: string;
  readonly provider: string | null;
  readonly campaign: string | null;
  readonly validFrom: Millis | null;
  /** Exclusive; null while it runs. */
  readonly validTo: Millis | null;
  readonly dedicated: boolean;
}

export type ContactType = 'consumer' | 'professional';

export interface Contact extends Origin {
  readonly number: string;
  readonly type: ContactType;
  readonly postcode: string | null;
}

export type Dialer = 'automated' | 'manual';

export interface Campaign extends Origin {
  readonly campaign: string;
  readonly client: string | null;
  readonly purpose: Purpose | null;
  readonly sector: string | null;
  readonly dialer: Dialer;
}

/** All registry rows, as parsed from a registry folder (records.md §5). */
export interface RegistryData {
  readonly consents: readonly Consent[];
  readonly customers: readonly Customer[];
  readonly refusals: readonly Refusal[];
  readonly dnc: readonly DncEntry[];
  readonly bloctel: readonly BloctelListing[];
  readonly consultations: readonly Consultation[];
  readonly assignments: readonly Assignment[];
  readonly contacts: readonly Contact[];
  readonly campaigns: readonly Campaign[];
}

export const REGISTRY_FILES = [
  'consents',
  'customers',
  'refusals',
  'dnc',
  'bloctel',
  'consultations',
  'assignments',
  'contacts',
  'campaigns',
] as const;
export type RegistryFile = (typeof REGISTRY_FILES)[number];

export const EMPTY_REGISTRY: RegistryData = {
  consents: [],
  customers: [],
  refusals: [],
  dnc: [],
  bloctel: [],
  consultations: [],
  assignments: [],
  contacts: [],
  campaigns: [],
};

/** A row that could not be read: file, line, field and why. */
export interface RowError {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface ParseResult<T> {
  readonly rows: T[];
  readonly errors: RowError[];
}
