import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { ingestFile } from '../../ingest/calls.ts';
import type { FileSummary, IngestOptions } from '../../ingest/model.ts';
import { planIngest } from '../../ingest/paths.ts';
import { ingestReportFile } from '../../ingest/reports.ts';
import { CALL_FORMATS } from '../../records/model.ts';
import { openStore, type Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { count, toJson } from '../format.ts';

/** The flags: the file options that a command line can set, and where and how to report. */
type IngestFlags = Pick<
  IngestOptions,
  'format' | 'provider' | 'site' | 'client' | 'campaign' | 'caller' | 'timezone' | 'country'
> & {
  readonly db?: string;
  readonly json?: boolean;
};

function describe(summary: FileSummary): string {
  const parts = [
    `${count(summary.rows)} lignes`,
    `${count(summary.stored)} enregistrées`,
    `${count(summary.duplicates)} doublons`,
    `${count(summary.quarantined)} en quarantaine`,
  ];
  if (summary.merged > 0) parts.push(`${count(summary.merged)} fusionnées`);
  if (summary.dstGap + summary.dstOverlap > 0) {
    parts.push(`heure d'été : ${summary.dstGap} dans le saut, ${summary.dstOverlap} dans la répétition`);
  }
  const already = summary.alreadyIngested ? ' — fichier déjà ingéré, rien de nouveau (already ingested)' : '';
  return `${summary.file} [${summary.format}, ${summary.encoding}] : ${parts.join(', ')}${already}`;
}

async function runIngest(
  ctx: CliContext,
  paths: readonly string[],
  flags: IngestFlags,
  ingest: (
    store: Store,
    plan: { path: string; options: IngestOptions },
    onProgress?: IngestOptions['onProgress'],
  ) => Promise<FileSummary>,
): Promise<void> {
  const plan = planIngest(paths, {
    format: flags.format,
    provider: flags.provider,
    site: flags.site,
    client: flags.client,
    campaign: flags.campaign,
    caller: flags.caller,
    timezone: flags.timezone,
    country: flags.country,
  } as IngestOptions);
  const store = await openStore({ path: flags.db ?? ctx.env.defaultDb });
  const files: FileSummary[] = [];
  try {
    for (const item of plan) {
      const bar =
        ctx.env.interactive && !flags.json
          ? new SingleBar({
              format: `${item.path} [{bar}] {percentage}% | {rows} lignes | {speed} lignes/s | ETA {eta_formatted}`,
              hideCursor: true,
            })
          : undefined;
      const started = Date.now();
      bar?.start(100, 0, { rows: 0, speed: 0 });
      const summary = await ingest(
        store,
        item,
        bar === undefined
          ? undefined
          : (p) => {
              const seconds = Math.max((Date.now() - started) / 1000, 0.001);
              bar.update(Math.round(p.fraction * 100), {
                rows: count(p.rows),
                speed: count(Math.round(p.rows / seconds)),
              });
            },
      );
      bar?.update(100, { rows: count(summary.rows) });
      bar?.stop();
      files.push(summary);
      if (!flags.json) ctx.out(describe(summary));
      if (summary.quarantined > 0) ctx.setExitCode(3);
    }
    await (await import('../../reputation/service.ts')).updateReputation(store);
  } finally {
    store.close();
  }
  if (flags.json) {
    ctx.out(
      toJson({
        files: files.map((f) => ({
          file: f.file,
          format: f.format,
          rows: f.rows,
          stored: f.stored,
          duplicates: f.duplicates,
          quarantined: f.quarantined,
          merged: f.merged,
          dstGap: f.dstGap,
          dstOverlap: f.dstOverlap,
          encoding: f.encoding,
          alreadyIngested: f.alreadyIngested,
        })),
      }),
    );
  }
  if (files.some((f) => f.quarantined > 0) && !flags.json) {
    ctx.err(
      'Des lignes ont été mises en quarantaine : `vigie quarantine` les montre (some rows were quarantined).',
    );
  }
}

export function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('ingest call-record files or folders (a vigie-source.json in a folder sets its defaults)')
    .argument('<files...>', 'files or folders')
    .addOption(
      new Option('--format <format>', 'file format').choices(['auto', ...CALL_FORMATS]).default('auto'),
    )
    .option('--provider <name>', 'provider (call centre) that placed the calls')
    .option('--site <name>', 'provider site')
    .option('--client <name>', 'client (donneur d’ordre) the calls were made for')
    .option('--campaign <name>', 'campaign')
    .option('--caller <number>', 'caller ID, for exports without it (VICIdial)')
    .option('--timezone <zone>', 'IANA zone of naive local times (default Europe/Paris)')
    .option(
      '--country <region>',
      'region of numbers written without an international prefix: FR, MA, TN… (default FR)',
    )
    .addOption(dbOption(ctx))
    .option('--json', 'print one JSON object with a summary per file')
    .action(async (paths: string[], flags: IngestFlags) => {
      await runIngest(ctx, paths, flags, (store, item, onProgress) =>
        ingestFile(store, item.path, { ...item.options, ...(onProgress ? { onProgress } : {}) }),
      );
    });

  program
    .command('ingest-reports')
    .description('ingest spam-report files (signalements): number, reported_at, source, category, comment')
    .argument('<files...>', 'files or folders')
    .option('--timezone <zone>', 'IANA zone of naive local times (default Europe/Paris)')
    .addOption(dbOption(ctx))
    .option('--json', 'print one JSON object with a summary per file')
    .action(async (paths: string[], flags: IngestFlags) => {
      await runIngest(ctx, paths, flags, (store, item) =>
        ingestReportFile(
          store,
          item.path,
          item.options.timezone === undefined ? {} : { timezone: item.options.timezone },
        ),
      );
    });
}
