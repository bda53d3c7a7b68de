import type { Command } from 'commander';
import { checkCall } from '../../law/evaluate.ts';
import { normalisePhone } from '../../numbering/phone.ts';
import { PURPOSES, type Purpose } from '../../records/model.ts';
import { parseDateTime } from '../../registry/csv.ts';
import { UsageError } from '../../shared/errors.ts';
import type { CliContext } from '../context.ts';
import { toJson } from '../format.ts';
import {
  addRegistryOptions,
  lawFacts,
  loadRegistryFromFlags,
  loadRules,
  type RegistryFlags,
  reportRowErrors,
} from './audit.ts';

/** `EXIT.refused` of main.ts (not imported: main.ts imports the commands). */
const REFUSED = 4;

interface CheckFlags extends RegistryFlags {
  readonly caller: string;
  readonly callee: string;
  readonly at?: string;
  readonly client?: string;
  readonly campaign?: string;
  readonly purpose: string;
  readonly provider?: string;
  readonly rules?: string;
  readonly json?: boolean;
}

function phone(flag: string, value: string): string {
  const result = normalisePhone(value);
  if (!result.ok) throw new UsageError(`--${flag} ${value}: not a valid phone number`);
  return result.value;
}

export function registerCheck(program: Command, ctx: CliContext): void {
  const command = program
    .command('check')
    .description('may this call be placed now (or at --at)? exit 0 when allowed, 4 when refused')
    .requiredOption('--caller <number>', 'caller ID to present')
    .requiredOption('--callee <number>', 'number to call')
    .option('--at <time>', 'ISO 8601 time of the call (default: now); a naive time is read in Paris')
    .option('--client <name>', 'client (donneur d’ordre) the call is made for')
    .option('--campaign <id>', 'campaign (consent scope, campaigns.csv)')
    .option('--purpose <purpose>', PURPOSES.join(', '), 'prospecting')
    .option('--provider <name>', 'provider placing the call')
    .option('--json', 'JSON {"allowed", "reasons"}');
  addRegistryOptions(command, false).action((flags: CheckFlags) => {
    const purpose = PURPOSES.find((p): p is Purpose => p === flags.purpose);
    if (purpose === undefined)
      throw new UsageError(`--purpose ${flags.purpose}: expected ${PURPOSES.join(', ')}`);
    let at = new Date();
    if (flags.at !== undefined) {
      const parsed = parseDateTime(flags.at.trim(), 'Europe/Paris');
      if (!parsed.ok)
        throw new UsageError(`--at ${flags.at}: expected an ISO 8601 time (2026-11-23T10:15:00+01:00)`);
      at = new Date(parsed.value.ms);
    }
    const rules = loadRules(flags.rules);
    const registry = loadRegistryFromFlags(flags);
    reportRowErrors(ctx, registry.errors);
    const decision = checkCall(
      {
        caller: phone('caller', flags.caller),
        callee: phone('callee', flags.callee),
        at,
        client: flags.client ?? null,
        campaign: flags.campaign ?? null,
        purpose,
        ...(flags.provider === undefined ? {} : { provider: flags.provider }),
      },
      [],
      lawFacts(ctx.env, registry.index),
      rules,
    );
    if (flags.json === true) {
      ctx.out(toJson(decision));
    } else {
      ctx.out(decision.allowed ? 'allowed / autorisé' : 'refused / refusé');
      for (const r of decision.reasons) ctx.out(`  ${r.severity.padEnd(9)} ${r.rule}: ${r.explanation}`);
    }
    if (!decision.allowed) ctx.setExitCode(REFUSED);
  });
}
