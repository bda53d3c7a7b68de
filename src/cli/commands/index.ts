import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

/** Each command module adds its verb(s) to the program; one line per module below. */
export function registerCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
