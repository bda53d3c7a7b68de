import type { Command } from 'commander';
import { Option } from 'commander';
import { MIN_PASSWORD_LENGTH } from '../../accounts/password.ts';
import {
  addUser,
  createKey,
  disableUser,
  listKeys,
  listUsers,
  resetPassword,
  revokeKey,
} from '../../services/accounts.ts';
import { ROLES, USER_ROLES } from '../../services/context.ts';
import { UsageError } from '../../shared/errors.ts';
import type { CliContext } from '../context.ts';
import { dbOption } from '../db-option.ts';
import { renderTable, toJson } from '../format.ts';
import { withServices } from '../service-context.ts';

/** The password: standard input (`--password-stdin`, first line), or typed twice on the terminal. */
async function readPassword(ctx: CliContext, fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) {
    if (ctx.readStdin === undefined) throw new UsageError('--password-stdin: no standard input');
    const text = await ctx.readStdin();
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line === '') throw new UsageError('--password-stdin: standard input is empty');
    return line;
  }
  const first = await ctx.askSecret?.(
    `Mot de passe (${MIN_PASSWORD_LENGTH} caractères au moins) / password: `,
  );
  if (first === undefined)
    throw new UsageError(
      'no terminal to ask the password on: pass it on standard input with --password-stdin',
    );
  const again = await ctx.askSecret?.('Encore une fois / again: ');
  if (again !== first) throw new UsageError('les deux mots de passe diffèrent / the passwords differ');
  return first;
}

export function registerAccounts(program: Command, ctx: CliContext): void {
  const users = program.command('users').description('accounts of the dashboard and the API');
  users
    .command('add')
    .description('create an account (the password is asked on the terminal, or read with --password-stdin)')
    .argument('<email>', 'the e-mail address, the sign-in name')
    .addOption(
      new Option('--role <role>', 'what the account may do').choices([...USER_ROLES]).makeOptionMandatory(),
    )
    .option('--provider <name>', 'a provider user: its call centre (sees only its numbers, calls, alerts)')
    .option('--client <name>', 'an analyst of one client (donneur d’ordre) only')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'one JSON object')
    .addOption(dbOption(ctx))
    .action(
      async (
        email: string,
        flags: {
          role: 'admin' | 'analyst' | 'provider';
          provider?: string;
          client?: string;
          passwordStdin?: boolean;
          json?: boolean;
          db: string;
        },
      ) => {
        const password = await readPassword(ctx, flags.passwordStdin);
        const user = await withServices(ctx, { db: flags.db, readOnly: false }, (s) =>
          addUser(s, {
            email,
            role: flags.role,
            password,
            ...(flags.provider === undefined ? {} : { provider: flags.provider }),
            ...(flags.client === undefined ? {} : { client: flags.client }),
          }),
        );
        ctx.out(
          flags.json
            ? toJson(user)
            : `Compte ${user.email} créé (${user.role}${user.provider ? `, prestataire ${user.provider}` : ''}${user.client ? `, client ${user.client}` : ''}) / account created`,
        );
      },
    );
  users
    .command('list')
    .description('every account')
    .option('--json', 'JSON array')
    .addOption(dbOption(ctx))
    .action(async (flags: { json?: boolean; db: string }) => {
      const list = await withServices(ctx, { db: flags.db, readOnly: true }, (s) => listUsers(s));
      if (flags.json) ctx.out(toJson(list));
      else
        ctx.out(
          renderTable(
            ['e-mail', 'rôle', 'prestataire', 'client', 'état', 'créé (UTC)'],
            list.map((u) => [
              u.email,
              u.role,
              u.provider ?? '',
              u.client ?? '',
              u.disabled ? 'désactivé' : 'actif',
              u.createdAt.slice(0, 16).replace('T', ' '),
            ]),
          ),
        );
    });
  users
    .command('disable')
    .description('the account can no longer sign in; its sessions end')
    .argument('<email>')
    .addOption(dbOption(ctx))
    .action(async (email: string, flags: { db: string }) => {
      const user = await withServices(ctx, { db: flags.db, readOnly: false }, (s) => disableUser(s, email));
      ctx.out(`Compte ${user.email} désactivé / account disabled`);
    });
  users
    .command('reset-password')
    .description('a new password (asked, or --password-stdin); the account’s sessions end')
    .argument('<email>')
    .option('--password-stdin', 'read the password from standard input')
    .addOption(dbOption(ctx))
    .action(async (email: string, flags: { passwordStdin?: boolean; db: string }) => {
      const password = await readPassword(ctx, flags.passwordStdin);
      const user = await withServices(ctx, { db: flags.db, readOnly: false }, (s) =>
        resetPassword(s, email, password),
      );
      ctx.out(`Mot de passe de ${user.email} changé / password changed`);
    });

  const keys = program
    .command('keys')
    .description('API keys for scripts and dialers (Authorization: Bearer …)');
  keys
    .command('create')
    .description('create a key: it is shown once, only its hash is kept')
    .requiredOption('--name <name>', 'what the key is for')
    .addOption(new Option('--role <role>', 'what the key may do').choices([...ROLES]).makeOptionMandatory())
    .option('--provider <name>', 'only this provider’s data')
    .option('--client <name>', 'only this client’s data')
    .option('--json', 'one JSON object (with the key)')
    .addOption(dbOption(ctx))
    .action(
      async (flags: {
        name: string;
        role: (typeof ROLES)[number];
        provider?: string;
        client?: string;
        json?: boolean;
        db: string;
      }) => {
        const key = await withServices(ctx, { db: flags.db, readOnly: false }, (s) =>
          createKey(s, {
            name: flags.name,
            role: flags.role,
            ...(flags.provider === undefined ? {} : { provider: flags.provider }),
            ...(flags.client === undefined ? {} : { client: flags.client }),
          }),
        );
        if (flags.json) ctx.out(toJson(key));
        else {
          ctx.out(
            `Clé n° ${key.id} « ${key.name} » (${key.role}) : notez-la, elle ne sera plus affichée / shown once:`,
          );
          ctx.out(key.key);
        }
      },
    );
  keys
    .command('list')
    .description('the keys (never the keys themselves)')
    .option('--json', 'JSON array')
    .addOption(dbOption(ctx))
    .action(async (flags: { json?: boolean; db: string }) => {
      const list = await withServices(ctx, { db: flags.db, readOnly: true }, (s) => listKeys(s));
      if (flags.json) ctx.out(toJson(list));
      else
        ctx.out(
          renderTable(
            ['n°', 'nom', 'rôle', 'prestataire', 'client', 'début', 'créée par', 'révoquée'],
            list.map((k) => [
              String(k.id),
              k.name,
              k.role,
              k.provider ?? '',
              k.client ?? '',
              `${k.prefix}…`,
              k.createdBy,
              k.revokedAt?.slice(0, 16).replace('T', ' ') ?? '',
            ]),
          ),
        );
    });
  keys
    .command('revoke')
    .description('the key no longer works')
    .argument('<id>', 'the key number (vigie keys list)')
    .addOption(dbOption(ctx))
    .action(async (id: string, flags: { db: string }) => {
      const key = await withServices(ctx, { db: flags.db, readOnly: false }, (s) => revokeKey(s, id));
      ctx.out(`Clé n° ${key.id} « ${key.name} » révoquée / key revoked`);
    });
}
