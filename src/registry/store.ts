import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { isUtf8 } from 'node:buffer';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBResult,
  type DuckDBValue,
  timestampTZValue,
} from '@duckdb/node-api';
import { appendEvidence } from '../evidence/store.ts';
import { UsageError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import { decodeText } from './load.ts';
import { compareNumberOrder, numberKeySql, type Share, shareSql } from './number-order.ts';
import {
  type Assignment,
  type BloctelListing,
  type Campaign,
  type Consent,
  type Consultation,
  type Contact,
  type Customer,
  type DncEntry,
  EMPTY_REGISTRY,
  type Origin,
  type Refusal,
  REGISTRY_FILES,
  type RegistryData,
  type RegistryFile,
  type RowError,
} from './model.ts';
import { REGISTRY_PARSERS, type RegistryParseOptions } from './parse.ts';

type ColumnKind = 'text' | 'time' | 'int' | 'bool';
type Cell = string | number | boolean | null;

interface Column<T> {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly value: (row: T) => Cell;
}

/** The rows of one chunk read back from DuckDB, read at `row`, cells in the spec's column order. */
class Cells {
  readonly columns: readonly (readonly DuckDBValue[])[];
  row = 0;
  constructor(columns: readonly (readonly DuckDBValue[])[]) {
    this.columns = columns;
  }
  at(i: number): DuckDBValue | undefined {
    return this.columns[i]?.[this.row];
  }
  text(i: number): string | null {
    const v = this.at(i);
    return typeof v === 'string' ? v : null;
  }
  str(i: number): string {
    return this.text(i) ?? '';
  }
  num(i: number): number | null {
    const v = this.at(i);
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    return null;
  }
  bool(i: number): boolean {
    return this.at(i) === true;
  }
}

interface TableSpec<T> {
  readonly table: RegistryFile;
  readonly columns: readonly Column<T>[];
  readonly build: (cells: Cells, origin: Origin) => T;
}

function spec<T>(
  table: RegistryFile,
  columns: readonly Column<T>[],
  build: TableSpec<T>['build'],
): TableSpec<T> {
  return { table, columns, build };
}

const c = <T>(name: string, kind: ColumnKind, value: (row: T) => Cell): Column<T> => ({ name, kind, value });

const SPECS = {
  consents: spec<Consent>(
    'consents',
    [
      c('number', 'text', (r) => r.number),
      c('granted_at', 'time', (r) => r.grantedAt),
      c('client', 'text', (r) => r.client),
      c('scope', 'text', (r) => r.scope),
      c('source', 'text', (r) => r.source),
      c('proof', 'text', (r) => r.proof),
      c('revoked_at', 'time', (r) => r.revokedAt),
      c('slot_from', 'time', (r) => r.slotFrom),
      c('slot_to', 'time', (r) => r.slotTo),
    ],
    (x, o) => ({
      file: o.file,
      line: o.line,
      number: x.str(0),
      grantedAt: x.num(1) ?? 0,
      client: x.str(2),
      scope: x.str(3),
      source: x.text(4),
      proof: x.text(5),
      revokedAt: x.num(6),
      slotFrom: x.num(7),
      slotTo: x.num(8),
    }),
  ),
  customers: spec<Customer>(
    'customers',
    [
      c('number', 'text', (r) => r.number),
      c('client', 'text', (r) => r.client),
      c('contract_start', 'time', (r) => r.contractStart),
      c('contract_end', 'time', (r) => r.contractEnd),
    ],
    (x, o) => ({
      file: o.file,
      line: o.line,
      number: x.str(0),
      client: x.str(1),
      contractStart: x.num(2) ?? 0,
      contractEnd: x.num(3),
    }),
  ),
  refusals: spec<Refusal>(
    'refusals',
    [
      c('number', 'text', (r) => r.number),
      c('refused_at', 'time', (r) => r.refusedAt),
      c('client', 'text', (r) => r.client),
    ],
    (x, o) => ({ file: o.file, line: o.line, number: x.str(0), refusedAt: x.num(1) ?? 0, client: x.text(2) }),
  ),
  dnc: spec<DncEntry>(
    'dnc',
    [
      c('number', 'text', (r) => r.number),
      c('added_at', 'time', (r) => r.addedAt),
      c('reason', 'text', (r) => r.reason),
    ],
    (x, o) => ({ file: o.file, line: o.line, number: x.str(0), addedAt: x.num(1), reason: x.text(2) }),
  ),
  bloctel: spec<BloctelListing>(
    'bloctel',
    [
      c('number', 'text', (r) => r.number),
      c('consulted_at', 'time', (r) => r.consultedAt),
      c('client', 'text', (r) => r.client),
    ],
    (x, o) => ({
      file: o.file,
      line: o.line,
      number: x.str(0),
      consultedAt: x.num(1) ?? 0,
      client: x.text(2),
    }),
  ),
  consultations: spec<Consultation>(
    'consultations',
    [
      c('client', 'text', (r) => r.client),
      c('consulted_at', 'time', (r) => r.consultedAt),
      c('numbers_submitted', 'int', (r) => r.numbersSubmitted),
    ],
    (x, o) => ({
      file: o.file,
      line: o.line,
      client: x.str(0),
      consultedAt: x.num(1) ?? 0,
      numbersSubmitted: x.num(2),
    }),
  ),
  assignments: spec<Assignment>(
    'assignments',
    [
      c('caller_id', 'text', (r) => r.callerId),
      c('client', 'text', (r) => r.client),
      c('provider', 'text', (r) => r.provider),
      c('campaign', 'text', (r) => r.campaign),
      c('valid_from', 'time', (r) => r.validFrom),
      c('valid_to', 'time', (r) => r.validTo),
      c('dedicated', 'bool', (r) => r.dedicated),
    ],
    (x, o) => ({
      file: o.file,
      line: o.line,
      callerId: x.str(0),
      client: x.str(1),
      provider: x.text(2),
      campaign: x.text(3),
      validFrom: x.num(4),
      validTo: x.num(5),
      dedicated: x.bool(6),
    }),
  ),
  contacts: spec<Contact>(
    'contacts',
    [
      c('number', 'text', (r) => r.number),
      c('type', 'text', (r) => r.type),
      c('postcode', 'text', (r) => r.postcode),
    ],
    (x, o) => ({
      file: o.file,
      line: o.line,
      number: x.str(0),
      type: x.text(1) === 'professional' ? 'professional' : 'consumer',
      postcode: x.text(2),
    }),
  ),
  campaigns: spec<Campaign>(
    'campaigns',
    [
      c('campaign', 'text', (r) => r.campaign),
      c('client', 'text', (r) => r.client),
      c('purpose', 'text', (r) => r.purpose),
      c('sector', 'text', (r) => r.sector),
      c('dialer', 'text', (r) => r.dialer),
    ],
    (x, o) => {
      const purpose = x.text(2);
      return {
        file: o.file,
        line: o.line,
        campaign: x.str(0),
        client: x.text(1),
        purpose:
          purpose === 'prospecting' ||
          purpose === 'service' ||
          purpose === 'collection' ||
          purpose === 'survey'
            ? purpose
            : null,
        sector: x.text(3),
        dialer: x.text(4) === 'manual' ? 'manual' : 'automated',
      };
    },
  ),
} as const;

type Specs = typeof SPECS;
type RowOf<K extends RegistryFile> = Specs[K] extends TableSpec<infer T> ? T : never;

function appendCell(appender: DuckDBAppender, kind: ColumnKind, value: Cell): void {
  if (value === null) appender.appendNull();
  else if (kind === 'time')
    appender.appendTimestampTZ(timestampTZValue(BigInt(Math.round(Number(value))) * 1000n));
  else if (kind === 'int') appender.appendBigInt(BigInt(Math.round(Number(value))));
  else if (kind === 'bool') appender.appendBoolean(value === true);
  else appender.appendVarchar(String(value));
}

async function appendRows<T extends Origin>(
  store: Store,
  tableSpec: TableSpec<T>,
  rows: readonly T[],
  fileId: number,
): Promise<void> {
  const appender = await store.connection.createAppender(tableSpec.table);
  try {
    for (const row of rows) {
      for (const column of tableSpec.columns) appendCell(appender, column.kind, column.value(row));
      appender.appendInteger(fileId);
      appender.appendBigInt(BigInt(row.line));
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** The reason of a row error in French and English, with a stable code (quarantine table). */
export function rowErrorReason(error: RowError): { code: string; fr: string; en: string } {
  const m = error.message;
  const quoted = /"(.*)"/.exec(m)?.[1] ?? '';
  const en = `${error.field === '' ? '' : `${error.field}: `}${m}`;
  const fr = (text: string) => ({ fr: `${error.field === '' ? '' : `${error.field} : `}${text}`, en });
  if (m === 'required value missing') return { code: 'missing_value', ...fr('valeur obligatoire manquante') };
  if (m === 'missing column') return { code: 'missing_column', ...fr('colonne manquante') };
  if (m.startsWith('unreadable date')) return { code: 'bad_date', ...fr(`date illisible « ${quoted} »`) };
  if (m.startsWith('impossible date')) return { code: 'bad_date', ...fr(`date impossible « ${quoted} »`) };
  if (m.startsWith('unreadable phone'))
    return { code: 'bad_phone', ...fr(`numéro de téléphone illisible « ${quoted} »`) };
  if (m.startsWith('not a boolean'))
    return { code: 'bad_boolean', ...fr(`booléen illisible « ${quoted} » (oui/non, true/false, 1/0)`) };
  if (m.startsWith('not a whole number'))
    return { code: 'bad_number', ...fr(`nombre entier illisible « ${quoted} »`) };
  if (m.includes('is not one of')) {
    const allowed = m.split('is not one of ')[1] ?? '';
    return { code: 'bad_value', ...fr(`« ${quoted} » n'est pas une valeur permise (${allowed})`) };
  }
  if (m.startsWith('unreadable CSV')) return { code: 'bad_csv', ...fr(`CSV illisible : ${m.slice(16)}`) };
  return { code: 'bad_row', ...fr(m) };
}

async function quarantineErrors(
  store: Store,
  errors: readonly RowError[],
  lines: readonly string[],
  fileId: number,
): Promise<void> {
  if (errors.length === 0) return;
  const appender = await store.connection.createAppender('quarantine');
  try {
    for (const error of errors) {
      const reason = rowErrorReason(error);
      appender.appendInteger(fileId);
      appender.appendBigInt(BigInt(error.line));
      if (error.field === '') appender.appendNull();
      else appender.appendVarchar(error.field);
      appender.appendVarchar(lines[error.line - 1] ?? '');
      appender.appendVarchar(reason.code);
      appender.appendVarchar(reason.fr);
      appender.appendVarchar(reason.en);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** What `importRegistryFile` did with one file: its evidence and its rejected rows. */
export interface RegistryImport {
  readonly kind: RegistryFile;
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly sourceFileId: number;
  readonly rowsRead: number;
  readonly stored: number;
  readonly rejected: number;
  /** The same content (sha256) of this kind was loaded before: nothing new was stored. */
  readonly alreadyLoaded: boolean;
  readonly errors: readonly RowError[];
}

export interface RegistryImportOptions extends RegistryParseOptions {
  /** `replace` (default): the file is the full list and supersedes the previous one of its kind. */
  readonly mode?: 'replace' | 'append';
  readonly now?: Date;
  /** Who imports (the evidence journal's `actor`). */
  readonly actor?: string;
  /** Test seam: runs inside the transaction after the rows are stored, before commit. */
  readonly beforeCommit?: () => void;
}

/**
 * Stores one registry file with its evidence, in one transaction: its `source_files` row, its rows,
 * its rejected rows in `quarantine` (file, line, field, reason). Loading the same bytes again stores nothing.
 */
export async function importRegistryFile(
  store: Store,
  kind: RegistryFile,
  path: string,
  options: RegistryImportOptions = {},
): Promise<RegistryImport> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${kind} file ${path}`, { cause: error });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const absolute = resolve(path);
  const previous = await store.one<{ id: number; rows_read: bigint; stored: bigint; quarantined: bigint }>(
    'SELECT id, rows_read, stored, quarantined FROM source_files WHERE kind = $1 AND sha256 = $2 ORDER BY id LIMIT 1',
    [`registry:${kind}`, sha256],
  );
  if (previous !== undefined) {
    return {
      kind,
      path: absolute,
      sha256,
      bytes: bytes.length,
      sourceFileId: previous.id,
      rowsRead: Number(previous.rows_read),
      stored: Number(previous.stored),
      rejected: Number(previous.quarantined),
      alreadyLoaded: true,
      errors: [],
    };
  }
  const file = basename(path);
  const text = decodeText(bytes);
  const parsed = REGISTRY_PARSERS[kind](text, file, options);
  const rows: readonly Origin[] = parsed.rows;
  const rejected = new Set(parsed.errors.filter((e) => e.line > 1).map((e) => e.line)).size;
  const mode = options.mode ?? 'replace';
  const sourceFileId = await store.transaction(async () => {
    const inserted = await store.one<{ id: number }>(
      `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
       VALUES ($1, $2, $3, $4, 'registry', $5, NULL, CAST($6 AS TIMESTAMPTZ), $7, $8, 0, $9, 0, 0, 0) RETURNING id`,
      [
        `registry:${kind}`,
        absolute,
        sha256,
        bytes.length,
        isUtf8(bytes) ? 'utf-8' : 'windows-1252',
        (options.now ?? new Date()).toISOString(),
        rows.length + rejected,
        rows.length,
        rejected,
      ],
    );
    const id = inserted?.id;
    if (id === undefined) throw new Error('source_files insert returned no id');
    if (mode === 'replace') {
      await store.run(
        'UPDATE registry_files SET superseded_by = $1 WHERE kind = $2 AND superseded_by IS NULL',
        [id, kind],
      );
    }
    await store.run('INSERT INTO registry_files VALUES ($1, $2, $3, $4, NULL)', [id, kind, file, mode]);
    await appendKind(store, kind, parsed.rows, id);
    await quarantineErrors(store, parsed.errors, text.split(/\r?\n/), id);
    // The evidence journal's entry commits with the rows (docs/evidence.md).
    await appendEvidence(store, {
      kind: 'registry.import',
      actor: options.actor ?? 'vigie',
      at: options.now ?? new Date(),
      content: {
        registry: kind,
        file: file,
        path: absolute,
        sha256,
        bytes: bytes.length,
        mode,
        sourceFileId: id,
        rowsRead: rows.length + rejected,
        stored: rows.length,
        rejected,
      },
    });
    options.beforeCommit?.();
    return id;
  });
  return {
    kind,
    path: absolute,
    sha256,
    bytes: bytes.length,
    sourceFileId,
    rowsRead: rows.length + rejected,
    stored: rows.length,
    rejected,
    alreadyLoaded: false,
    errors: parsed.errors,
  };
}

function appendKind(
  store: Store,
  kind: RegistryFile,
  rows: readonly Origin[],
  fileId: number,
): Promise<void> {
  // Each parser's rows are of its kind's model: REGISTRY_PARSERS[kind] and SPECS[kind] share the key.
  return appendRows(store, SPECS[kind] as unknown as TableSpec<Origin>, rows, fileId);
}

/** Which rows to read back: everything in force, or only what one call needs (`vigie check --db`). */
export interface RegistryFocus {
  readonly callee: string;
  readonly caller: string;
  readonly client: string | null;
  readonly campaign: string | null;
}

function focusFilter(
  kind: RegistryFile,
  focus: RegistryFocus | undefined,
): { sql: string; params: DuckDBValue[] } {
  if (focus === undefined) return { sql: '', params: [] };
  switch (kind) {
    case 'consultations':
      return { sql: 'AND t.client = $1', params: [focus.client ?? ''] };
    case 'assignments':
      return { sql: 'AND (t.caller_id = $1 OR t.client = $2)', params: [focus.caller, focus.client ?? ''] };
    case 'campaigns':
      return { sql: 'AND t.campaign = $1', params: [focus.campaign ?? ''] };
    default:
      return { sql: 'AND t.number = $1', params: [focus.callee] };
  }
}

async function readKind<K extends RegistryFile>(
  store: Store,
  kind: K,
  focus: RegistryFocus | undefined,
): Promise<RowOf<K>[]> {
  const tableSpec = SPECS[kind] as unknown as TableSpec<RowOf<K>>;
  const select = tableSpec.columns
    .map((col) => (col.kind === 'time' ? `epoch_ms(t.${col.name})::DOUBLE` : `t.${col.name}`))
    .join(', ');
  const filter = focusFilter(kind, focus);
  const result = await store.connection.stream(
    `SELECT ${select}, r.file_name, t.line::DOUBLE FROM ${tableSpec.table} t
     JOIN registry_files r ON r.source_file_id = t.source_file_id
     WHERE r.superseded_by IS NULL ${filter.sql}
     ORDER BY t.source_file_id, t.line`,
    filter.params,
  );
  const rows: RowOf<K>[] = [];
  const width = tableSpec.columns.length;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const cells = new Cells(chunk.getColumns());
    for (let i = 0; i < chunk.rowCount; i++) {
      cells.row = i;
      rows.push(tableSpec.build(cells, { file: cells.str(width), line: cells.num(width + 1) ?? 0 }));
    }
  }
  return rows;
}

/** The registry kinds keyed by the called number, which a stored audit streams per callee. */
export const NUMBER_KINDS = ['consents', 'customers', 'refusals', 'dnc', 'bloctel', 'contacts'] as const;
export type NumberKind = (typeof NUMBER_KINDS)[number];

/**
 * The rows in force of one number-keyed kind, grouped by number in a stored audit's callee order
 * (number-order.ts), each number's rows in load order. The audit asks for its callees in that order;
 * the groups of numbers it does not ask for (never called, or outside its share) are skipped.
 */
export class NumberCursor<T> {
  readonly #result: DuckDBResult;
  readonly #build: (cells: Cells) => T;
  #keys: number[] = [];
  #numbers: string[] = [];
  #cells: Cells | undefined;
  #i = 0;
  #done = false;
  #pending: T[] | null = null;

  constructor(result: DuckDBResult, build: (cells: Cells) => T) {
    this.#result = result;
    this.#build = build;
  }

  /**
   * The rows of `number` (whose order key is `key`), or undefined when the buffered chunk ends on it
   * or before it: then `fill()` and ask again (what was read is kept). Numbers are asked in order.
   */
  take(key: number, number: string): readonly T[] | undefined {
    const cells = this.#cells;
    while (this.#i < this.#numbers.length && cells !== undefined) {
      const at = this.#numbers[this.#i] ?? '';
      if (at !== number) {
        // A group before the number asked: a number the audit does not ask for.
        if (compareNumberOrder(this.#keys[this.#i] ?? 0, at, key, number) < 0) {
          this.#i++;
          continue;
        }
        return this.#flush();
      }
      // Rows are built only when asked for: skipped groups cost their number only.
      cells.row = this.#i++;
      const row = this.#build(cells);
      if (this.#pending === null) this.#pending = [row];
      else this.#pending.push(row);
    }
    return this.#done ? this.#flush() : undefined;
  }

  #flush(): readonly T[] {
    const rows = this.#pending ?? NONE;
    this.#pending = null;
    return rows;
  }

  #next: Promise<DuckDBDataChunk | null> | undefined;

  /** Waits for the chunk asked for ahead, if any: before the connection closes. */
  async settle(): Promise<void> {
    await this.#next?.catch(() => undefined);
  }

  /** Reads the next chunk (and asks DuckDB for the one after: it is produced meanwhile). */
  async fill(): Promise<void> {
    const chunk = await (this.#next ?? this.#result.fetchChunk());
    this.#next = chunk === null || chunk.rowCount === 0 ? undefined : this.#result.fetchChunk();
    this.#i = 0;
    if (chunk === null || chunk.rowCount === 0) {
      this.#done = true;
      this.#keys = [];
      this.#numbers = [];
      this.#cells = undefined;
      return;
    }
    // Column 0 is the order key, column 1 the number, then the row's columns.
    const columns = chunk.getColumns();
    this.#keys = (columns[0] ?? []).map((k) => (typeof k === 'number' ? k : 0));
    this.#numbers = (columns[1] ?? []).map((n) => (typeof n === 'string' ? n : ''));
    this.#cells = new Cells(columns.slice(2));
  }
}

const NONE: readonly never[] = [];

/**
 * Opens the per-number stream of `kind` on `connection` (see NumberCursor), of the numbers in
 * `share`'s ranges.
 */
export async function openNumberCursor<K extends NumberKind>(
  connection: DuckDBConnection,
  kind: K,
  share: Share,
): Promise<NumberCursor<RowOf<K>>> {
  const tableSpec = SPECS[kind] as unknown as TableSpec<RowOf<K>>;
  const select = tableSpec.columns
    .map((col) => (col.kind === 'time' ? `epoch_ms(t.${col.name})::DOUBLE` : `t.${col.name}`))
    .join(', ');
  const width = tableSpec.columns.length;
  const key = numberKeySql('t.number');
  const result = await connection.stream(
    `SELECT ${key}, t.number, ${select}, r.file_name, t.line::DOUBLE FROM ${tableSpec.table} t
     JOIN registry_files r ON r.source_file_id = t.source_file_id
     WHERE r.superseded_by IS NULL AND ${shareSql('t.number', share)}
     ORDER BY ${key}, t.number, t.source_file_id, t.line`,
  );
  return new NumberCursor(result, (cells) =>
    tableSpec.build(cells, { file: cells.str(width), line: cells.num(width + 1) ?? 0 }),
  );
}

/** The registry in force in the store (each kind: its latest `replace` file and the `append`s after it). */
export async function loadStoredRegistry(
  store: Store,
  focus?: RegistryFocus,
  kinds: readonly RegistryFile[] = REGISTRY_FILES,
): Promise<RegistryData> {
  const data: { -readonly [K in RegistryFile]: RowOf<K>[] } = {
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
  if (kinds.includes('consents')) data.consents = await readKind(store, 'consents', focus);
  if (kinds.includes('customers')) data.customers = await readKind(store, 'customers', focus);
  if (kinds.includes('refusals')) data.refusals = await readKind(store, 'refusals', focus);
  if (kinds.includes('dnc')) data.dnc = await readKind(store, 'dnc', focus);
  if (kinds.includes('bloctel')) data.bloctel = await readKind(store, 'bloctel', focus);
  if (kinds.includes('consultations')) data.consultations = await readKind(store, 'consultations', focus);
  if (kinds.includes('assignments')) data.assignments = await readKind(store, 'assignments', focus);
  if (kinds.includes('contacts')) data.contacts = await readKind(store, 'contacts', focus);
  if (kinds.includes('campaigns')) data.campaigns = await readKind(store, 'campaigns', focus);
  return { ...EMPTY_REGISTRY, ...data };
}

/** One loaded registry file as `vigie registry list` and the evidence show it. */
export interface RegistryEvidence {
  readonly id: number;
  readonly name: string;
  readonly file_name: string;
  readonly path: string;
  readonly sha256: string;
  readonly size_bytes: bigint;
  readonly loaded_at: Date;
  readonly rows_read: bigint;
  readonly stored: bigint;
  readonly rejected: bigint;
  readonly mode: string;
  readonly superseded_by: number | null;
}

export async function listRegistryEvidence(store: Store): Promise<RegistryEvidence[]> {
  return store.all<RegistryEvidence & Record<string, unknown>>('SELECT * FROM registry_evidence ORDER BY id');
}

export { REGISTRY_FILES };
