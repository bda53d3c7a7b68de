import type {
  Assignment,
  BloctelListing,
  Campaign,
  Consent,
  Consultation,
  Contact,
  Customer,
  DncEntry,
  Refusal,
  RegistryData,
} from './model.ts';
import { EMPTY_REGISTRY } from './model.ts';

function groupSorted<T>(
  rows: readonly T[],
  key: (row: T) => string,
  order: (row: T) => number,
): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list === undefined) map.set(k, [row]);
    else list.push(row);
  }
  for (const list of map.values()) list.sort((a, b) => order(a) - order(b));
  return map;
}

/** Index of the last element whose `order` is ≤ `at` in a list sorted by `order`, or -1. */
function lastAtOrBefore<T>(list: readonly T[], at: number, order: (row: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const row = list[mid];
    if (row !== undefined && order(row) <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

const NONE: readonly never[] = [];

/** The order RegistryIndex keeps each number-keyed kind in (a stable sort of the rows in load order). */
const ORDER = {
  consents: (c: Consent) => c.grantedAt,
  customers: (c: Customer) => c.contractStart,
  refusals: (r: Refusal) => r.refusedAt,
  dnc: (d: DncEntry) => d.addedAt ?? Number.NEGATIVE_INFINITY,
  bloctel: (b: BloctelListing) => b.consultedAt,
};

/** The questions the law engine asks of the registry. */
export interface RegistryLookup {
  /** Every consent of `number` for `client`, any scope, oldest first. */
  consentsFor(number: string, client: string): readonly Consent[];
  /** A contract of `number` with `client` running at `at`. */
  contractInProgress(number: string, client: string, at: number): Customer | undefined;
  /** Refusals of `number` addressed to `client` (or to everyone) strictly before `at`, oldest first. */
  refusalsBefore(number: string, at: number, client: string | null): readonly Refusal[];
  /** The internal do-not-call entry of `number` in force at `at`. */
  dncEntry(number: string, at: number): DncEntry | undefined;
  /** Bloctel consultations that returned `number` as registered, between `from` and `to` included. */
  bloctelListings(number: string, from: number, to: number, client: string | null): readonly BloctelListing[];
  /** The client's latest Bloctel consultation at or before `at`. */
  latestConsultation(client: string, at: number): Consultation | undefined;
  /** Whether assignments.csv says anything about this caller ID or this client. */
  knowsAssignments(callerId: string, client: string | null): boolean;
  /** Assignments of `callerId` running at `at`. */
  assignmentsAt(callerId: string, at: number): readonly Assignment[];
  contact(number: string): Contact | undefined;
  /** The campaign's row for `client`, else its row without a client. */
  campaign(campaign: string, client: string | null): Campaign | undefined;
}

const consentsIn = (list: readonly Consent[], client: string): readonly Consent[] =>
  list.filter((c) => c.client === client);

const contractIn = (list: readonly Customer[], client: string, at: number): Customer | undefined =>
  list.find(
    (c) => c.client === client && c.contractStart <= at && (c.contractEnd === null || at < c.contractEnd),
  );

function refusalsIn(list: readonly Refusal[], at: number, client: string | null): readonly Refusal[] {
  const end = lastAtOrBefore(list, at - 1, ORDER.refusals);
  return list.slice(0, end + 1).filter((r) => r.client === null || r.client === client);
}

const dncIn = (list: readonly DncEntry[], at: number): DncEntry | undefined =>
  list.find((d) => d.addedAt === null || d.addedAt <= at);

const bloctelIn = (
  list: readonly BloctelListing[],
  from: number,
  to: number,
  client: string | null,
): readonly BloctelListing[] =>
  list.filter(
    (b) => b.consultedAt >= from && b.consultedAt <= to && (b.client === null || b.client === client),
  );

/**
 * In-memory indexes over the registry (maps keyed by number, values sorted by time), answering the
 * law engine's questions in O(log n). Pure: built from parsed rows.
 */
export class RegistryIndex implements RegistryLookup {
  readonly data: RegistryData;
  readonly #consents: Map<string, Consent[]>;
  readonly #customers: Map<string, Customer[]>;
  readonly #refusals: Map<string, Refusal[]>;
  readonly #dnc: Map<string, DncEntry[]>;
  readonly #bloctel: Map<string, BloctelListing[]>;
  readonly #consultations: Map<string, Consultation[]>;
  readonly #assignmentsByCaller: Map<string, Assignment[]>;
  readonly #clientsWithAssignments: Set<string>;
  readonly #contacts: Map<string, Contact>;
  readonly #campaigns: Map<string, Campaign[]>;

  constructor(data: RegistryData = EMPTY_REGISTRY) {
    this.data = data;
    this.#consents = groupSorted(data.consents, (c) => c.number, ORDER.consents);
    this.#customers = groupSorted(data.customers, (c) => c.number, ORDER.customers);
    this.#refusals = groupSorted(data.refusals, (r) => r.number, ORDER.refusals);
    this.#dnc = groupSorted(data.dnc, (d) => d.number, ORDER.dnc);
    this.#bloctel = groupSorted(data.bloctel, (b) => b.number, ORDER.bloctel);
    this.#consultations = groupSorted(
      data.consultations,
      (c) => c.client,
      (c) => c.consultedAt,
    );
    this.#assignmentsByCaller = groupSorted(
      data.assignments,
      (a) => a.callerId,
      (a) => a.validFrom ?? Number.NEGATIVE_INFINITY,
    );
    this.#clientsWithAssignments = new Set(data.assignments.map((a) => a.client));
    this.#contacts = new Map(data.contacts.map((c) => [c.number, c]));
    this.#campaigns = groupSorted(
      data.campaigns,
      (c) => c.campaign,
      (c) => c.line,
    );
  }

  consentsFor(number: string, client: string): readonly Consent[] {
    return consentsIn(this.#consents.get(number) ?? NONE, client);
  }

  contractInProgress(number: string, client: string, at: number): Customer | undefined {
    return contractIn(this.#customers.get(number) ?? NONE, client, at);
  }

  refusalsBefore(number: string, at: number, client: string | null): readonly Refusal[] {
    return refusalsIn(this.#refusals.get(number) ?? NONE, at, client);
  }

  dncEntry(number: string, at: number): DncEntry | undefined {
    return dncIn(this.#dnc.get(number) ?? NONE, at);
  }

  bloctelListings(
    number: string,
    from: number,
    to: number,
    client: string | null,
  ): readonly BloctelListing[] {
    return bloctelIn(this.#bloctel.get(number) ?? NONE, from, to, client);
  }

  /** The client's latest Bloctel consultation at or before `at`. */
  latestConsultation(client: string, at: number): Consultation | undefined {
    const list = this.#consultations.get(client) ?? NONE;
    return list[lastAtOrBefore(list, at, (c) => c.consultedAt)];
  }

  /** Whether assignments.csv says anything about this caller ID or this client. */
  knowsAssignments(callerId: string, client: string | null): boolean {
    return (
      this.#assignmentsByCaller.has(callerId) || (client !== null && this.#clientsWithAssignments.has(client))
    );
  }

  /** Assignments of `callerId` running at `at`. */
  assignmentsAt(callerId: string, at: number): readonly Assignment[] {
    return (this.#assignmentsByCaller.get(callerId) ?? NONE).filter(
      (a) => (a.validFrom === null || a.validFrom <= at) && (a.validTo === null || at < a.validTo),
    );
  }

  contact(number: string): Contact | undefined {
    return this.#contacts.get(number);
  }

  /** The campaign's row for `client`, else its row without a client. */
  campaign(campaign: string, client: string | null): Campaign | undefined {
    const rows = this.#campaigns.get(campaign) ?? NONE;
    return (
      rows.find((c) => c.client !== null && c.client === client) ??
      rows.find((c) => c.client === null) ??
      rows[0]
    );
  }
}

/** The registry rows of one number, in load order (file, then line). */
export type NumberRows = Pick<
  RegistryData,
  'consents' | 'customers' | 'refusals' | 'dnc' | 'bloctel' | 'contacts'
>;

export const NO_NUMBER_ROWS: NumberRows = {
  consents: NONE,
  customers: NONE,
  refusals: NONE,
  dnc: NONE,
  bloctel: NONE,
  contacts: NONE,
};

const sortedBy = <T>(rows: readonly T[], order: (row: T) => number): readonly T[] =>
  rows.length < 2 ? rows : [...rows].sort((a, b) => order(a) - order(b));

/**
 * The registry as seen from one callee at a time: its number-keyed rows (consents, contracts,
 * refusals, DNC, Bloctel, contact) are those given to `moveTo`, streamed per callee by a stored
 * audit; the other kinds come from `shared`. Answers as a RegistryIndex over all the rows would.
 */
export class CalleeRegistry implements RegistryLookup {
  readonly #shared: RegistryLookup;
  #number = '';
  #rows: NumberRows = NO_NUMBER_ROWS;
  #contact: Contact | undefined;

  constructor(shared: RegistryLookup) {
    this.#shared = shared;
  }

  /** Makes `number` the current callee, with its rows in load order. */
  moveTo(number: string, rows: NumberRows): void {
    this.#number = number;
    this.#rows = {
      consents: sortedBy(rows.consents, ORDER.consents),
      customers: sortedBy(rows.customers, ORDER.customers),
      refusals: sortedBy(rows.refusals, ORDER.refusals),
      dnc: sortedBy(rows.dnc, ORDER.dnc),
      bloctel: sortedBy(rows.bloctel, ORDER.bloctel),
      contacts: rows.contacts,
    };
    this.#contact = rows.contacts.at(-1);
  }

  #of(number: string): NumberRows {
    if (number !== this.#number) throw new Error(`registry asked about ${number} while on ${this.#number}`);
    return this.#rows;
  }

  consentsFor(number: string, client: string): readonly Consent[] {
    return consentsIn(this.#of(number).consents, client);
  }

  contractInProgress(number: string, client: string, at: number): Customer | undefined {
    return contractIn(this.#of(number).customers, client, at);
  }

  refusalsBefore(number: string, at: number, client: string | null): readonly Refusal[] {
    return refusalsIn(this.#of(number).refusals, at, client);
  }

  dncEntry(number: string, at: number): DncEntry | undefined {
    return dncIn(this.#of(number).dnc, at);
  }

  bloctelListings(
    number: string,
    from: number,
    to: number,
    client: string | null,
  ): readonly BloctelListing[] {
    return bloctelIn(this.#of(number).bloctel, from, to, client);
  }

  contact(number: string): Contact | undefined {
    this.#of(number);
    return this.#contact;
  }

  latestConsultation(client: string, at: number): Consultation | undefined {
    return this.#shared.latestConsultation(client, at);
  }

  knowsAssignments(callerId: string, client: string | null): boolean {
    return this.#shared.knowsAssignments(callerId, client);
  }

  assignmentsAt(callerId: string, at: number): readonly Assignment[] {
    return this.#shared.assignmentsAt(callerId, at);
  }

  campaign(campaign: string, client: string | null): Campaign | undefined {
    return this.#shared.campaign(campaign, client);
  }
}
