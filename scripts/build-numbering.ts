/**
 * Builds the compact ARCEP numbering index shipped with Vigie.
 * Usage: npx tsx scripts/build-numbering.ts [ARCEP_DIR] (default /work/shared/data/arcep); writes
 * src/numbering/data/arcep.json.gz. Commit the result: Vigie must run without ARCEP's files.
 */
import { join } from 'node:path';
import { importArcepFiles, SHIPPED_ARCEP_PATH, writeArcepIndexFile } from '../src/numbering/store.ts';

const LIMIT_BYTES = 400 * 1024;

const dir = process.argv[2] ?? '/work/shared/data/arcep';
const { index, stats, issues } = importArcepFiles({
  majnum: join(dir, 'MAJNUM.csv'),
  rio: join(dir, 'MAJRIO.csv'),
});
for (const issue of issues.slice(0, 20)) console.warn(`line ${issue.line}: ${issue.reason}`);
const bytes = writeArcepIndexFile(SHIPPED_ARCEP_PATH, index);
console.log(
  `${stats.blocks} blocks, ${stats.operators} operators (${stats.namedOperators} named), ` +
    `${stats.territories.length} territories, vintage ${stats.vintage ?? 'unknown'}, ` +
    `${issues.length} lines skipped → ${SHIPPED_ARCEP_PATH} (${(bytes / 1024).toFixed(1)} KiB)`,
);
if (bytes > LIMIT_BYTES) {
  console.error(`the compact file is over ${LIMIT_BYTES / 1024} KiB`);
  process.exitCode = 1;
}
