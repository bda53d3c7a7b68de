import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerCheck } from './check.ts';

/**
 * `registerCommands` of index.ts for the bundle that runs `vigie check` alone (scripts/bundle.mjs
 * puts it in place of index.ts there): index.ts registers only `check` for that verb too, but loads
 * it through a dynamic import, which would pull every other command into that bundle.
 */
export async function registerCommands(program: Command, ctx: CliContext, verb?: string): Promise<void> {
  if (verb !== 'check')
    throw new Error(`the check bundle runs only \`vigie check\`, not ${verb ?? 'no verb'}`);
  registerCheck(program, ctx);
}
