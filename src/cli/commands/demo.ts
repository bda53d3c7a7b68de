import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { summariseCallers, summariseProviders } from '../../calls/queries.ts';
import { ingestFile } from '../../ingest/calls.ts';
import { planIngest } from '../../ingest/paths.ts';
import { ingestReportFile } from '../../ingest/reports.ts';
import { importRegistryFile, REGISTRY_FILES } from '../../registry/store.ts';
import { updateReputation } from '../../reputation/service.ts';
import { simulate } from '../../simulator/index.ts';
import { openStore } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { count } from '../format.ts';
import { renderCallerSummary, renderProviderSummary } from './calls.ts';

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export interface DemoFlags {
  readonly db: string;
  readonly seed: string;
  readonly calls: number;
  readonly days: number;
  readonly keep?: boolean;
}

/**
 * `vigie demo`: a simulated month of outsourced calling, written as the providers' own exports and
 * ingested into a fresh embedded database through the normal ingest path, then its summary.
 */
export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'simulate a month of outsourced calling into a fresh database and show the per-caller-ID summary',
    )
    .option('--seed <seed>', 'simulation seed (same seed, same data)', '1')
    .option('--calls <n>', 'outbound calls to simulate', (v) => Number.parseInt(v, 10), 300_000)
    .option('--days <n>', 'days to simulate', (v) => Number.parseInt(v, 10), 28)
    .addOption(
      new Option('--db <path>', 'database to (re)create').default(join(ctx.env.cwd, '.vigie', 'demo.duckdb')),
    )
    .option('--keep', 'keep the simulated files (their folder is printed)')
    .action((flags: DemoFlags) => runDemo(ctx, flags));
}

/** Simulates the demo month into a fresh database `flags.db` and prints its summary. */
export async function runDemo(ctx: CliContext, flags: DemoFlags): Promise<void> {
  const started = Date.now();
  const out = await mkdtemp(join(tmpdir(), 'vigie-demo-'));
  try {
    const simulation = await simulate({ out, seed: flags.seed, calls: flags.calls, days: flags.days });
    const simulated = Date.now();
    ctx.out(
      `Simulation (${seconds(simulated - started)}) : ${count(simulation.outboundCalls)} appels sortants, ${count(simulation.inboundCalls)} rappels entrants, ${count(simulation.reports)} signalements (${simulation.start}, ${simulation.days} jours)`,
    );
    for (const suffix of ['', '.wal']) if (existsSync(flags.db + suffix)) rmSync(flags.db + suffix);
    const store = await openStore({ path: flags.db });
    try {
      let rows = 0;
      let quarantined = 0;
      for (const item of planIngest([join(out, 'exports')], {})) {
        const summary = await ingestFile(store, item.path, item.options);
        rows += summary.rows;
        quarantined += summary.quarantined;
      }
      const callsDone = Date.now();
      let registryRows = 0;
      for (const kind of REGISTRY_FILES) {
        const path = join(simulation.registryDir, `${kind}.csv`);
        if (existsSync(path)) registryRows += (await importRegistryFile(store, kind, path)).stored;
      }
      let reports = 0;
      for (const name of readdirSync(simulation.reportsDir).sort()) {
        reports += (await ingestReportFile(store, join(simulation.reportsDir, name))).stored;
      }
      ctx.out(
        `Ingestion : ${count(rows)} lignes d’appels en ${seconds(callsDone - simulated)} (${count(quarantined)} en quarantaine, volontairement corrompues), ${count(registryRows)} lignes de registre et ${count(reports)} signalements en ${seconds(Date.now() - callsDone)} → ${flags.db}\n`,
      );
      const reputation = await updateReputation(store);
      ctx.out(
        `Réputation au ${reputation.asOf ?? '–'} : ${count(reputation.conditions)} alertes ouvertes (vigie alerts --db ${flags.db})\n`,
      );
      ctx.out(renderProviderSummary(await summariseProviders(store)));
      const callers = await summariseCallers(store);
      const riskiest = [...callers].sort((a, b) => (b.report_rate ?? 0) - (a.report_rate ?? 0)).slice(0, 20);
      ctx.out(`\nLes 20 numéros présentés les plus signalés (sur ${count(callers.length)}) :\n`);
      ctx.out(renderCallerSummary(riskiest));
      ctx.out(
        `\nEssayez : npx vigie calls --db ${flags.db} --limit 20 · npx vigie quarantine --db ${flags.db}`,
      );
    } finally {
      store.close();
    }
  } finally {
    if (flags.keep) ctx.out(`Fichiers simulés : ${out}`);
    else rmSync(out, { recursive: true, force: true });
  }
}
