import { userInfo } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { recordEvidence, registryVersions } from '../../evidence/store.ts';
import type { LoadProgress } from '../../gate/load.ts';
import { scrubFile } from '../../gate/scrub.ts';
import { openGate } from '../../gate/service.ts';
import { parseDateTime } from '../../registry/datetime.ts';
import { UsageError } from '../../shared/errors.ts';
import { openStore } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { count, toJson } from '../format.ts';
import { loadRules } from './law-options.ts';

interface ScrubFlags {
  readonly client: string;
  readonly campaign?: string;
  readonly at?: string;
  readonly out: string;
  readonly excluded: string;
  readonly column?: string;
  readonly json?: boolean;
  readonly db: string;
  readonly rules?: string;
}

/** A progress line on standard error while the registry loads (when it is a terminal). */
export function loadProgress(ctx: CliContext): LoadProgress | undefined {
  if (ctx.env.progress !== true) return undefined;
  return (kind, rows, total) =>
    ctx.err(`vigie: registre en mémoire / loading registry: ${kind} ${count(rows)} / ${count(total)}`);
}

export function registerScrub(program: Command, ctx: CliContext): void {
  program
    .command('scrub')
    .description('split a contact file into callable rows and excluded rows with every reason')
    .argument('<contacts>', 'CSV file with a phone column')
    .requiredOption('--client <name>', 'client (donneur d’ordre) the campaign calls for')
    .option('--campaign <id>', 'campaign (consent scope, campaigns.csv)')
    .option('--at <time>', 'ISO 8601 day or time the contacts will be called (default: now)')
    .requiredOption('--out <file>', 'callable rows, unchanged')
    .requiredOption('--excluded <file>', 'excluded rows, with vigie_rules and vigie_reasons columns')
    .option('--column <name>', 'the phone column (default: detected)')
    .option('--rules <file>', 'JSON file overriding the rule table')
    .option('--json', 'JSON summary')
    .addOption(dbOption(ctx))
    .action(async (input: string, flags: ScrubFlags) => {
      let at = Date.now();
      if (flags.at !== undefined) {
        const parsed = parseDateTime(flags.at.trim(), 'Europe/Paris');
        if (!parsed.ok)
          throw new UsageError(`--at ${flags.at}: expected an ISO 8601 day or time (2026-11-23)`);
        at = parsed.value.ms;
      }
      const store = await openStore({ path: flags.db });
      try {
        const started = performance.now();
        const progress = loadProgress(ctx);
        const gate = await openGate({
          store,
          env: ctx.env,
          rules: loadRules(flags.rules),
          now: new Date(at),
          ...(progress === undefined ? {} : { progress }),
        });
        const result = scrubFile(gate.engine, {
          input,
          out: flags.out,
          excluded: flags.excluded,
          client: flags.client,
          campaign: flags.campaign ?? null,
          at,
          ...(flags.column === undefined ? {} : { column: flags.column }),
        });
        const entry = await recordEvidence(store, {
          kind: 'scrub',
          actor: userInfo().username,
          at: new Date(),
          content: {
            input: { file: basename(input), sha256: result.input.sha256, bytes: result.input.bytes },
            client: flags.client,
            campaign: flags.campaign ?? null,
            scrubbedFor: new Date(at).toISOString(),
            column: result.column,
            rows: result.rows,
            callable: { file: basename(flags.out), sha256: result.out.sha256, rows: result.callable },
            excluded: {
              file: basename(flags.excluded),
              sha256: result.excludedFile.sha256,
              rows: result.excluded,
            },
            byRule: result.byRule,
            registry: await registryVersions(store),
          },
        });
        const ms = Math.round(performance.now() - started);
        if (flags.json === true) {
          ctx.out(toJson({ ...result, evidence: entry.seq, ms }));
          return;
        }
        ctx.out(
          `${count(result.rows)} lignes : ${count(result.callable)} appelables, ${count(result.excluded)} exclues (colonne ${result.column}) / ${count(result.rows)} rows: ${count(result.callable)} callable, ${count(result.excluded)} excluded`,
        );
        for (const [rule, n] of Object.entries(result.byRule)) ctx.out(`  ${rule.padEnd(26)} ${count(n)}`);
        ctx.out(`preuve n° ${entry.seq} du journal / evidence entry ${entry.seq}`);
      } finally {
        store.close();
      }
    });
}
