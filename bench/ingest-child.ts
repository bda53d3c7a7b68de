import { DuckDBInstance } from '@duckdb/node-api';
import { ingestFile } from '../src/ingest/calls.ts';
import { openStore } from '../src/store/store.ts';

const [mode, file, db, provider = 'bench'] = process.argv.slice(2);
if (mode === undefined || file === undefined || db === undefined)
  throw new Error('usage: ingest-child baseline|vigie FILE DB');
const started = performance.now();
let detail = '';
if (mode === 'baseline') {
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    `CREATE TABLE calls AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}')`,
  );
  detail = `${reader.getRowObjectsJS()[0]?.Count ?? '?'} rows`;
  connection.closeSync();
  instance.closeSync();
} else {
  const store = await openStore({ path: db });
  const summary = await ingestFile(store, file, { provider });
  detail = `stored ${summary.stored}, quarantined ${summary.quarantined}, duplicates ${summary.duplicates}`;
  store.close();
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, detail })}\n`,
);
