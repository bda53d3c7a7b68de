import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type SimulationSummary, simulate } from '../../simulator/index.ts';
import { UsageError } from '../../shared/errors.ts';
import type { CliContext } from '../context.ts';

function positiveInteger(name: string, text: string): number {
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a positive integer (got ${text})`);
  return value;
}

/** `vigie simulate`: a realistic period of outsourced outbound calling, written as the providers would send it. */
export function registerSimulate(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description(
      'simulate outsourced outbound calling: exports per provider, spam reports, registry and truth.json',
    )
    .requiredOption('--out <dir>', 'folder to write (exports/, reports/, registry/, truth.json)')
    .option('--seed <seed>', 'seed: the same seed writes the same bytes', '1')
    .option('--days <n>', 'days to simulate', '28')
    .option('--calls <n>', 'outbound attempts in total (rounded to whole caller IDs)', '300000')
    .option(
      '--start <date>',
      'first day (YYYY-MM-DD); the default month falls under the consent regime',
      '2026-10-19',
    )
    .action(async (flags: { out: string; seed: string; days: string; calls: string; start: string }) => {
      const started = Date.now();
      let summary: SimulationSummary;
      try {
        summary = await simulate({
          out: resolve(ctx.env.cwd, flags.out),
          seed: flags.seed,
          days: positiveInteger('days', flags.days),
          calls: positiveInteger('calls', flags.calls),
          start: flags.start,
          onDay: (p) => {
            if (ctx.env.interactive) {
              ctx.out(
                `${p.day}  jour ${p.index + 1}/${p.days}  ${p.calls} appels  (total ${p.totalCalls}, ${p.labelled} numéros signalés)`,
              );
            }
          },
        });
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('invalid simulator configuration')) {
          throw new UsageError(error.message);
        }
        throw error;
      }
      renderSummary(ctx, summary, (Date.now() - started) / 1000);
    });
}

function renderSummary(ctx: CliContext, s: SimulationSummary, seconds: number): void {
  ctx.out(`simulated ${s.days} days from ${s.start} (seed ${s.seed}) in ${seconds.toFixed(1)} s → ${s.out}`);
  ctx.out(
    `  ${s.outboundCalls} outbound calls (${s.corrupted} deliberately corrupted rows), ${s.inboundCalls} call-backs, ${s.reports} spam reports`,
  );
  ctx.out(`  ${s.labelledNumbers} caller IDs labelled; ${s.callsWithBreaks} calls break at least one rule`);
  for (const [rule, n] of Object.entries(s.breaksByRule)) ctx.out(`    ${rule.padEnd(24)} ${n}`);
  ctx.out(`  truth: ${s.truthPath}`);
}

/** For `vigie demo`: simulate into `out` with the defaults and return where everything is. */
export async function simulateForDemo(options: {
  out: string;
  seed?: string;
  calls?: number;
  days?: number;
  onDay?: (line: string) => void;
}): Promise<SimulationSummary> {
  const { onDay } = options;
  return simulate({
    out: options.out,
    seed: options.seed ?? '1',
    calls: options.calls ?? 300_000,
    days: options.days ?? 28,
    ...(onDay ? { onDay: (p: { day: string; calls: number }) => onDay(`${p.day}: ${p.calls} appels`) } : {}),
  });
}
