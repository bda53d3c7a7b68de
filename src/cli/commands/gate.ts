import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { changeGateSettings, readGateSettings } from '../../gate/settings.ts';
import { UsageError } from '../../shared/errors.ts';
import { openStore } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { toJson } from '../format.ts';

export function registerGate(program: Command, ctx: CliContext): void {
  const gate = program.command('gate').description('the pre-dial gate (docs/gate.md)');
  gate
    .command('config')
    .description('show or change the gate settings (each change is an evidence entry)')
    .option('--policy <policy>', 'when the shared state is unreachable: fail-closed (default) or fail-open')
    .option('--evidence-retention-years <n>', 'keep evidence at least this long (3 or more)')
    .option('--json', 'JSON')
    .addOption(dbOption(ctx))
    .action(
      async (flags: { policy?: string; evidenceRetentionYears?: string; json?: boolean; db: string }) => {
        if (flags.policy !== undefined && flags.policy !== 'fail-closed' && flags.policy !== 'fail-open')
          throw new UsageError(`--policy ${flags.policy}: expected fail-closed or fail-open`);
        const store = await openStore({ path: flags.db });
        try {
          const changing = flags.policy !== undefined || flags.evidenceRetentionYears !== undefined;
          const settings = changing
            ? await changeGateSettings(
                store,
                {
                  ...(flags.policy === undefined
                    ? {}
                    : { policy: flags.policy as 'fail-closed' | 'fail-open' }),
                  ...(flags.evidenceRetentionYears === undefined
                    ? {}
                    : { evidenceRetentionYears: Number(flags.evidenceRetentionYears) }),
                },
                userInfo().username,
                new Date(),
              )
            : await readGateSettings(store);
          if (flags.json === true) ctx.out(toJson(settings));
          else
            ctx.out(
              `politique si l'état partagé est injoignable / policy: ${settings.policy}\nconservation des preuves / evidence kept: ${settings.evidenceRetentionYears} ans / years`,
            );
        } finally {
          store.close();
        }
      },
    );
}
