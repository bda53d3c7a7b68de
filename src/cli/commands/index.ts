import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerAudit } from './audit.ts';
import { registerCalls } from './calls.ts';
import { registerCheck } from './check.ts';
import { registerDemo } from './demo.ts';
import { registerIngest } from './ingest.ts';
import { registerNumberInfo } from './number-info.ts';
import { registerRegistry } from './registry.ts';
import { registerSimulate } from './simulate.ts';

/** Each command module adds its verb(s) to the program; one line per module below. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerIngest(program, ctx);
  registerCalls(program, ctx);
  registerDemo(program, ctx);
  registerNumberInfo(program, ctx);
  registerAudit(program, ctx);
  registerCheck(program, ctx);
  registerSimulate(program, ctx);
  registerRegistry(program, ctx);
}
