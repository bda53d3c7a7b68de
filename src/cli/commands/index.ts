import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Each command module adds its verb(s) to the program; one line per module below. Modules load
 * lazily: a run of `vigie check` should not pay for DuckDB or the simulator at start-up.
 */
const COMMANDS: readonly (readonly [readonly string[], () => Promise<Register>])[] = [
  [['ingest', 'ingest-reports'], async () => (await import('./ingest.ts')).registerIngest],
  [['calls', 'quarantine', 'summary'], async () => (await import('./calls.ts')).registerCalls],
  [['demo'], async () => (await import('./demo.ts')).registerDemo],
  [['number', 'numbering'], async () => (await import('./number-info.ts')).registerNumberInfo],
  [['numbers', 'recompute', 'number'], async () => (await import('./reputation.ts')).registerReputation],
  [['audit'], async () => (await import('./audit.ts')).registerAudit],
  [['check'], async () => (await import('./check.ts')).registerCheck],
  [['simulate'], async () => (await import('./simulate.ts')).registerSimulate],
  [['registry'], async () => (await import('./registry.ts')).registerRegistry],
  [['alerts', 'alert'], async () => (await import('./alerts.ts')).registerAlerts],
  [['providers', 'ingest-audits', 'report'], async () => (await import('./providers.ts')).registerProviders],
  [['scrub'], async () => (await import('./scrub.ts')).registerScrub],
  [['evidence'], async () => (await import('./evidence.ts')).registerEvidence],
  [['gate'], async () => (await import('./gate.ts')).registerGate],
  [['serve'], async () => (await import('./serve.ts')).registerServe],
  [['users', 'keys'], async () => (await import('./accounts.ts')).registerAccounts],
];

/** Registers the command named `verb` when it is known, else every command (help, unknown verbs). */
export async function registerCommands(program: Command, ctx: CliContext, verb?: string): Promise<void> {
  const only = COMMANDS.filter(([names]) => verb !== undefined && names.includes(verb));
  for (const [, load] of only.length > 0 ? only : COMMANDS) (await load())(program, ctx);
}
