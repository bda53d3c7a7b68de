import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrganisation } from '../../src/config/organisation.ts';
import { ingestAuditFile } from '../../src/ingest/audits.ts';
import { ingestFile } from '../../src/ingest/calls.ts';
import { planIngest } from '../../src/ingest/paths.ts';
import { ingestReportFile } from '../../src/ingest/reports.ts';
import { lawFacts, registerHolidayLibrary } from '../../src/cli/commands/law-options.ts';
import type { Organisation } from '../../src/providers/model.ts';
import type { ProvidersContext } from '../../src/providers/service.ts';
import { importRegistryFile, REGISTRY_FILES } from '../../src/registry/store.ts';
import { type SimulationSummary, simulate } from '../../src/simulator/index.ts';
import { openStore, type Store } from '../../src/store/store.ts';

export interface SimulatedWorld {
  readonly simulation: SimulationSummary;
  readonly store: Store;
  readonly organisation: Organisation;
  readonly ctx: ProvidersContext;
}

/** A simulated month ingested through the normal paths into `db`, with its organisation file and audits. */
export async function simulatedWorld(
  out: string,
  db: string,
  options: { seed: string; calls: number; days: number },
): Promise<SimulatedWorld> {
  const simulation = await simulate({ ...options, start: '2026-10-19', out });
  const store = await openStore({ path: db });
  for (const item of planIngest([join(out, 'exports')], {})) await ingestFile(store, item.path, item.options);
  for (const kind of REGISTRY_FILES) {
    const path = join(simulation.registryDir, `${kind}.csv`);
    if (existsSync(path)) await importRegistryFile(store, kind, path);
  }
  for (const name of readdirSync(simulation.reportsDir).sort())
    await ingestReportFile(store, join(simulation.reportsDir, name));
  await ingestAuditFile(store, simulation.auditsFile);
  await registerHolidayLibrary();
  const organisation = loadOrganisation(simulation.organisationFile);
  const ctx: ProvidersContext = {
    store,
    organisation,
    now: () => new Date('2026-11-20T12:00:00Z'),
    lawFacts: (registry) => lawFacts({ defaultDb: db, cwd: out, interactive: false }, registry, false),
  };
  return { simulation, store, organisation, ctx };
}
