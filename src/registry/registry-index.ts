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

/**
 * In-memory indexes over the registry (maps keyed by number, values sorted by time), answering the
 * law engine's questions in O(log n). Pure: built from parsed rows.
 */
export class RegistryIndex {
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
    this.#consents = groupSorted(
      data.consents,
      (c) => c.number,
      (c) => c.grantedAt,
    );
    this.#customers = groupSorted(
      data.customers,
      (c) => c.number,
      (c) => c.contractStart,
    );
    this.#refusals = groupSorted(
      data.refusals,
      (r) => r.number,
      (r) => r.refusedAt,
    );
    this.#dnc = groupSorted(
      data.dnc,
      (d) => d.number,
      (d) => d.addedAt ?? Number.NEGATIVE_INFINITY,
    );
    this.#bloctel = groupSorted(
      data.bloctel,
      (b) => b.number,
      (b) => b.consultedAt,
    );
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

  /** Every consent of `number` for `client`, any scope, oldest first. */
  consentsFor(number: string, client: string): readonly Consent[] {
    return (this.#consents.get(number) ?? NONE).filter((c) => c.client === client);
  }

  /** A contract of `number` with `client` running at `at`. */
  contractInProgress(number: string, client: string, at: number): Customer | undefined {
    return (this.#customers.get(number) ?? NONE).find(
      (c) => c.client === client && c.contractStart <= at && (c.contractEnd === null || at < c.contractEnd),
    );
  }

  /** Refusals of `number` addressed to `client` (or to everyone) strictly before `at`, oldest first. */
  refusalsBefore(number: string, at: number, client: string | null): readonly Refusal[] {
    const list = this.#refusals.get(number) ?? NONE;
    const end = lastAtOrBefore(list, at - 1, (r) => r.refusedAt);
    return list.slice(0, end + 1).filter((r) => r.client === null || r.client === client);
  }

  /** The internal do-not-call entry of `number` in force at `at`. */
  dncEntry(number: string, at: number): DncEntry | undefined {
    const list = this.#dnc.get(number) ?? NONE;
    return list.find((d) => d.addedAt === null || d.addedAt <= at);
  }

  /** Bloctel consultations that returned `number` as registered, between `from` and `to` included. */
  bloctelListings(
    number: string,
    from: number,
    to: number,
    client: string | null,
  ): readonly BloctelListing[] {
    return (this.#bloctel.get(number) ?? NONE).filter(
      (b) => b.consultedAt >= from && b.consultedAt <= to && (b.client === null || b.client === client),
    );
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
