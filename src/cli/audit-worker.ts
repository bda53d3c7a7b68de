// A worker thread of `vigie audit`: audits the callees of its share of the stored calls and posts its
// findings back (their buffers transferred, not copied). See stored-audit.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { AuditStopped } from '../audit/stored.ts';
import { VigieError } from '../shared/errors.ts';
import { auditStoredShare, type WorkerData, type WorkerReply } from './stored-audit.ts';

const { job, share, stop } = workerData as WorkerData;
let reply: WorkerReply;
let transfer: ArrayBuffer[] = [];
try {
  const findings = await auditStoredShare(job, share, () => Atomics.load(stop, 0) === 1);
  const posted = findings.parts();
  reply = { ok: true, parts: posted.parts };
  transfer = posted.transfer;
} catch (error) {
  // Rethrown by the main thread as a VigieError of the same code (an unknown one is internal).
  reply =
    error instanceof AuditStopped
      ? { ok: false, stopped: true }
      : error instanceof VigieError
        ? { ok: false, code: error.code, message: error.message }
        : {
            ok: false,
            code: 'INTERNAL',
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          };
}
parentPort?.postMessage(reply, transfer);
