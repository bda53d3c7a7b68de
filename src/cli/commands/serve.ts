import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';

export interface ServeFlags {
  readonly db: string;
  readonly host: string;
  readonly port: number;
  readonly config?: string;
  readonly demo?: boolean;
}

/** The demo's accounts, created in the demo database only (printed at start-up). */
export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@demo.vigie.fr', password: 'demo-admin-2026' },
  provider: { email: 'prestataire@demo.vigie.fr', password: 'demo-presta-2026' },
} as const;

function portOf(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port ${value}: expected 0–65535`);
  return port;
}

/** Until SIGINT or SIGTERM: then the server stops (requests in flight finished) and the database closes. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

async function ensureDemo(ctx: CliContext, db: string): Promise<{ admin: string; provider: string | null }> {
  if (!existsSync(db)) {
    ctx.out(`Base de démonstration absente : construction de ${db} (environ une minute)…`);
    const { runDemo } = await import('./demo.ts');
    await runDemo(ctx, { db, seed: '1', calls: 300_000, days: 28 });
  }
  const { withServices } = await import('../service-context.ts');
  const { addUser, listUsers } = await import('../../services/accounts.ts');
  return withServices(ctx, { db, readOnly: false, author: 'vigie demo' }, async (s) => {
    const users = await listUsers(s);
    const has = (email: string) => users.some((u) => u.email === email);
    if (!has(DEMO_ACCOUNTS.admin.email))
      await addUser(s, {
        email: DEMO_ACCOUNTS.admin.email,
        role: 'admin',
        password: DEMO_ACCOUNTS.admin.password,
      });
    const existing = users.find((u) => u.email === DEMO_ACCOUNTS.provider.email);
    if (existing !== undefined) return { admin: DEMO_ACCOUNTS.admin.email, provider: existing.provider };
    const row = await s.reader.one<{ provider: string }>(
      "SELECT provider FROM calls WHERE provider <> '' GROUP BY provider ORDER BY count(*) DESC, provider LIMIT 1",
    );
    if (row === undefined) return { admin: DEMO_ACCOUNTS.admin.email, provider: null };
    await addUser(s, {
      email: DEMO_ACCOUNTS.provider.email,
      role: 'provider',
      provider: row.provider,
      password: DEMO_ACCOUNTS.provider.password,
    });
    return { admin: DEMO_ACCOUNTS.admin.email, provider: row.provider };
  });
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('serve the dashboard and the HTTP API (loopback by default; Ctrl-C stops it)')
    .addOption(dbOption(ctx))
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port; the address is printed)', portOf, 8080)
    .option('--config <file>', 'YAML or JSON: reputation thresholds, rule overrides, upload limits')
    .option('--demo', 'the demo database (built if missing, as vigie demo) with its demo accounts')
    .action(async (flags: ServeFlags & { db: string }, command: Command) => {
      const dbFromUser = command.getOptionValueSource('db') === 'cli';
      const db = flags.demo && !dbFromUser ? join(ctx.env.cwd, '.vigie', 'demo.duckdb') : flags.db;
      const demo = flags.demo ? await ensureDemo(ctx, db) : undefined;
      const { startServer } = await import('../../http/server.ts');
      const server = await startServer({
        db,
        env: ctx.env,
        host: flags.host,
        port: flags.port,
        ...(flags.config === undefined ? {} : { configFile: flags.config }),
      });
      ctx.out(`Vigie écoute sur ${server.url} (base ${db}) — Ctrl-C pour arrêter / listening`);
      if (demo !== undefined) {
        ctx.out(`Connexion de démonstration / demo sign-in:`);
        ctx.out(`  administrateur : ${DEMO_ACCOUNTS.admin.email} / ${DEMO_ACCOUNTS.admin.password}`);
        if (demo.provider !== null)
          ctx.out(
            `  prestataire ${demo.provider} : ${DEMO_ACCOUNTS.provider.email} / ${DEMO_ACCOUNTS.provider.password}`,
          );
      }
      const signal = await untilSignal();
      ctx.out(`${signal} : arrêt du serveur… / stopping`);
      await server.close();
      ctx.out('Serveur arrêté, base fermée / stopped, database closed');
    });
}
