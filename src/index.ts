/**
 * Vigie's public API: the same functions the CLI and the server use, for tests and scripts.
 *
 * @example
 * const store = await openStore({ path: '.vigie/vigie.duckdb' });
 * const summary = await ingestFile(store, 'exports/week-47.csv', { provider: 'atlas' });
 * store.close();
 */
export { listCalls, listQuarantine, summariseCallers, summariseProviders } from './calls/queries.ts';
export { checkTimeZone, ingestFile } from './ingest/calls.ts';
export type { FileSummary, IngestOptions, IngestProgress } from './ingest/model.ts';
export { planIngest, readSourceDefaults } from './ingest/paths.ts';
export { ingestReportFile } from './ingest/reports.ts';
export { normalisePhone, PhoneNormaliser } from './numbering/phone.ts';
export { CALL_FORMATS, type CallRecord, OUTCOMES, type Outcome } from './records/model.ts';
export { mapOutcome } from './records/outcome.ts';
export { openStore, type Store } from './store/store.ts';
