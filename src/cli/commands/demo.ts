import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { summariseCallers } from '../../calls/queries.ts';
import { ingestFile } from '../../ingest/calls.ts';
import { planIngest } from '../../ingest/paths.ts';
import { ingestReportFile } from '../../ingest/reports.ts';
import { openStore } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { count } from '../format.ts';
import { renderCallerSummary } from './calls.ts';

const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples');

/** `vigie demo`: a fresh embedded database filled through the normal ingest path, then its summary. */
export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('ingest the example exports into a fresh database and show the per-caller-ID summary')
    .addOption(
      new Option('--db <path>', 'database to (re)create').default(join(ctx.env.cwd, '.vigie', 'demo.duckdb')),
    )
    .action(async (flags: { db: string }) => {
      for (const suffix of ['', '.wal']) if (existsSync(flags.db + suffix)) rmSync(flags.db + suffix);
      const store = await openStore({ path: flags.db });
      try {
        let rows = 0;
        for (const item of planIngest([examplesDir], {}).filter(
          (i) => !i.path.includes(`${join('examples', 'reports')}`),
        )) {
          const summary = await ingestFile(store, item.path, item.options);
          rows += summary.rows;
          ctx.out(
            `${item.path.slice(examplesDir.length + 1)} [${summary.format}] : ${summary.stored} appels enregistrés, ${summary.merged} fusionnés, ${summary.quarantined} en quarantaine`,
          );
        }
        const reports = await ingestReportFile(store, join(examplesDir, 'reports', 'reports.csv'));
        ctx.out(`reports/reports.csv [${reports.format}] : ${reports.stored} signalements enregistrés`);
        ctx.out(`\n${count(rows)} lignes ingérées dans ${flags.db}\n`);
        ctx.out(renderCallerSummary(await summariseCallers(store)));
      } finally {
        store.close();
      }
    });
}
