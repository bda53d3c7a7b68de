// A worker thread of `vigie audit`: audits the callees of its share of the stored calls and posts its
// findings back (their buffers transferred, not copied). See stored-audit.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { AuditStopped } from '../audit/stored.ts';
import { VigieError } from '../shared/errors.ts';
import { auditStoredShare, type WorkerData, type WorkerMessage } from './stored-audit.ts';

const { job, share, stop } = workerData as WorkerData;
/** Rows between two progress messages: a message every ~50 chunks, not every one. */
const PROGRESS_STEP = 100_000;
let posted = 0;
const progress = (rows: number) => {
  if (rows - posted < PROGRESS_STEP) return;
  posted = rows;
  parentPort?.postMessage({ kind: 'progress', rows } satisfies WorkerMessage);
};
let reply: WorkerMessage;
let transfer: ArrayBuffer[] = [];
try {
  const findings = await auditStoredShare(job, share, () => Atomics.load(stop, 0) === 1, progress);
  const parts = findings.parts();
  reply = { kind: 'done', parts: parts.parts };
  transfer = parts.transfer;
} catch (error) {
  // Rethrown by the main thread as a VigieError of the same code (an unknown one is internal).
  reply =
    error instanceof AuditStopped
      ? { kind: 'stopped' }
      : error instanceof VigieError
        ? { kind: 'failed', code: error.code, message: error.message }
        : {
            kind: 'failed',
            code: 'INTERNAL',
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          };
}
parentPort?.postMessage(reply, transfer);
