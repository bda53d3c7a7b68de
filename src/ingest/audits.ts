import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AuditProblem, type AuditRow, parseAuditRow } from '../providers/audits.ts';
import { readTable } from '../registry/csv.ts';
import { decodeText } from '../registry/load.ts';
import { UsageError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import { hashFile } from './source.ts';

export interface AuditFileSummary {
  readonly file: string;
  readonly rows: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly quarantined: number;
  readonly alreadyIngested: boolean;
  readonly problems: readonly AuditProblem[];
}

/**
 * Ingests a file of mystery-call and listening-audit results with the guarantees of the other ingests:
 * every row is stored, a duplicate (the same audit already stored), or quarantined with its line,
 * field and reason; one transaction per file; the same bytes twice store nothing. Audit files are a
 * few hundred rows: read whole, through the registry's CSV reader (separator, BOM, Windows-1252).
 */
export async function ingestAuditFile(store: Store, file: string): Promise<AuditFileSummary> {
  const path = resolve(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const sha256 = await hashFile(path);
  const previous = await store.one<{ rows_read: bigint; quarantined: bigint }>(
    "SELECT rows_read, quarantined FROM source_files WHERE kind = 'audits' AND sha256 = $1 LIMIT 1",
    [sha256],
  );
  if (previous !== undefined) {
    const rows = Number(previous.rows_read);
    const quarantined = Number(previous.quarantined);
    return {
      file,
      rows,
      stored: 0,
      duplicates: rows - quarantined,
      quarantined,
      alreadyIngested: true,
      problems: [],
    };
  }
  const text = decodeText(bytes);
  let encoding = 'windows-1252';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    encoding = 'utf-8';
  } catch {
    // decodeText read it as Windows-1252.
  }
  const table = readTable(text, file, ['date', 'provider']);
  if (table.errors.some((e) => e.line <= 1)) {
    throw new UsageError(
      `${file}: not an audits file (line 1 must name date, provider[, site, campaign, kind, comment, score:<critère>…, item:<point>…]): ${table.errors
        .map((e) => `${e.field} ${e.message}`)
        .join(', ')}`,
    );
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const audits: AuditRow[] = [];
  const problems: AuditProblem[] = table.errors.map((e) => ({
    line: e.line,
    field: e.field,
    code: 'malformed',
    fr: `ligne CSV mal formée : ${e.message}`,
    en: `malformed CSV row: ${e.message}`,
  }));
  for (const row of table.rows) {
    const parsed = parseAuditRow(row, table.columns);
    if (parsed.ok) audits.push(parsed.audit);
    else problems.push(parsed.problem);
  }
  return store.transaction(async () => {
    const source = await store.one<{ id: number }>(
      `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
       VALUES ('audits', $1, $2, $3, 'audits', $4, NULL, now(), $5, 0, 0, $6, 0, 0, 0) RETURNING id`,
      [path, sha256, bytes.length, encoding, audits.length + problems.length, problems.length],
    );
    const fileId = source?.id ?? 0;
    let stored = 0;
    for (const a of audits) {
      const values = [
        a.day,
        a.provider,
        a.site,
        a.campaign,
        a.kind,
        a.score,
        JSON.stringify(a.grid),
        JSON.stringify(a.passed),
        JSON.stringify(a.failed),
        a.comment,
      ];
      const exists = await store.one(
        `SELECT 1 AS x FROM mystery_audits WHERE audited_on = CAST($1 AS DATE) AND provider = $2 AND site IS NOT DISTINCT FROM $3
           AND campaign IS NOT DISTINCT FROM $4 AND kind = $5 AND grid = $7
           AND passed_items = CAST($8 AS VARCHAR[]) AND failed_items = CAST($9 AS VARCHAR[])
           AND comment IS NOT DISTINCT FROM $10 AND score = $6 LIMIT 1`,
        values,
      );
      if (exists !== undefined) continue;
      await store.run(
        `INSERT INTO mystery_audits VALUES (CAST($1 AS DATE), $2, $3, $4, $5, $6, $7, CAST($8 AS VARCHAR[]), CAST($9 AS VARCHAR[]), $10, $11, $12)`,
        [...values, fileId, a.line],
      );
      stored++;
    }
    for (const p of problems) {
      await store.run('INSERT INTO quarantine VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        fileId,
        p.line,
        p.field === '' ? null : p.field,
        lines[p.line - 1] ?? '',
        p.code,
        p.fr,
        p.en,
      ]);
    }
    await store.run('UPDATE source_files SET stored = $1, duplicates = $2 WHERE id = $3', [
      stored,
      audits.length - stored,
      fileId,
    ]);
    return {
      file,
      rows: audits.length + problems.length,
      stored,
      duplicates: audits.length - stored,
      quarantined: problems.length,
      alreadyIngested: false,
      problems,
    };
  });
}
