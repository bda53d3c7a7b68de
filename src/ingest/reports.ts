import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PhoneNormaliser } from '../numbering/phone.ts';
import { parseReportRow } from '../records/reports.ts';
import { normaliseHeaderName, sniff } from '../records/sniff.ts';
import { UsageError } from '../shared/errors.ts';
import { localToUtc } from '../shared/time.ts';
import type { Store } from '../store/store.ts';
import { checkTimeZone } from './calls.ts';
import type { FileSummary } from './model.ts';
import { hashFile, readCsvRecords, readHead, transcodeToUtf8 } from './source.ts';

const phones = new PhoneNormaliser();

/**
 * Ingests one spam-report file (records.md §4) with the guarantees of the call ingest: every row is
 * stored, a duplicate, or quarantined with its line; one transaction per file; the same bytes twice
 * store nothing. Duplicates are reports with the same number, time, source, category and comment.
 */
export async function ingestReportFile(
  store: Store,
  file: string,
  options: { readonly timezone?: string } = {},
): Promise<FileSummary> {
  const path = resolve(file);
  const timeZone = checkTimeZone(options.timezone ?? 'Europe/Paris');
  const { head, size, complete } = await readHead(path);
  const sniffed = sniff(head, complete);
  const header = sniffed.firstRecord.map(normaliseHeaderName);
  const perReport = header.includes('number') && header.includes('reported_at') && header.includes('source');
  const perDay = header.includes('number') && header.includes('day') && header.includes('reports');
  if (!perReport && !perDay) {
    throw new UsageError(
      `${file}: not a reports file (line 1 must name number, reported_at, source[, category, comment] or number, day, source, reports)`,
    );
  }
  const sha256 = await hashFile(path);
  const previous = await store.one<{ rows_read: bigint; quarantined: bigint }>(
    "SELECT rows_read, quarantined FROM source_files WHERE kind = 'reports' AND sha256 = $1 LIMIT 1",
    [sha256],
  );
  const format = perDay ? 'reports-daily' : 'reports';
  if (previous !== undefined) {
    const rows = Number(previous.rows_read);
    const quarantined = Number(previous.quarantined);
    return {
      file,
      format,
      rows,
      stored: 0,
      duplicates: rows - quarantined,
      quarantined,
      merged: 0,
      internal: 0,
      dstGap: 0,
      dstOverlap: 0,
      encoding: sniffed.encoding,
      alreadyIngested: true,
    };
  }
  const workDir = await mkdtemp(join(tmpdir(), 'vigie-reports-'));
  try {
    let readable = path;
    if (sniffed.encoding === 'windows-1252') {
      readable = join(workDir, 'utf8.csv');
      await transcodeToUtf8(path, readable);
    }
    await store.run(
      'CREATE OR REPLACE TEMP TABLE vigie_report_rows (line BIGINT, number VARCHAR, reported_at TIMESTAMPTZ, source VARCHAR, category VARCHAR, comment VARCHAR, report_count INTEGER)',
    );
    await store.run(
      'CREATE OR REPLACE TEMP TABLE vigie_report_rejects (line BIGINT, field VARCHAR, raw VARCHAR, code VARCHAR, fr VARCHAR, en VARCHAR)',
    );
    const good = await store.connection.createAppender('vigie_report_rows', 'main', 'temp');
    const bad = await store.connection.createAppender('vigie_report_rejects', 'main', 'temp');
    const reject = (
      line: number,
      field: string | null,
      raw: string,
      code: string,
      fr: string,
      en: string,
    ) => {
      bad.appendBigInt(BigInt(line));
      if (field === null) bad.appendNull();
      else bad.appendVarchar(field);
      bad.appendVarchar(raw);
      bad.appendVarchar(code);
      bad.appendVarchar(fr);
      bad.appendVarchar(en);
      bad.endRow();
    };
    const toUtc = (local: string) => localToUtc(local, timeZone);
    await readCsvRecords(
      readable,
      { delimiter: sniffed.delimiter, fromLine: 2 },
      ({ fields, line, raw }) => {
        const row = Object.fromEntries(header.map((name, i) => [name, fields[i]]));
        const parsed = parseReportRow(row, (n) => phones.normalise(n), toUtc);
        if (!parsed.ok) {
          reject(line, parsed.problem.field, raw, parsed.problem.code, parsed.problem.fr, parsed.problem.en);
          return;
        }
        const r = parsed.report;
        good.appendBigInt(BigInt(line));
        good.appendVarchar(r.number);
        good.appendVarchar(r.reportedAt.toISOString());
        good.appendVarchar(r.source);
        if (r.category === null) good.appendNull();
        else good.appendVarchar(r.category);
        if (r.comment === null) good.appendNull();
        else good.appendVarchar(r.comment);
        good.appendInteger(r.count);
        good.endRow();
      },
      (line, raw) => reject(line, null, raw, 'malformed', 'ligne CSV mal formée', 'malformed CSV row'),
    );
    good.closeSync();
    bad.closeSync();
    return await store.transaction(async () => {
      const source = await store.one<{ id: number }>(
        `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
         VALUES ('reports', $1, $2, $3, $4, $5, NULL, now(), 0, 0, 0, 0, 0, 0, 0) RETURNING id`,
        [path, sha256, size, format, sniffed.encoding],
      );
      const fileId = source?.id ?? 0;
      const inserted = await store.one<{ Count: bigint }>(
        `INSERT INTO reports
         SELECT number, reported_at, source, category, comment, report_count, $1, line FROM (
           SELECT *, row_number() OVER (PARTITION BY number, reported_at, source, category, comment ORDER BY line) AS k
           FROM vigie_report_rows) r
         WHERE k = 1 AND NOT EXISTS (
           SELECT 1 FROM reports e WHERE e.number = r.number AND e.reported_at = r.reported_at AND e.source = r.source
             AND e.category IS NOT DISTINCT FROM r.category AND e.comment IS NOT DISTINCT FROM r.comment)`,
        [fileId],
      );
      await store.run(
        'INSERT INTO quarantine SELECT $1, line, field, raw, code, fr, en FROM vigie_report_rejects',
        [fileId],
      );
      const counts = await store.one<{ good: bigint; bad: bigint }>(
        'SELECT (SELECT count(*) FROM vigie_report_rows) AS good, (SELECT count(*) FROM vigie_report_rejects) AS bad',
      );
      const stored = Number(inserted?.Count ?? 0);
      const quarantined = Number(counts?.bad ?? 0);
      const rows = Number(counts?.good ?? 0) + quarantined;
      const summary: FileSummary = {
        file,
        format,
        rows,
        stored,
        duplicates: rows - stored - quarantined,
        quarantined,
        merged: 0,
        internal: 0,
        dstGap: 0,
        dstOverlap: 0,
        encoding: sniffed.encoding,
        alreadyIngested: false,
      };
      await store.run(
        'UPDATE source_files SET rows_read = $2, stored = $3, duplicates = $4, quarantined = $5 WHERE id = $1',
        [fileId, rows, stored, summary.duplicates, quarantined],
      );
      return summary;
    });
  } finally {
    await store.run('DROP TABLE IF EXISTS vigie_report_rows').catch(() => undefined);
    await store.run('DROP TABLE IF EXISTS vigie_report_rejects').catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}
