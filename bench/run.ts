// `npm run bench [-- <name> [args]]`: runs the named benchmark, or all of them.
import { benchAudit } from './audit.ts';
import { benchCheck } from './check.ts';
import { benchGate } from './gate.ts';
import { benchIngest } from './ingest.ts';
import { benchReputation } from './reputation.ts';
import { benchServe } from './serve.ts';

const [name, arg] = process.argv.slice(2);
const benches: Record<string, () => Promise<void>> = {
  ingest: () => benchIngest(arg === undefined ? 10_000_000 : Number(arg)),
  audit: () => benchAudit(arg === undefined ? 10_000_000 : Number(arg)),
  reputation: () => benchReputation(arg === undefined ? 10_000_000 : Number(arg)),
  serve: () => benchServe(arg === undefined ? 300_000 : Number(arg)),
  check: () => benchCheck(arg === undefined ? 31 : Number(arg)),
  gate: () => benchGate(arg === undefined ? 5_000_000 : Number(arg)),
};
for (const [key, run] of Object.entries(benches)) {
  if (name !== undefined && name !== key) continue;
  process.stdout.write(`\n== ${key} ==\n`);
  await run();
}
