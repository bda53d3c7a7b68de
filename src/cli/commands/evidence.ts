import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { exportEvidence, verifyStoredEvidence } from '../../evidence/store.ts';
import { UsageError } from '../../shared/errors.ts';
import { openStore } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { count, toJson } from '../format.ts';

/** `EXIT.internal`-free: a broken chain is exit 1 (the data is not what it claims). */
const BROKEN = 1;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function registerEvidence(program: Command, ctx: CliContext): void {
  const evidence = program
    .command('evidence')
    .description('the hash-chained evidence journal (docs/evidence.md)');
  evidence
    .command('verify')
    .description(
      'check that no entry was altered, removed or reordered; name the first that breaks the chain',
    )
    .addOption(dbOption(ctx))
    .option('--json', 'JSON {"ok","entries","head","problems"}')
    .action(async (flags: { db: string; json?: boolean }) => {
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const check = await verifyStoredEvidence(store);
        if (flags.json === true) ctx.out(toJson(check));
        else if (check.ok)
          ctx.out(
            `chaîne intacte : ${count(check.entries)} entrées, dernière empreinte ${check.head} / chain intact: ${count(check.entries)} entries, head ${check.head}`,
          );
        else {
          ctx.out(`chaîne rompue / chain broken: ${check.problems[0]?.message ?? ''}`);
          for (const p of check.problems.slice(1, 20)) ctx.out(`  ${p.message}`);
        }
        if (!check.ok) ctx.setExitCode(BROKEN);
      } finally {
        store.close();
      }
    });
  evidence
    .command('export')
    .description('a self-contained file of the entries of [--from, --to] that sha256sum alone verifies')
    .requiredOption('--from <day>', 'first Paris day (YYYY-MM-DD)')
    .requiredOption('--to <day>', 'last Paris day (YYYY-MM-DD)')
    .requiredOption('--out <file>', 'export file')
    .addOption(dbOption(ctx))
    .action(async (flags: { from: string; to: string; out: string; db: string }) => {
      if (!DAY.test(flags.from) || !DAY.test(flags.to) || flags.from > flags.to)
        throw new UsageError('--from and --to: two days YYYY-MM-DD, --from first');
      const store = await openStore({ path: flags.db, readOnly: true });
      try {
        const { text, entries, check } = await exportEvidence(store, flags.from, flags.to);
        if (!check.ok) {
          ctx.err(`vigie: the journal is broken, nothing exported: ${check.problems[0]?.message ?? ''}`);
          ctx.setExitCode(BROKEN);
          return;
        }
        writeFileSync(flags.out, text);
        ctx.out(`${count(entries)} entrées exportées dans ${flags.out} / ${count(entries)} entries exported`);
      } finally {
        store.close();
      }
    });
}
