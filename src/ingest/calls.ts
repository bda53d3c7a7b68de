import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBScalarFunction, VARCHAR } from '@duckdb/node-api';
import { DEFAULT_REGION, isSupportedRegion, PhoneNormaliser } from '../numbering/phone.ts';
import { FORMATS, type FormatSpec, type Projection } from '../records/formats/index.ts';
import { type CallFormat, DEFAULT_SHORT_CALL_SECONDS } from '../records/model.ts';
import { detectCallFormat, normaliseHeaderName, type Sniffed, sniff } from '../records/sniff.ts';
import {
  canonicalQuery,
  PHONE_FUNCTION,
  projectedSelect,
  ROW_PROBLEM_CODES,
  rowProblem,
} from '../records/validate.ts';
import { UsageError } from '../shared/errors.ts';
import { messageOf, type Store } from '../store/store.ts';
import type { FileSummary, IngestOptions } from './model.ts';
import { hashFile, locateRecords, readCsvRecords, readHead, transcodeToUtf8 } from './source.ts';

const phones = new PhoneNormaliser();

/** The provider of calls whose file and flags name none (`--provider` absent). */
export const UNKNOWN_PROVIDER = 'unknown';

interface Layout {
  readonly format: FormatSpec;
  /** Source column names in file order (normalised header, or the fixed layout). */
  readonly names: readonly string[];
}

function decideLayout(path: string, sniffed: Sniffed, requested: CallFormat | 'auto' | undefined): Layout {
  const id = requested === undefined || requested === 'auto' ? detectCallFormat(sniffed) : requested;
  if (id === undefined) {
    throw new UsageError(
      `${path}: cannot tell the format of this file; give --format canonical|asterisk|freeswitch|vicidial|twilio`,
    );
  }
  const format = FORMATS[id];
  if (format.header) {
    const seen = new Set<string>();
    const names = sniffed.firstRecord.map((raw, i) => {
      const name = normaliseHeaderName(raw) || `column_${i + 1}`;
      const unique = seen.has(name) ? `${name}_${i + 1}` : name;
      seen.add(unique);
      return unique;
    });
    if (names.length === 0)
      throw new UsageError(`${path}: the file is empty (a ${id} export needs a header row)`);
    return { format, names };
  }
  const count = sniffed.firstRecord.length;
  const names = format.layout?.(count);
  if (names === undefined) {
    throw new UsageError(`${path}: a ${id} export cannot have ${count} columns (line 1); check --format`);
  }
  return { format, names };
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Validates an IANA zone name with Intl, so that a typo is a usage error and not a wrong conversion. */
export function checkTimeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    throw new UsageError(`unknown time zone: ${zone} (expected an IANA name such as Europe/Paris)`);
  }
}

/** Validates a `--country` region (ISO 3166, any case) with libphonenumber-js's list. */
export function checkRegion(region: string | undefined): string {
  const code = (region ?? DEFAULT_REGION).trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || !isSupportedRegion(code)) {
    throw new UsageError(
      `unknown country: ${region} (expected an ISO 3166 code such as FR, MA, TN) / pays inconnu : ${region}`,
    );
  }
  return code;
}

/**
 * Ingests one call-record file: every data row ends up stored, recognised as a duplicate, merged into
 * another leg of its call, or quarantined with its line and reason. All of it is committed in one
 * transaction, so a crash leaves the database as it was. Re-ingesting the same bytes stores nothing.
 *
 * The file is streamed through DuckDB, never held in memory: a strict pass counts its rows and their
 * distinct keys, then one INSERT stores the good rows. Only when some rows were not stored does a second
 * look, with the same canonical query, tell the quarantined and merged rows from the duplicates.
 */
export async function ingestFile(
  store: Store,
  file: string,
  options: IngestOptions = {},
): Promise<FileSummary> {
  const path = resolve(file);
  const timeZone = checkTimeZone(options.timezone ?? 'Europe/Paris');
  const region = checkRegion(options.country);
  const { head, size, complete } = await readHead(path);
  const sniffed = sniff(head, complete);
  const layout = decideLayout(file, sniffed, options.format);
  const hashing = hashFile(path);
  const workDir = await mkdtemp(join(tmpdir(), 'vigie-ingest-'));
  const progress = startProgress(file, size, estimateRows(size, head), options);
  try {
    let readable = path;
    if (sniffed.encoding === 'windows-1252') {
      readable = join(workDir, 'utf8.csv');
      await transcodeToUtf8(path, readable);
    }
    registerPhoneFunction(store);
    await createProblemTable(store);
    const projection = projectionOf(layout, options);
    const source = await prepareSource(store, readable, sniffed, layout, {
      provider: `coalesce(CAST(${projection.provider} AS VARCHAR), ${sqlString(options.provider ?? UNKNOWN_PROVIDER)})`,
      callId: projection.callId,
    });
    const sha256 = await hashing;
    const previous = await store.one<{ rows_read: bigint; quarantined: bigint; merged: bigint }>(
      "SELECT rows_read, quarantined, merged FROM source_files WHERE kind = 'calls' AND sha256 = $1 ORDER BY id LIMIT 1",
      [sha256],
    );
    if (previous !== undefined) {
      const total = Number(previous.rows_read);
      const quarantined = Number(previous.quarantined);
      const merged = Number(previous.merged);
      return {
        file,
        format: layout.format.id,
        rows: total,
        stored: 0,
        duplicates: total - quarantined - merged,
        quarantined,
        merged,
        dstGap: 0,
        dstOverlap: 0,
        encoding: sniffed.encoding,
        alreadyIngested: true,
      };
    }
    const rowsOf = (relation: string) => canonicalRows(relation, layout, timeZone, region, options);
    return await store.transaction(() =>
      commit(store, source, rowsOf, {
        file,
        path,
        readable,
        header: layout.format.header,
        mergesLegs: projection.mergeKey !== 'NULL',
        sha256,
        size,
        format: layout.format.id,
        encoding: sniffed.encoding,
        options,
      }),
    );
  } finally {
    progress.stop();
    await dropStaging(store);
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Reports progress while DuckDB works, from the bytes the process has read (Linux's /proc/self/io):
 * the file is read three times (hash, strict count, insert), and DuckDB reports no progress for an
 * INSERT. Elsewhere no progress is reported, only the per-file summary.
 */
function startProgress(
  file: string,
  size: number,
  estimatedRows: number,
  options: IngestOptions,
): { stop(): void } {
  const report = options.onProgress;
  const start = bytesRead();
  if (report === undefined || start === undefined) return { stop() {} };
  const timer = setInterval(() => {
    const now = bytesRead() ?? start;
    const fraction = Math.min(0.99, (now - start) / Math.max(1, 3 * size));
    report({ file, fraction, rows: Math.round(fraction * estimatedRows) });
  }, 250);
  return { stop: () => clearInterval(timer) };
}

function bytesRead(): number | undefined {
  try {
    const match = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Rows a file probably holds, from its size and the density of line ends in its first bytes. */
function estimateRows(size: number, head: Uint8Array): number {
  let lines = 0;
  for (const byte of head) if (byte === 0x0a) lines++;
  return head.length === 0 ? 0 : Math.round((size / head.length) * lines);
}

/** The per-file temporary tables (`vigie_problems`, the reasons, stays for the connection's next files). */
const STAGING_TABLES = ['vigie_raw', 'vigie_rejects', 'vigie_problem_rows', 'vigie_located'];

async function dropStaging(store: Store): Promise<void> {
  for (const table of STAGING_TABLES) await store.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
}

/** Where the rows come from: DuckDB's CSV reader on the file, or the rows that csv-parse staged. */
interface RowSource {
  /** Data rows read (for csv-parse, the well-formed ones; the malformed are in `vigie_rejects`). */
  readonly records: number;
  /** False when every row has its own (provider, call_id): no repeats to remove within the file. */
  readonly mayRepeat: boolean;
  /** The relation of the rows with `ord` (1-based record number), `line`, `raw` and the columns c0…cN. */
  readonly numbered: string;
  /** The same rows without record numbers, which DuckDB streams faster (NULL `ord`). */
  readonly unnumbered: string;
  readonly fastPath: boolean;
}

/**
 * Fast path: DuckDB's own CSV reader in strict mode, streamed. A strict count decides: if the file has
 * malformed rows, it is staged with csv-parse instead, which isolates each malformed row with its line.
 */
async function prepareSource(
  store: Store,
  path: string,
  sniffed: Sniffed,
  layout: Layout,
  keyExpression: { readonly provider: string; readonly callId: string },
): Promise<RowSource> {
  const columnNames = layout.names.map((_, i) => `c${i}`);
  await store.run('CREATE OR REPLACE TEMP TABLE vigie_rejects (line BIGINT, raw VARCHAR, problem VARCHAR)');
  const columns = `{${columnNames.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  const readCsv = `read_csv(${sqlString(path)}, columns = ${columns}, header = ${layout.format.header}, delim = ${sqlString(sniffed.delimiter)}, quote = '"', escape = '"', auto_detect = false, strict_mode = true, max_line_size = 1048576)`;
  // One strict pass counts the rows and their distinct (provider, call_id) keys: when every key is
  // distinct, no row of the file can repeat another and the insert needs no deduplication afterwards.
  const key = `hash(${keyExpression.provider}, ${keyExpression.callId})`;
  try {
    const counted = await store.one<{ n: bigint; keys: bigint }>(
      `SELECT count(*) AS n, count(DISTINCT ${key}) AS keys FROM ${readCsv}`,
    );
    const records = Number(counted?.n ?? 0);
    return {
      records,
      mayRepeat: Number(counted?.keys ?? 0) !== records,
      numbered: `(SELECT row_number() OVER () AS ord, NULL::BIGINT AS line, NULL::VARCHAR AS raw, * FROM ${readCsv})`,
      unnumbered: `(SELECT NULL::BIGINT AS ord, NULL::BIGINT AS line, NULL::VARCHAR AS raw, * FROM ${readCsv})`,
      fastPath: true,
    };
  } catch (error) {
    if (!/CSV|Conversion|Invalid Input/i.test(messageOf(error))) throw error;
  }
  const records = await stageWithCsvParse(store, path, sniffed, layout, columnNames);
  return { records, mayRepeat: true, numbered: SLOW_PATH, unnumbered: SLOW_PATH, fastPath: false };
}

const SLOW_PATH = 'vigie_raw';

function projectionOf(layout: Layout, options: IngestOptions): Projection {
  const byName = new Map(layout.names.map((name, i) => [name, `c${i}`]));
  const col = (name: string) => {
    const c = byName.get(name);
    return c === undefined ? 'NULL' : ident(c);
  };
  return layout.format.project(col, {
    ...(options.caller === undefined ? {} : { caller: options.caller }),
    ...(options.callers === undefined ? {} : { callers: options.callers }),
  });
}

/** The canonical rows of a source relation as a SQL query (see `canonicalQuery`). */
function canonicalRows(
  relation: string,
  layout: Layout,
  timeZone: string,
  region: string,
  options: IngestOptions,
): string {
  const projection = projectionOf(layout, options);
  const fill = {
    provider: options.provider,
    site: options.site,
    client: options.client,
    campaign: options.campaign,
  };
  return `(WITH projected AS (
      SELECT ord, line, raw, ${projectedSelect(projection, fill)}
      FROM ${relation}
    )
    ${canonicalQuery(projection, timeZone, options.shortCallSeconds ?? DEFAULT_SHORT_CALL_SECONDS, 'ord', region)})`;
}

/** How the rows that were not stored divide into quarantined and merged (the rest are duplicates). */
interface Leftovers {
  readonly quarantined: number;
  readonly merged: number;
}

/**
 * Second look, only when some rows were not stored: counts the merged legs and lists the rows to
 * quarantine, with their line and raw text (found in the file for the fast path).
 */
async function classifyLeftovers(
  store: Store,
  rows: string,
  fileId: number,
  fastPathFile: string | undefined,
  header: boolean,
): Promise<Leftovers> {
  await store.run(
    `CREATE OR REPLACE TEMP TABLE vigie_problem_rows AS
     SELECT ord, line, raw, problem_code, merged FROM ${rows} WHERE problem_code IS NOT NULL OR merged`,
  );
  await store.run('CREATE OR REPLACE TEMP TABLE vigie_located (ord BIGINT, line BIGINT, raw VARCHAR)');
  const wanted = await store.all<{ ord: bigint }>(
    'SELECT ord FROM vigie_problem_rows WHERE problem_code IS NOT NULL ORDER BY ord',
  );
  if (wanted.length > 0 && fastPathFile !== undefined) {
    const appender = await store.connection.createAppender('vigie_located', 'main', 'temp');
    await locateRecords(
      fastPathFile,
      wanted.map((r) => Number(r.ord) - 1),
      header,
      (index, line, raw) => {
        appender.appendBigInt(BigInt(index + 1));
        appender.appendBigInt(BigInt(line));
        appender.appendVarchar(raw);
        appender.endRow();
      },
    );
    appender.closeSync();
  }
  await store.run(
    `INSERT INTO quarantine
     SELECT $1, coalesce(c.line, l.line), p.field, coalesce(c.raw, l.raw, ''), p.code, p.fr, p.en
     FROM vigie_problem_rows c LEFT JOIN vigie_located l USING (ord) JOIN vigie_problems p ON p.code = c.problem_code
     ORDER BY c.ord`,
    [fileId],
  );
  const counts = await store.one<{ quarantined: bigint; merged: bigint }>(
    'SELECT count(*) FILTER (WHERE problem_code IS NOT NULL) AS quarantined, count(*) FILTER (WHERE merged) AS merged FROM vigie_problem_rows',
  );
  return { quarantined: Number(counts?.quarantined ?? 0), merged: Number(counts?.merged ?? 0) };
}

async function stageWithCsvParse(
  store: Store,
  path: string,
  sniffed: Sniffed,
  layout: Layout,
  columnNames: readonly string[],
): Promise<number> {
  await store.run(
    `CREATE OR REPLACE TEMP TABLE vigie_raw (ord BIGINT, line BIGINT, raw VARCHAR, ${columnNames.map((c) => `${c} VARCHAR`).join(', ')})`,
  );
  const appender = await store.connection.createAppender('vigie_raw', 'main', 'temp');
  const rejects = await store.connection.createAppender('vigie_rejects', 'main', 'temp');
  const reject = (line: number, raw: string, problem: string) => {
    rejects.appendBigInt(BigInt(line));
    rejects.appendVarchar(raw);
    rejects.appendVarchar(problem);
    rejects.endRow();
  };
  let ord = 0;
  await readCsvRecords(
    path,
    { delimiter: sniffed.delimiter, fromLine: layout.format.header ? 2 : 1 },
    ({ fields, line, raw }) => {
      if (fields.length !== columnNames.length) {
        reject(line, raw, 'columns_mismatch');
        return;
      }
      appender.appendBigInt(BigInt(++ord));
      appender.appendBigInt(BigInt(line));
      appender.appendVarchar(raw);
      for (const value of fields) appender.appendVarchar(value);
      appender.endRow();
    },
    (line, raw) => reject(line, raw, 'malformed'),
  );
  appender.closeSync();
  rejects.closeSync();
  return ord;
}

interface CommitInput {
  readonly file: string;
  readonly path: string;
  /** The file DuckDB reads (a UTF-8 copy of a Windows-1252 file). */
  readonly readable: string;
  readonly header: boolean;
  readonly mergesLegs: boolean;
  readonly sha256: string;
  readonly size: number;
  readonly format: string;
  readonly encoding: string;
  readonly options: IngestOptions;
}

/**
 * Inside the file's transaction: stores the good rows in one streamed INSERT, removes repeats within the
 * file (the first row of a (provider, call_id) wins), and, only when some rows were not stored, takes a
 * second look to tell the quarantined and merged rows from the duplicates.
 */
async function commit(
  store: Store,
  source: RowSource,
  rowsOf: (relation: string) => string,
  input: CommitInput,
): Promise<FileSummary> {
  const created = await store.one<{ id: number }>(
    `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
     VALUES ('calls', $1, $2, $3, $4, $5, $6, now(), 0, 0, 0, 0, 0, 0, 0) RETURNING id`,
    [input.path, input.sha256, input.size, input.format, input.encoding, input.options.provider ?? null],
  );
  const fileId = created?.id ?? 0;
  // Merging legs needs each row's position; otherwise the rows stream faster unnumbered.
  const insertRows = rowsOf(input.mergesLegs ? source.numbered : source.unnumbered);
  // Rows already stored from earlier files are duplicates; on an empty table there are none to look for.
  const anyStored = await store.one('SELECT 1 AS stored FROM calls LIMIT 1');
  const notStoredYet = anyStored
    ? 'WHERE NOT EXISTS (SELECT 1 FROM calls k WHERE k.provider = c.provider AND k.call_id = c.call_id)'
    : '';
  // DuckDB answers an INSERT with the number of rows it inserted.
  const inserted = await store.one<{ Count: bigint }>(
    `INSERT INTO calls
     SELECT provider, call_id, started_at, caller, callee, direction, outcome, short,
            ring_seconds, talk_seconds, site, client, campaign, agent, purpose, refused, sip_code,
            q850_cause, attestation, disposition, signal,
            CASE WHEN dst_gap THEN 'gap' WHEN dst_overlap THEN 'overlap' END, $1, ord
     FROM (SELECT * REPLACE (coalesce(provider, '${UNKNOWN_PROVIDER}') AS provider) FROM ${insertRows}
           WHERE problem_code IS NULL AND NOT merged) c
     ${notStoredYet}`,
    [fileId],
  );
  let stored = Number(inserted?.Count ?? 0);
  if (source.mayRepeat) {
    // Insertion keeps the file's order, so the lowest rowid is the first occurrence.
    const removed = await store.one<{ Count: bigint }>(
      `DELETE FROM calls WHERE source_file_id = $1 AND rowid IN (
         SELECT rowid FROM calls WHERE source_file_id = $1
         QUALIFY row_number() OVER (PARTITION BY provider, call_id ORDER BY rowid) > 1)`,
      [fileId],
    );
    stored -= Number(removed?.Count ?? 0);
  }
  const rejected = await store.one<{ n: bigint }>('SELECT count(*) AS n FROM vigie_rejects');
  const malformed = Number(rejected?.n ?? 0);
  await store.run(
    `INSERT INTO quarantine SELECT $1, r.line, NULL, r.raw, p.code, p.fr, p.en
     FROM vigie_rejects r JOIN vigie_problems p ON p.code = r.problem`,
    [fileId],
  );
  const leftovers =
    stored < source.records
      ? await classifyLeftovers(
          store,
          rowsOf(source.numbered),
          fileId,
          source.fastPath ? input.readable : undefined,
          input.header,
        )
      : { quarantined: 0, merged: 0 };
  const dst = await store.one<{ gap: bigint; overlap: bigint }>(
    `SELECT count(*) FILTER (WHERE dst_fold = 'gap') AS gap, count(*) FILTER (WHERE dst_fold = 'overlap') AS overlap
     FROM calls WHERE source_file_id = $1 AND dst_fold IS NOT NULL`,
    [fileId],
  );
  const rows = source.records + malformed;
  const quarantined = leftovers.quarantined + malformed;
  const summary: FileSummary = {
    file: input.file,
    format: input.format,
    rows,
    stored,
    duplicates: rows - stored - quarantined - leftovers.merged,
    quarantined,
    merged: leftovers.merged,
    dstGap: Number(dst?.gap ?? 0),
    dstOverlap: Number(dst?.overlap ?? 0),
    encoding: input.encoding,
    alreadyIngested: false,
  };
  await store.run(
    `UPDATE source_files SET rows_read = $2, stored = $3, duplicates = $4, quarantined = $5, merged = $6, dst_gap = $7, dst_overlap = $8 WHERE id = $1`,
    [
      fileId,
      summary.rows,
      summary.stored,
      summary.duplicates,
      summary.quarantined,
      summary.merged,
      summary.dstGap,
      summary.dstOverlap,
    ],
  );
  return summary;
}

const withPhoneFunction = new WeakSet<object>();

/**
 * Registers `vigie_phone(text, region)`: libphonenumber-js for the writings that the SQL fast path leaves
 * open, national writings read in `region`.
 */
function registerPhoneFunction(store: Store): void {
  if (withPhoneFunction.has(store.connection)) return;
  store.connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: PHONE_FUNCTION,
      returnType: VARCHAR,
      parameterTypes: [VARCHAR, VARCHAR],
      mainFunction: (_info, input, output) => {
        const column = input.getColumnVector(0);
        const regions = input.getColumnVector(1);
        for (let row = 0; row < input.rowCount; row++) {
          const raw = column.getItem(row);
          const region = regions.getItem(row);
          const result =
            typeof raw === 'string' ? phones.normalise(raw, typeof region === 'string' ? region : 'FR') : undefined;
          output.setItem(row, result?.ok ? result.value : null);
        }
        output.flush();
      },
    }),
  );
  withPhoneFunction.add(store.connection);
}

const withProblemTable = new WeakSet<object>();

/** The reasons a row can be quarantined for, in French and English: one temporary table per connection. */
async function createProblemTable(store: Store): Promise<void> {
  if (withProblemTable.has(store.connection)) return;
  await store.run(
    'CREATE OR REPLACE TEMP TABLE vigie_problems (code VARCHAR, field VARCHAR, fr VARCHAR, en VARCHAR)',
  );
  const appender = await store.connection.createAppender('vigie_problems', 'main', 'temp');
  for (const problem of ROW_PROBLEM_CODES.map(rowProblem)) {
    appender.appendVarchar(problem.code);
    if (problem.field === null) appender.appendNull();
    else appender.appendVarchar(problem.field);
    appender.appendVarchar(problem.fr);
    appender.appendVarchar(problem.en);
    appender.endRow();
  }
  appender.closeSync();
  withProblemTable.add(store.connection);
}
