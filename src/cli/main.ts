import { Command, CommanderError } from 'commander';
import { readEnvironment } from '../config/env.ts';
import { VigieError } from '../shared/errors.ts';
import { registerCommands } from './commands/index.ts';
import type { CliContext } from './context.ts';
import { askSecret } from './secret.ts';

/** Exit codes: 0 ok, 1 internal failure, 2 usage error; commands add theirs (3 quarantined, 4 refused). */
export const EXIT = { ok: 0, internal: 1, usage: 2, quarantined: 3, refused: 4 } as const;

export async function buildProgram(ctx: CliContext, verb?: string): Promise<Command> {
  const program = new Command('vigie')
    .description('Vigie: caller-ID health and French telemarketing compliance')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.out(s.replace(/\n$/, '')),
      writeErr: (s) => ctx.err(s.replace(/\n$/, '')),
    })
    .showHelpAfterError(false);
  await registerCommands(program, ctx, verb);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code; never calls process.exit. */
export async function runCli(argv: readonly string[], ctx: Omit<CliContext, 'setExitCode'>): Promise<number> {
  let exitCode = 0;
  const full: CliContext = {
    ...ctx,
    setExitCode(code) {
      exitCode = Math.max(exitCode, code);
    },
  };
  try {
    const program = await buildProgram(full, argv[0]);
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync')
        return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof VigieError) {
      ctx.err(`vigie: ${error.message}`);
      return error.code === 'INTERNAL' ? EXIT.internal : EXIT.usage;
    }
    ctx.err(
      `vigie: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT.internal;
  }
}

export async function main(): Promise<void> {
  // `vigie calls | head` closes the pipe early: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const code = await runCli(process.argv.slice(2), {
    env: readEnvironment(),
    out: (text) => process.stdout.write(`${text}\n`),
    outBytes: (bytes) => process.stdout.write(bytes),
    err: (text) => process.stderr.write(`${text}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks).toString('utf8');
    },
    askSecret: (prompt) => askSecret(prompt),
  });
  process.exitCode = code;
}
