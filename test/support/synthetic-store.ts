// Databases made in SQL for the stored audit's tests and benchmark: calls and registry rows inserted
// by INSERT … SELECT … FROM range(…), each kind under a registered file as `vigie registry import`
// would leave it (without reading any file).
import type { RegistryFile } from '../../src/registry/model.ts';
import type { Store } from '../../src/store/store.ts';

/** Registers a calls file of `rows` rows stored; returns its id for the calls' `source_file_id`. */
export async function syntheticCallsFile(store: Store, rows: number): Promise<number> {
  const row = await store.one<{ id: number }>(
    `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
     VALUES ('calls', '/synthetic/calls.csv', 'synthetic-calls', 0, 'canonical', 'utf-8', NULL, now(), $1, $1, 0, 0, 0, 0, 0) RETURNING id`,
    [rows],
  );
  return row?.id ?? 0;
}

/**
 * Registers a registry file of `kind` (in force, replacing none) and inserts its rows: `select` gives
 * the SELECT of the table's columns, given the file's id for `source_file_id`.
 */
export async function insertRegistry(
  store: Store,
  kind: RegistryFile,
  select: (fileId: number) => string,
): Promise<void> {
  const row = await store.one<{ id: number }>(
    `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
     VALUES ($1, $2, $3, 0, 'registry', 'utf-8', NULL, now(), 0, 0, 0, 0, 0, 0, 0) RETURNING id`,
    [`registry:${kind}`, `/synthetic/${kind}.csv`, `synthetic-${kind}`],
  );
  const id = row?.id ?? 0;
  await store.run(`INSERT INTO registry_files VALUES ($1, $2, $3, 'replace', NULL)`, [
    id,
    kind,
    `${kind}.csv`,
  ]);
  await store.run(`INSERT INTO ${kind} ${select(id)}`);
}
