import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse';
import { PhoneNormaliser } from '../numbering/phone.ts';
import { FORMATS, type FormatSpec } from '../records/formats/index.ts';
import { type CallFormat, DEFAULT_SHORT_CALL_SECONDS } from '../records/model.ts';
import { detectCallFormat, normaliseHeaderName, type Sniffed, sniff } from '../records/sniff.ts';
import { canonicalSelect, projectedSelect, ROW_PROBLEM_CODES, rowProblem } from '../records/validate.ts';
import { UsageError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import type { FileSummary, IngestOptions } from './model.ts';
import { hashFile, locateRecords, readHead, transcodeToUtf8 } from './source.ts';

const phones = new PhoneNormaliser();

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

/**
 * Ingests one call-record file: every data row ends up stored, recognised as a duplicate, merged into
 * another leg of its call, or quarantined with its line and reason. All of it is committed in one
 * transaction, so a crash leaves the database as it was. Re-ingesting the same bytes stores nothing.
 */
export async function ingestFile(
  store: Store,
  file: string,
  options: IngestOptions = {},
): Promise<FileSummary> {
  const path = resolve(file);
  const timeZone = checkTimeZone(options.timezone ?? 'Europe/Paris');
  const { head, size, complete } = await readHead(path);
  const sniffed = sniff(head, complete);
  const layout = decideLayout(file, sniffed, options.format);
  const hashing = hashFile(path);
  const workDir = await mkdtemp(join(tmpdir(), 'vigie-ingest-'));
  const progress = startProgress(store, file, options);
  try {
    let readable = path;
    if (sniffed.encoding === 'windows-1252') {
      readable = join(workDir, 'utf8.csv');
      await transcodeToUtf8(path, readable);
    }
    const staged = await stage(store, readable, sniffed, layout, timeZone, options);
    await resolvePhones(store);
    await createCheckedView(store);
    const sha256 = await hashing;
    const previous = await store.one<{ rows_read: bigint; quarantined: bigint; merged: bigint }>(
      "SELECT rows_read, quarantined, merged FROM source_files WHERE kind = 'calls' AND sha256 = $1 ORDER BY id LIMIT 1",
      [sha256],
    );
    if (previous !== undefined) {
      const rows = Number(previous.rows_read);
      const quarantined = Number(previous.quarantined);
      const merged = Number(previous.merged);
      return {
        file,
        format: layout.format.id,
        rows,
        stored: 0,
        duplicates: rows - quarantined - merged,
        quarantined,
        merged,
        dstGap: 0,
        dstOverlap: 0,
        encoding: sniffed.encoding,
        alreadyIngested: true,
      };
    }
    if (staged.fastPath) await locateQuarantined(store, readable, layout.format.header);
    const summary = await store.transaction(() =>
      commitStaged(store, {
        file,
        path,
        sha256,
        size,
        format: layout.format.id,
        encoding: sniffed.encoding,
        options,
      }),
    );
    return summary;
  } finally {
    progress.stop();
    await dropStaging(store);
    await rm(workDir, { recursive: true, force: true });
  }
}

function startProgress(store: Store, file: string, options: IngestOptions): { stop(): void } {
  const report = options.onProgress;
  if (report === undefined) return { stop() {} };
  const timer = setInterval(() => {
    const p = store.connection.progress;
    if (p.percentage >= 0) report({ file, fraction: p.percentage / 100, rows: Number(p.rows_processed) });
  }, 200);
  return { stop: () => clearInterval(timer) };
}

async function dropStaging(store: Store): Promise<void> {
  await store.run('DROP VIEW IF EXISTS vigie_checked').catch(() => undefined);
  for (const table of [
    'vigie_raw',
    'vigie_stage',
    'vigie_phones',
    'vigie_rejects',
    'vigie_located',
    'vigie_problems',
  ]) {
    await store.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }
}

/**
 * Reads the file into `vigie_stage` (typed canonical columns + the row's first problem). Fast path:
 * DuckDB's own CSV reader in strict mode. If the file has malformed rows, the strict read fails and the
 * file is read again with csv-parse, which isolates each malformed row with its line.
 */
async function stage(
  store: Store,
  path: string,
  sniffed: Sniffed,
  layout: Layout,
  timeZone: string,
  options: IngestOptions,
): Promise<{ fastPath: boolean }> {
  const columnNames = layout.names.map((_, i) => `c${i}`);
  const byName = new Map(layout.names.map((name, i) => [name, `c${i}`]));
  const col = (name: string) => {
    const c = byName.get(name);
    return c === undefined ? 'NULL' : ident(c);
  };
  const projection = layout.format.project(col, {
    ...(options.caller === undefined ? {} : { caller: options.caller }),
    ...(options.callers === undefined ? {} : { callers: options.callers }),
  });
  const fill = {
    provider: options.provider,
    site: options.site,
    client: options.client,
    campaign: options.campaign,
  };
  const select = (relation: string, rowNumber: string, line: string, raw: string) => `
    CREATE OR REPLACE TEMP TABLE vigie_stage AS
    WITH projected AS (
      SELECT ${rowNumber} AS rn, ${line} AS line, ${raw} AS raw,
        ${projectedSelect(projection, fill)}
      FROM ${relation}
    )
    SELECT ${canonicalSelect(projection, timeZone, options.shortCallSeconds ?? DEFAULT_SHORT_CALL_SECONDS)}`;
  await store.run(
    'CREATE OR REPLACE TEMP TABLE vigie_rejects (rn BIGINT, line BIGINT, raw VARCHAR, problem VARCHAR)',
  );
  await store.run('CREATE OR REPLACE TEMP TABLE vigie_located (rn BIGINT, line BIGINT, raw VARCHAR)');
  const columns = `{${columnNames.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  const readCsv = `read_csv(${sqlString(path)}, columns = ${columns}, header = ${layout.format.header}, delim = ${sqlString(sniffed.delimiter)}, quote = '"', escape = '"', auto_detect = false, strict_mode = true, max_line_size = 1048576)`;
  try {
    // Row order is kept by DuckDB (preserve_insertion_order), so rowid is the record's index in the file.
    await store.run(
      `CREATE OR REPLACE TEMP TABLE vigie_raw AS SELECT * FROM ${readCsv}; ${select('(SELECT rowid AS vigie_rn, * FROM vigie_raw)', 'vigie_rn', 'CAST(NULL AS BIGINT)', 'CAST(NULL AS VARCHAR)')}; DROP TABLE vigie_raw`,
    );
    return { fastPath: true };
  } catch {
    await store.run('DROP TABLE IF EXISTS vigie_raw');
  }
  await stageWithCsvParse(store, path, sniffed, layout, columnNames);
  await store.run(select('vigie_raw', 'rn', 'line', 'raw'));
  return { fastPath: false };
}

async function stageWithCsvParse(
  store: Store,
  path: string,
  sniffed: Sniffed,
  layout: Layout,
  columnNames: readonly string[],
): Promise<void> {
  await store.run(
    `CREATE OR REPLACE TEMP TABLE vigie_raw (rn BIGINT, line BIGINT, raw VARCHAR, ${columnNames.map((c) => `${c} VARCHAR`).join(', ')})`,
  );
  const appender = await store.connection.createAppender('vigie_raw', 'main', 'temp');
  const rejects = await store.connection.createAppender('vigie_rejects', 'main', 'temp');
  const parser = createReadStream(path).pipe(
    parse({
      delimiter: sniffed.delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      raw: true,
      info: true,
      from_line: layout.format.header ? 2 : 1,
    }),
  );
  let rn = 0;
  parser.on('skip', (error: Error & { lines?: number; raw?: string }) => {
    rejects.appendBigInt(BigInt(rn++));
    rejects.appendBigInt(BigInt(error.lines ?? 0));
    rejects.appendVarchar(error.raw ?? '');
    rejects.appendVarchar('malformed');
    rejects.endRow();
  });
  for await (const item of parser as AsyncIterable<{
    record: string[];
    raw: string;
    info: { lines: number };
  }>) {
    const raw = item.raw.replace(/\r?\n$/, '');
    const line = item.info.lines - (raw.match(/\n/g)?.length ?? 0);
    if (item.record.length !== columnNames.length) {
      rejects.appendBigInt(BigInt(rn++));
      rejects.appendBigInt(BigInt(line));
      rejects.appendVarchar(raw);
      rejects.appendVarchar('columns_mismatch');
      rejects.endRow();
      continue;
    }
    appender.appendBigInt(BigInt(rn++));
    appender.appendBigInt(BigInt(line));
    appender.appendVarchar(raw);
    for (const value of item.record) appender.appendVarchar(value);
    appender.endRow();
  }
  appender.closeSync();
  rejects.closeSync();
}

/** Resolves, through libphonenumber-js, the distinct phone writings that the SQL fast path left open. */
async function resolvePhones(store: Store): Promise<void> {
  await store.run('CREATE OR REPLACE TEMP TABLE vigie_phones (raw VARCHAR, e164 VARCHAR)');
  const pending = await store.all<{ v: string }>(
    `SELECT DISTINCT v FROM (
       SELECT caller_s AS v FROM vigie_stage WHERE caller_fast IS NULL AND caller_s <> ''
       UNION ALL SELECT callee_s FROM vigie_stage WHERE callee_fast IS NULL AND callee_s <> '')`,
  );
  if (pending.length === 0) return;
  const appender = await store.connection.createAppender('vigie_phones', 'main', 'temp');
  for (const { v } of pending) {
    const result = phones.normalise(v);
    appender.appendVarchar(v);
    if (result.ok) appender.appendVarchar(result.value);
    else appender.appendNull();
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * The staged rows with their phones resolved and their fate decided: merged into another leg of the same
 * call (decided first, so that an agent's internal leg is merged, not quarantined), or quarantined with
 * its first problem, or ready to store.
 */
async function createCheckedView(store: Store): Promise<void> {
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
  await store.run(`
    CREATE OR REPLACE TEMP VIEW vigie_checked AS
    SELECT *,
      CASE WHEN merged THEN NULL
           WHEN problem IS NOT NULL THEN problem
           WHEN caller IS NULL THEN 'caller_invalid'
           WHEN callee IS NULL THEN 'callee_invalid' END AS problem_code
    FROM (
      SELECT s.*,
        coalesce(s.caller_fast, pc.e164) AS caller,
        coalesce(s.callee_fast, pe.e164) AS callee,
        (s.merge_key IS NOT NULL AND row_number() OVER (PARTITION BY s.merge_key ORDER BY s.leg_rank, s.rn) > 1) AS merged
      FROM vigie_stage s
      LEFT JOIN vigie_phones pc ON s.caller_fast IS NULL AND pc.raw = s.caller_s
      LEFT JOIN vigie_phones pe ON s.callee_fast IS NULL AND pe.raw = s.callee_s
    )`);
}

/** Rows of the fast path that will be quarantined get their physical line and raw text from the file. */
async function locateQuarantined(store: Store, path: string, header: boolean): Promise<void> {
  const rows = await store.all<{ rn: bigint }>(
    `SELECT rn FROM vigie_checked WHERE problem_code IS NOT NULL ORDER BY rn`,
  );
  await store.run('CREATE OR REPLACE TEMP TABLE vigie_located (rn BIGINT, line BIGINT, raw VARCHAR)');
  if (rows.length === 0) return;
  const appender = await store.connection.createAppender('vigie_located', 'main', 'temp');
  await locateRecords(
    path,
    rows.map((r) => Number(r.rn)),
    header,
    (index, line, raw) => {
      appender.appendBigInt(BigInt(index));
      appender.appendBigInt(BigInt(line));
      appender.appendVarchar(raw);
      appender.endRow();
    },
  );
  appender.closeSync();
}

interface CommitInput {
  readonly file: string;
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly format: string;
  readonly encoding: string;
  readonly options: IngestOptions;
}

async function commitStaged(store: Store, input: CommitInput): Promise<FileSummary> {
  const source = await store.one<{ id: number }>(
    `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
     VALUES ('calls', $1, $2, $3, $4, $5, $6, now(), 0, 0, 0, 0, 0, 0, 0) RETURNING id`,
    [input.path, input.sha256, input.size, input.format, input.encoding, input.options.provider ?? null],
  );
  const fileId = source?.id ?? 0;
  // DuckDB answers an INSERT with the number of rows it inserted.
  const stored = await store.one<{ Count: bigint }>(
    `INSERT INTO calls
       SELECT coalesce(provider, ''), call_id, started_at, caller, callee, direction, outcome, short,
              ring_seconds, talk_seconds, site, client, campaign, agent, purpose, refused, sip_code,
              q850_cause, attestation, disposition, signal, $1, rn + 1
       FROM (SELECT *, row_number() OVER (PARTITION BY coalesce(provider, ''), call_id ORDER BY rn) AS k
             FROM vigie_checked WHERE problem_code IS NULL AND NOT merged) c
       WHERE k = 1
         AND NOT EXISTS (SELECT 1 FROM calls k WHERE k.provider = coalesce(c.provider, '') AND k.call_id = c.call_id)`,
    [fileId],
  );
  await store.run(
    `INSERT INTO quarantine
     SELECT $1, coalesce(c.line, l.line), p.field, coalesce(c.raw, l.raw, ''), p.code, p.fr, p.en
     FROM vigie_checked c LEFT JOIN vigie_located l USING (rn) JOIN vigie_problems p ON p.code = c.problem_code
     WHERE c.problem_code IS NOT NULL
     UNION ALL
     SELECT $1, r.line, NULL, r.raw, p.code, p.fr, p.en
     FROM vigie_rejects r JOIN vigie_problems p ON p.code = r.problem`,
    [fileId],
  );
  const counts = await store.one<Record<string, bigint>>(
    `SELECT (SELECT count(*) FROM vigie_checked) + (SELECT count(*) FROM vigie_rejects) AS rows,
            (SELECT count(*) FROM vigie_checked WHERE problem_code IS NOT NULL) + (SELECT count(*) FROM vigie_rejects) AS quarantined,
            (SELECT count(*) FROM vigie_checked WHERE merged) AS merged,
            (SELECT count(*) FROM vigie_checked WHERE dst_gap AND problem_code IS NULL AND NOT merged) AS gap,
            (SELECT count(*) FROM vigie_checked WHERE dst_overlap AND problem_code IS NULL AND NOT merged) AS overlap`,
  );
  const rows = Number(counts?.rows ?? 0);
  const quarantined = Number(counts?.quarantined ?? 0);
  const merged = Number(counts?.merged ?? 0);
  const storedCount = Number(stored?.Count ?? 0);
  const summary: FileSummary = {
    file: input.file,
    format: input.format,
    rows,
    stored: storedCount,
    duplicates: rows - quarantined - merged - storedCount,
    quarantined,
    merged,
    dstGap: Number(counts?.gap ?? 0),
    dstOverlap: Number(counts?.overlap ?? 0),
    encoding: input.encoding,
    alreadyIngested: false,
  };
  await store.run(
    `UPDATE source_files SET rows_read = $2, stored = $3, duplicates = $4, quarantined = $5, merged = $6, dst_gap = $7, dst_overlap = $8 WHERE id = $1`,
    [
      fileId,
      rows,
      summary.stored,
      summary.duplicates,
      quarantined,
      merged,
      summary.dstGap,
      summary.dstOverlap,
    ],
  );
  return summary;
}
