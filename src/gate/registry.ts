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
} from '../registry/model.ts';
import { EMPTY_REGISTRY } from '../registry/model.ts';
import { RegistryIndex, type RegistryLookup } from '../registry/registry-index.ts';
import {
  Dictionary,
  GrowingUints,
  mergeDistinct,
  NO_SECONDS,
  numberKey,
  PackedUints,
  SortedKeys,
  toSeconds,
} from './compact.ts';

/** The number-keyed kinds the gate keeps in compact columns. */
export const COMPACT_KINDS = ['consents', 'customers', 'refusals', 'dnc', 'bloctel', 'contacts'] as const;
export type CompactKind = (typeof COMPACT_KINDS)[number];

export interface CompactRows {
  consents: Consent;
  customers: Customer;
  refusals: Refusal;
  dnc: DncEntry;
  bloctel: BloctelListing;
  contacts: Contact;
}

/**
 * How one kind's rows become columns: the instant it is ordered by (whole seconds in a Uint32Array),
 * the fields most rows share (interned as a dictionary id: client, scope, file…) and the rare fields
 * kept per row in a sparse map (a revocation, a slot, an instant that is not a whole second).
 */
interface Codec<T> {
  readonly time: (row: T) => number | null;
  readonly groupKey: (row: T) => string;
  readonly group: (row: T) => Partial<T>;
  readonly extra: (row: T) => Partial<T> | undefined;
  readonly decode: (
    number: string,
    time: number | null,
    line: number,
    group: Partial<T>,
    extra: Partial<T> | undefined,
  ) => T;
}

const sep = '\u0000';

function withExact<T>(
  extra: Partial<T> | undefined,
  field: keyof T & string,
  ms: number | null,
): Partial<T> | undefined {
  if (toSeconds(ms) !== NO_SECONDS && ms !== null) return extra;
  return { ...(extra ?? {}), [field]: ms } as Partial<T>;
}

const CODECS: { readonly [K in CompactKind]: Codec<CompactRows[K]> } = {
  consents: {
    time: (r) => r.grantedAt,
    groupKey: (r) => [r.client, r.scope, r.source ?? sep, r.file].join(sep),
    group: (r) => ({ client: r.client, scope: r.scope, source: r.source, file: r.file }),
    extra: (r) => {
      let x: Partial<Consent> | undefined;
      if (r.revokedAt !== null || r.slotFrom !== null || r.slotTo !== null)
        x = { revokedAt: r.revokedAt, slotFrom: r.slotFrom, slotTo: r.slotTo };
      return withExact(x, 'grantedAt', r.grantedAt);
    },
    decode: (number, time, line, g, x) => ({
      file: g.file ?? '',
      line,
      number,
      grantedAt: time ?? 0,
      client: g.client ?? '',
      scope: g.scope ?? '*',
      source: g.source ?? null,
      // The law engine never reads the proof: kept in the database, not in memory.
      proof: null,
      revokedAt: x?.revokedAt ?? null,
      slotFrom: x?.slotFrom ?? null,
      slotTo: x?.slotTo ?? null,
      ...(x?.grantedAt === undefined ? {} : { grantedAt: x.grantedAt }),
    }),
  },
  customers: {
    time: (r) => r.contractStart,
    groupKey: (r) => [r.client, r.file].join(sep),
    group: (r) => ({ client: r.client, file: r.file }),
    extra: (r) =>
      withExact<Customer>(
        r.contractEnd === null ? undefined : { contractEnd: r.contractEnd },
        'contractStart',
        r.contractStart,
      ),
    decode: (number, time, line, g, x) => ({
      file: g.file ?? '',
      line,
      number,
      client: g.client ?? '',
      contractStart: x?.contractStart ?? time ?? 0,
      contractEnd: x?.contractEnd ?? null,
    }),
  },
  refusals: {
    time: (r) => r.refusedAt,
    groupKey: (r) => [r.client ?? sep, r.file].join(sep),
    group: (r) => ({ client: r.client, file: r.file }),
    extra: (r) => withExact(undefined, 'refusedAt', r.refusedAt),
    decode: (number, time, line, g, x) => ({
      file: g.file ?? '',
      line,
      number,
      refusedAt: x?.refusedAt ?? time ?? 0,
      client: g.client ?? null,
    }),
  },
  dnc: {
    time: (r) => r.addedAt,
    groupKey: (r) => [r.reason ?? sep, r.file].join(sep),
    group: (r) => ({ reason: r.reason, file: r.file }),
    extra: (r) => (r.addedAt === null ? { addedAt: null } : withExact(undefined, 'addedAt', r.addedAt)),
    decode: (number, time, line, g, x) => ({
      file: g.file ?? '',
      line,
      number,
      addedAt: x === undefined ? time : (x.addedAt ?? null),
      reason: g.reason ?? null,
    }),
  },
  bloctel: {
    time: (r) => r.consultedAt,
    groupKey: (r) => [r.client ?? sep, r.file].join(sep),
    group: (r) => ({ client: r.client, file: r.file }),
    extra: (r) => withExact(undefined, 'consultedAt', r.consultedAt),
    decode: (number, time, line, g, x) => ({
      file: g.file ?? '',
      line,
      number,
      consultedAt: x?.consultedAt ?? time ?? 0,
      client: g.client ?? null,
    }),
  },
  contacts: {
    time: () => 0,
    groupKey: (r) => [r.type, r.postcode ?? sep, r.file].join(sep),
    group: (r) => ({ type: r.type, postcode: r.postcode, file: r.file }),
    extra: () => undefined,
    decode: (number, _time, line, g) => ({
      file: g.file ?? '',
      line,
      number,
      type: g.type ?? 'consumer',
      postcode: g.postcode ?? null,
    }),
  },
};

/** The order RegistryIndex keeps each kind's rows of a number in: by this instant, then load order. */
const ORDER: { readonly [K in CompactKind]: (row: CompactRows[K]) => number } = {
  consents: (c) => c.grantedAt,
  customers: (c) => c.contractStart,
  refusals: (r) => r.refusedAt,
  dnc: (d) => d.addedAt ?? Number.NEGATIVE_INFINITY,
  bloctel: (b) => b.consultedAt,
  contacts: () => 0,
};

/** Sorts one number's rows as RegistryIndex does (stable: load order among equals). */
export function sortRows<K extends CompactKind>(kind: K, rows: CompactRows[K][]): CompactRows[K][] {
  const order = ORDER[kind] as (row: CompactRows[K]) => number;
  return rows.sort((a, b) => {
    const d = order(a) - order(b);
    return Number.isNaN(d) ? 0 : d;
  });
}

/** One kind's rows in columns, read-only once built. */
export class CompactTable<T extends { readonly number: string; readonly line: number }> {
  readonly #codec: Codec<T>;
  readonly #keys: SortedKeys;
  readonly #time: Uint32Array;
  readonly #line: PackedUints;
  readonly #group: PackedUints;
  readonly #groups: readonly Partial<T>[];
  readonly #extra: ReadonlyMap<number, Partial<T>>;
  /** Rows of the numbers that are not `+33` and 9 digits, by number, in order. */
  readonly #side: ReadonlyMap<string, readonly T[]>;
  readonly #sideRows: number;

  constructor(parts: {
    codec: Codec<T>;
    keys: SortedKeys;
    time: Uint32Array;
    line: PackedUints;
    group: PackedUints;
    groups: readonly Partial<T>[];
    extra: ReadonlyMap<number, Partial<T>>;
    side: ReadonlyMap<string, readonly T[]>;
    sideRows: number;
  }) {
    this.#codec = parts.codec;
    this.#keys = parts.keys;
    this.#time = parts.time;
    this.#line = parts.line;
    this.#group = parts.group;
    this.#groups = parts.groups;
    this.#extra = parts.extra;
    this.#side = parts.side;
    this.#sideRows = parts.sideRows;
  }

  get rows(): number {
    return this.#keys.length + this.#sideRows;
  }

  /** Bytes of the typed arrays (the side map and the dictionaries are not counted: they are small). */
  get bytes(): number {
    return this.#keys.bytes + this.#time.byteLength + this.#line.bytes + this.#group.bytes;
  }

  /** The keys of the `+33` rows, in order. */
  keys(): Uint32Array {
    return this.#keys.toArray();
  }

  /** Whether `number` has any row (no row object made). */
  has(number: string): boolean {
    const key = numberKey(number);
    return key < 0 ? this.#side.has(number) : this.#keys.find(key) >= 0;
  }

  /** The rows of `number`, in order; made on demand from the columns. */
  of(number: string): readonly T[] {
    const key = numberKey(number);
    if (key < 0) return this.#side.get(number) ?? NONE;
    const first = this.#keys.find(key);
    if (first < 0) return NONE;
    const end = this.#keys.end;
    const rows: T[] = [];
    for (let i = first; i < end; i++) {
      const s = this.#time[i] ?? NO_SECONDS;
      rows.push(
        this.#codec.decode(
          number,
          s === NO_SECONDS ? null : s * 1000,
          this.#line.get(i),
          this.#groups[this.#group.get(i)] ?? {},
          this.#extra.get(i),
        ),
      );
    }
    return rows;
  }
}

const NONE: readonly never[] = [];

/**
 * Builds a CompactTable from rows pushed in order: by number (`+33` numbers in ascending order, as
 * DuckDB sorts their strings), then as `sortRows` orders a number's rows.
 */
export class CompactTableBuilder<K extends CompactKind> {
  readonly #codec: Codec<CompactRows[K]>;
  readonly #keys: GrowingUints;
  readonly #time: GrowingUints;
  readonly #line: GrowingUints;
  readonly #group: GrowingUints;
  readonly #groups = new Dictionary<Partial<CompactRows[K]>>();
  readonly #extra = new Map<number, Partial<CompactRows[K]>>();
  readonly #side = new Map<string, CompactRows[K][]>();
  #sideRows = 0;
  #lastKey = -1;

  constructor(kind: K, capacity = 1024) {
    this.#codec = CODECS[kind] as Codec<CompactRows[K]>;
    this.#keys = new GrowingUints(capacity);
    this.#time = new GrowingUints(capacity);
    this.#line = new GrowingUints(capacity);
    this.#group = new GrowingUints(capacity);
  }

  push(row: CompactRows[K]): void {
    this.pushKey(numberKey(row.number), row);
  }

  /** `push` of a row whose `+33` key is known (its number is then not read). */
  pushKey(key: number, row: CompactRows[K]): void {
    if (key < 0) {
      const list = this.#side.get(row.number);
      if (list === undefined) this.#side.set(row.number, [row]);
      else list.push(row);
      this.#sideRows++;
      return;
    }
    if (key < this.#lastKey) throw new Error(`registry rows out of order at ${row.number || key}`);
    this.#lastKey = key;
    const codec = this.#codec;
    const i = this.#keys.length;
    this.#keys.push(key);
    const t = toSeconds(codec.time(row));
    this.#time.push(t);
    this.#line.push(row.line);
    this.#group.push(this.#groups.id(codec.groupKey(row), () => codec.group(row)));
    const extra = codec.extra(row);
    if (extra !== undefined) this.#extra.set(i, extra);
  }

  build(): CompactTable<CompactRows[K]> {
    return new CompactTable<CompactRows[K]>({
      codec: this.#codec,
      keys: new SortedKeys(this.#keys.values()),
      time: this.#time.values().slice(),
      line: new PackedUints(this.#line.values()),
      group: new PackedUints(this.#group.values()),
      groups: this.#groups.values,
      extra: this.#extra,
      side: this.#side,
      sideRows: this.#sideRows,
    });
  }
}

/** A table of `rows` (any order): sorted by number, then as RegistryIndex orders them. */
export function tableOf<K extends CompactKind>(
  kind: K,
  rows: readonly CompactRows[K][],
): CompactTable<CompactRows[K]> {
  const byNumber = new Map<string, CompactRows[K][]>();
  if (kind === 'contacts') {
    // The last row of a number wins, as in RegistryIndex.
    for (const row of rows) byNumber.set(row.number, [row]);
  } else {
    for (const row of rows) {
      const list = byNumber.get(row.number);
      if (list === undefined) byNumber.set(row.number, [row]);
      else list.push(row);
    }
  }
  const numbers = [...byNumber.keys()].sort((a, b) => {
    const ka = numberKey(a);
    const kb = numberKey(b);
    return ka !== kb ? ka - kb : a < b ? -1 : a > b ? 1 : 0;
  });
  const builder = new CompactTableBuilder(kind, rows.length);
  for (const number of numbers)
    for (const row of sortRows(kind, byNumber.get(number) ?? [])) builder.push(row);
  return builder.build();
}

type Tables = { -readonly [K in CompactKind]: CompactTable<CompactRows[K]> };

/** What a registry change does: rows added to those in force, a kind replaced, or consents revoked. */
export type RegistryChange =
  | { readonly type: 'add'; readonly kind: CompactKind; readonly rows: readonly CompactRows[CompactKind][] }
  | {
      readonly type: 'revoke';
      readonly number: string;
      readonly client: string;
      /** null: every scope. */
      readonly scope: string | null;
      readonly at: number;
    };

/**
 * The registry as the gate holds it: the number-keyed kinds in compact columns (CompactTable), the
 * small kinds (consultations, assignments, campaigns) in a RegistryIndex, and the changes made since
 * the tables were built as each touched number's full list (a small map, read first). Answers the law
 * engine's questions as a RegistryIndex over the same rows would.
 */
export class GateRegistry implements RegistryLookup {
  readonly #tables: Tables;
  #small: RegistryIndex;
  readonly #changed: { [K in CompactKind]: Map<string, readonly CompactRows[K][]> } = {
    consents: new Map(),
    customers: new Map(),
    refusals: new Map(),
    dnc: new Map(),
    bloctel: new Map(),
    contacts: new Map(),
  };
  /** Bumped by every change: evaluators that cache a callee's facts start afresh. */
  version = 0;
  /** Keys of the numbers changed since the tables were built. */
  readonly #changedKeys = new Set<number>();
  /** Every `+33` key with a row of any compact kind (built on first use, dropped when a table is replaced). */
  #any: SortedKeys | undefined;

  constructor(tables: Tables, small: RegistryData) {
    this.#tables = tables;
    this.#small = new RegistryIndex({
      ...EMPTY_REGISTRY,
      consultations: small.consultations,
      assignments: small.assignments,
      campaigns: small.campaigns,
    });
  }

  /** A gate registry over parsed rows (files named on the command line, tests). */
  static fromData(data: RegistryData): GateRegistry {
    return new GateRegistry(
      {
        consents: tableOf('consents', data.consents),
        customers: tableOf('customers', data.customers),
        refusals: tableOf('refusals', data.refusals),
        dnc: tableOf('dnc', data.dnc),
        bloctel: tableOf('bloctel', data.bloctel),
        contacts: tableOf('contacts', data.contacts),
      },
      data,
    );
  }

  /** The small kinds' rows (assignments: another caller ID of a campaign). */
  get small(): RegistryData {
    return this.#small.data;
  }

  /** Rows and bytes of each compact kind. */
  sizes(): Record<CompactKind, { rows: number; bytes: number }> {
    const out = {} as Record<CompactKind, { rows: number; bytes: number }>;
    for (const kind of COMPACT_KINDS)
      out[kind] = { rows: this.#tables[kind].rows, bytes: this.#tables[kind].bytes };
    return out;
  }

  #rows<K extends CompactKind>(kind: K, number: string): readonly CompactRows[K][] {
    const changed = this.#changed[kind].get(number);
    if (changed !== undefined) return changed;
    return this.#tables[kind].of(number) as readonly CompactRows[K][];
  }

  /** Whether the number is on the internal do-not-call list at all (scrub's fast path). */
  hasAny(kind: CompactKind, number: string): boolean {
    const changed = this.#changed[kind].get(number);
    if (changed !== undefined) return changed.length > 0;
    return this.#tables[kind].has(number);
  }

  /**
   * Whether the registry holds nothing at all about this `+33` key (no row of any kind, no change):
   * the scrub's fast path, where every such callee of a zone gets the same decision.
   */
  knowsNothingOf(key: number): boolean {
    if (this.#any === undefined)
      this.#any = new SortedKeys(mergeDistinct(COMPACT_KINDS.map((kind) => this.#tables[kind].keys())));
    return !this.#any.has(key) && !this.#changedKeys.has(key);
  }

  /** Applies one change; the next question sees it. */
  apply(change: RegistryChange): void {
    this.version++;
    const numbers = change.type === 'revoke' ? [change.number] : change.rows.map((r) => r.number);
    for (const n of numbers) this.#changedKeys.add(numberKey(n));
    if (change.type === 'revoke') {
      const rows = this.#rows('consents', change.number).map((c) =>
        c.client === change.client &&
        (change.scope === null || c.scope === change.scope) &&
        c.grantedAt <= change.at &&
        (c.revokedAt === null || c.revokedAt > change.at)
          ? { ...c, revokedAt: change.at }
          : c,
      );
      this.#changed.consents.set(change.number, rows);
      return;
    }
    this.#add(change.kind, change.rows);
  }

  #add<K extends CompactKind>(kind: K, rows: readonly CompactRows[CompactKind][]): void {
    const map = this.#changed[kind] as Map<string, readonly CompactRows[K][]>;
    for (const row of rows as readonly CompactRows[K][]) {
      if (kind === 'contacts') {
        map.set(row.number, [row]);
        continue;
      }
      map.set(row.number, sortRows(kind, [...this.#rows(kind, row.number), row]));
    }
  }

  /** Replaces the small kinds (consultations, assignments, campaigns) with those of `data`. */
  replaceSmall(data: Pick<RegistryData, 'consultations' | 'assignments' | 'campaigns'>): void {
    this.version++;
    this.#small = new RegistryIndex({ ...EMPTY_REGISTRY, ...data });
  }

  /** Replaces one compact kind's table (a `replace` import): its changes are dropped with it. */
  replaceTable<K extends CompactKind>(kind: K, table: CompactTable<CompactRows[K]>): void {
    this.version++;
    (this.#tables as Record<CompactKind, unknown>)[kind] = table;
    this.#changed[kind].clear();
    this.#any = undefined;
  }

  consentsFor(number: string, client: string): readonly Consent[] {
    const rows = this.#rows('consents', number);
    if (rows.length === 0) return NONE;
    return rows.filter((c) => c.client === client);
  }

  contractInProgress(number: string, client: string, at: number): Customer | undefined {
    if (!this.hasAny('customers', number)) return undefined;
    return this.#rows('customers', number).find(
      (c) => c.client === client && c.contractStart <= at && (c.contractEnd === null || at < c.contractEnd),
    );
  }

  refusalsBefore(number: string, at: number, client: string | null): readonly Refusal[] {
    if (!this.hasAny('refusals', number)) return NONE;
    return this.#rows('refusals', number).filter(
      (r) => r.refusedAt <= at - 1 && (r.client === null || r.client === client),
    );
  }

  dncEntry(number: string, at: number): DncEntry | undefined {
    if (!this.hasAny('dnc', number)) return undefined;
    return this.#rows('dnc', number).find((d) => d.addedAt === null || d.addedAt <= at);
  }

  bloctelListings(
    number: string,
    from: number,
    to: number,
    client: string | null,
  ): readonly BloctelListing[] {
    if (!this.hasAny('bloctel', number)) return NONE;
    return this.#rows('bloctel', number).filter(
      (b) => b.consultedAt >= from && b.consultedAt <= to && (b.client === null || b.client === client),
    );
  }

  latestConsultation(client: string, at: number): Consultation | undefined {
    return this.#small.latestConsultation(client, at);
  }

  knowsAssignments(callerId: string, client: string | null): boolean {
    return this.#small.knowsAssignments(callerId, client);
  }

  assignmentsAt(callerId: string, at: number): readonly Assignment[] {
    return this.#small.assignmentsAt(callerId, at);
  }

  contact(number: string): Contact | undefined {
    return this.#rows('contacts', number)[0];
  }

  campaign(campaign: string, client: string | null): Campaign | undefined {
    return this.#small.campaign(campaign, client);
  }
}
