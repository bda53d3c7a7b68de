import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Findings, type FindingsFormat, type FindingsParts, JSON_FINDINGS } from '../audit/findings.ts';
import {
  AuditStopped,
  auditShare,
  countCalls,
  historyRows,
  type StoredAuditFilter,
  type StoredFindings,
} from '../audit/stored.ts';
import type { Environment } from '../config/env.ts';
import type { RuleSet } from '../law/rules.ts';
import { HASH_RANGES, type Share, WHOLE } from '../registry/number-order.ts';
import { RegistryIndex } from '../registry/registry-index.ts';
import { VigieError, type VigieErrorCode } from '../shared/errors.ts';
import { lawFacts, registerHolidayLibrary } from './commands/law-options.ts';
import { CSV_FINDINGS } from './findings-csv.ts';

/**
 * A `vigie audit` of the stored calls with the stored registry, as plain data: what a worker thread
 * needs to audit its share of the callees exactly as the main thread would.
 */
export interface StoredAuditJob {
  readonly db: string;
  readonly env: Environment;
  readonly rules: RuleSet;
  readonly filter: StoredAuditFilter;
  /** How the findings are kept, for the output asked for (default JSON; a table reads JSON back). */
  readonly format?: 'json' | 'csv';
}

function findingsFormat(job: StoredAuditJob): FindingsFormat {
  return job.format === 'csv' ? CSV_FINDINGS : JSON_FINDINGS;
}

/**
 * What a worker posts: how many rows it has read now and then, then its findings, or that it stopped
 * when told to, or what went wrong (a VigieError keeps its code).
 */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly rows: number }
  | { readonly kind: 'done'; readonly parts: FindingsParts }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly code: VigieErrorCode; readonly message: string };

/** How far an audit is: rows read (calls and their history) of how many. */
export type AuditProgress = (read: number, total: number) => void;

/**
 * Audits the callees of `share`. Each share opens the database (read-only) on its own: a DuckDB
 * instance belongs to one thread.
 */
export async function auditStoredShare(
  job: StoredAuditJob,
  share: Share,
  stop?: () => boolean,
  progress?: (rows: number) => void,
): Promise<Findings> {
  // date-holidays, for years the generated table does not cover (the main thread loads it too).
  await registerHolidayLibrary();
  const { openStore } = await import('../store/store.ts');
  const { loadStoredRegistry } = await import('../registry/store.ts');
  // A read-only store spills to a folder of its own: the shares sort at the same time (StoreOptions).
  const store = await openStore({
    path: job.db,
    readOnly: true,
    // The shares' instances split 1.4 GB (two get the 700 MB one instance has alone), at least
    // 256 MB each: a larger sort spills to disk.
    ...(share.count > 1 ? { memoryLimit: `${Math.max(256, Math.floor(1400 / share.count))}MB` } : {}),
  });
  try {
    // The number-keyed kinds are streamed per callee from the store; the others are few: loaded.
    const index = new RegistryIndex(
      await loadStoredRegistry(store, undefined, ['consultations', 'assignments', 'campaigns']),
    );
    const facts = { ...lawFacts(job.env, index, false), streamRegistry: true };
    return await auditShare(store, facts, job.rules, job.filter, {
      share,
      ...(stop === undefined ? {} : { stop }),
      ...(progress === undefined ? {} : { progress }),
      format: findingsFormat(job),
    });
  } finally {
    store.close();
  }
}

/**
 * The path of tsx's `tsx/esm/api` for `import` (require.resolve would give its CommonJS twin, whose
 * `register` does not work from an ES module worker), read from tsx's own exports map.
 */
function tsxEsmApi(from: string): string {
  const require = createRequire(from);
  const manifest = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: { './esm/api': { import: { default: string } } };
  };
  return join(dirname(manifest), pkg.exports['./esm/api'].import.default);
}

/**
 * A worker running the module beside this one: `audit-worker.js` in dist/ and in the bundle (an entry
 * of its own); in the sources, `audit-worker.ts` imported once tsx's loader is registered in the
 * worker (Node 20 does not strip types, and a worker does not inherit the loader of its parent).
 */
function startWorker(workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const url = new URL('./audit-worker.js', here);
    if (!existsSync(fileURLToPath(url)))
      throw new Error(`audit worker missing: ${fileURLToPath(url)} (npm run build)`);
    // The parent's flags, but for `--input-type`, which only applies to a string given with `-e`.
    const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
    return new Worker(url, { workerData, execArgv });
  }
  const api = pathToFileURL(tsxEsmApi(here)).href;
  const entry = new URL('./audit-worker.ts', here).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * What a worker receives: its job, its share, and the flag (one 32-bit integer shared by every
 * worker) that the main thread sets to 1 when one of them fails, for the others to stop.
 */
export interface WorkerData {
  readonly job: StoredAuditJob;
  readonly share: Share;
  readonly stop: Int32Array;
}

/** Runs one worker to its result; `rows` hears how many rows it has read. */
function runWorker(data: WorkerData, rows: (read: number) => void): Promise<FindingsParts> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(data);
    const { share } = data;
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'progress') {
        rows(message.rows);
        return;
      }
      settled = true;
      if (message.kind === 'done') resolve(message.parts);
      else if (message.kind === 'stopped') reject(new AuditStopped());
      else reject(new VigieError(message.code, message.message));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`audit worker ${share.index} stopped (exit ${code}) without a result`));
    });
  });
}

/**
 * The stored audit on `threads` worker threads, each auditing the callees of its share of the hash
 * ranges (`threads` 1: on this thread). The findings are those of `auditStoredFindings`, in its order:
 * each callee's calls are all in one share, and the order is made over the merged findings.
 */
export async function auditStoredInThreads(
  job: StoredAuditJob,
  threads: number,
  progress?: AuditProgress,
): Promise<StoredFindings> {
  // Opened here first: a missing or unreadable database is reported once, as the user's error.
  const { openStore } = await import('../store/store.ts');
  const store = await openStore({ path: job.db, readOnly: true });
  // Counted meanwhile, for the per-1,000 summary; awaited before the store closes, whatever happens.
  const counted = countCalls(store, job.filter);
  counted.catch(() => undefined);
  let total = 0;
  let audit: { readonly findings: Findings; readonly order: Uint32Array };
  try {
    if (progress !== undefined) total = await historyRows(store, job.filter, job.rules);
    if (threads <= 1) {
      const findings = await auditStoredShare(job, WHOLE, undefined, (read) => progress?.(read, total));
      audit = { findings, order: findings.order() };
    } else {
      // No more workers than ranges of callees to share out.
      const count = Math.min(threads, HASH_RANGES);
      const stop = new Int32Array(new SharedArrayBuffer(4));
      const read = new Array<number>(count).fill(0);
      const running = Array.from({ length: count }, (_, index) =>
        runWorker({ job, share: { index, count }, stop }, (rows) => {
          read[index] = rows;
          progress?.(
            read.reduce((sum, n) => sum + n, 0),
            total,
          );
        }),
      );
      // One worker failed: the others are told to stop (not terminated: DuckDB may be working for
      // them), and are waited for before the error is reported.
      for (const worker of running) worker.catch(() => Atomics.store(stop, 0, 1));
      const settled = await Promise.allSettled(running);
      const parts: FindingsParts[] = [];
      const errors: unknown[] = [];
      for (const s of settled) {
        if (s.status === 'fulfilled') parts.push(s.value);
        else errors.push(s.reason);
      }
      // The error that stopped the others, not theirs.
      if (errors.length > 0) throw errors.find((e) => !(e instanceof AuditStopped)) ?? errors[0];
      audit = Findings.merge(parts, findingsFormat(job));
    }
  } finally {
    await counted.catch(() => undefined);
    store.close();
  }
  const callsByProvider = await counted;
  // Every row read: the last rows of each share come after its last progress message.
  if (total > 0) progress?.(total, total);
  let calls = 0;
  for (const n of callsByProvider.values()) calls += n;
  return { ...audit, calls, callsByProvider };
}
