import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestFile } from '../../src/ingest/calls.ts';
import { planIngest } from '../../src/ingest/paths.ts';
import { ingestReportFile } from '../../src/ingest/reports.ts';
import { simulate } from '../../src/simulator/index.ts';
import type { Store } from '../../src/store/store.ts';

export interface TruthCallerDay {
  day: string;
  number: string;
  provider: string;
  profile: string;
  attempts: number;
  answered: number;
  reports: number;
  strength: number;
  labelled: boolean;
  resting: boolean;
}

export interface Truth {
  callerDays: TruthCallerDay[];
  labelled: { number: string; provider: string; firstDay: string | null; severe: boolean; days: string[] }[];
  clauses: { rule: string; caller: string; provider: string; day: string; detail: string }[];
  providers: { id: string; profile: string }[];
}

export const SIM = { seed: 'reputation-1', calls: 40_000, days: 28, start: '2026-10-19' } as const;

/** Simulates the test month into `out` and returns its truth. */
export async function simulateMonth(out: string): Promise<Truth> {
  await simulate({ ...SIM, out });
  return JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')) as Truth;
}

/** Ingests every export and report file of a simulation, in the given order of files. */
export async function ingestSimulation(
  store: Store,
  out: string,
  order: (paths: string[]) => string[] = (p) => p,
): Promise<void> {
  const plan = planIngest([join(out, 'exports')], {});
  const byPath = new Map(plan.map((item) => [item.path, item]));
  for (const path of order(plan.map((item) => item.path))) {
    const item = byPath.get(path);
    if (item !== undefined) await ingestFile(store, item.path, item.options);
  }
  const reportsDir = join(out, 'reports');
  for (const name of order(readdirSync(reportsDir).sort())) {
    await ingestReportFile(store, join(reportsDir, name));
  }
}
