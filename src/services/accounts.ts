/**
 * Accounts: users (e-mail, role, scope, scrypt password), their sessions (server-side, a random cookie
 * id stored hashed, a CSRF token each), API keys (shown once, stored hashed), sign-in rate limits.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DUMMY_HASH, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from '../accounts/password.ts';
import { insertAuditRecord, performAction } from './audit-log.ts';
import {
  type Actor,
  exclusive,
  ROLES,
  type Role,
  requireAdmin,
  type ServiceContext,
  USER_ROLES,
  type UserRole,
} from './context.ts';
import { notFound, ServiceError } from './errors.ts';
import { nameField, validate } from './input.ts';

/** Idle and absolute lifetimes of a session. */
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_MAX_MS = 7 * 86_400_000;
/** Sign-in limits: failures per account, attempts per address, within the window. */
export const SIGNIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_ATTEMPTS_PER_ADDRESS = 20;

/** Sessions and the audit log change nothing that is computed: no cached read goes stale. */
const writeQuietly = <T>(ctx: ServiceContext, work: () => Promise<T>) => exclusive(ctx, work, 'none');

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null ? null : String(v));

export interface UserJson {
  readonly id: number;
  readonly email: string;
  readonly role: UserRole;
  readonly client: string | null;
  readonly provider: string | null;
  readonly disabled: boolean;
  readonly createdAt: string;
}

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'expected an e-mail address');
const password = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(1024);

function checkScope(role: Role, provider: string | undefined, client: string | undefined): void {
  if (role === 'provider' && provider === undefined)
    throw new ServiceError(
      'VALIDATION',
      'un compte prestataire a besoin de --provider',
      'a provider account needs --provider',
      { issues: [{ path: 'provider', message: 'required for the provider role' }] },
    );
  if (role === 'admin' && (provider !== undefined || client !== undefined))
    throw new ServiceError(
      'VALIDATION',
      'un administrateur voit tout : ni --provider ni --client',
      'an admin sees everything: neither --provider nor --client',
    );
}

const AddUser = z.object({
  email,
  role: z.enum(USER_ROLES),
  provider: nameField.optional(),
  client: nameField.optional(),
  password,
});

function toUser(r: Record<string, unknown>): UserJson {
  return {
    id: Number(r.id),
    email: String(r.email),
    role: String(r.role) as UserRole,
    client: r.client === null ? null : String(r.client),
    provider: r.provider === null ? null : String(r.provider),
    disabled: Boolean(r.disabled),
    createdAt: iso(r.created_at) ?? '',
  };
}

/** `vigie users add`. */
export async function addUser(ctx: ServiceContext, input: z.input<typeof AddUser>): Promise<UserJson> {
  requireAdmin(ctx);
  const u = validate(AddUser, input);
  checkScope(u.role, u.provider, u.client);
  const hash = await hashPassword(u.password);
  return performAction(ctx, 'user.add', u.email, async () => {
    const existing = await ctx.store.one('SELECT id FROM users WHERE email = $1', [u.email]);
    if (existing !== undefined)
      throw new ServiceError('CONFLICT', `${u.email} a déjà un compte`, `${u.email} already has an account`);
    const row = await ctx.store.one(
      `INSERT INTO users (email, role, client, provider, password_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ) RETURNING *`,
      [u.email, u.role, u.client ?? null, u.provider ?? null, hash, ctx.clock().toISOString()],
    );
    if (row === undefined) throw new ServiceError('INTERNAL', 'utilisateur non créé', 'user not created');
    return {
      result: toUser(row),
      detail: { role: u.role, client: u.client ?? null, provider: u.provider ?? null },
    };
  });
}

export async function listUsers(ctx: ServiceContext): Promise<UserJson[]> {
  requireAdmin(ctx);
  return (await ctx.reader.all('SELECT * FROM users ORDER BY email')).map(toUser);
}

async function userByEmail(ctx: ServiceContext, raw: string): Promise<UserJson> {
  const address = validate(email, raw);
  const row = await ctx.store.one('SELECT * FROM users WHERE email = $1', [address]);
  if (row === undefined) throw notFound(`aucun compte ${address}`, `no account ${address}`);
  return toUser(row);
}

/** `vigie users disable`: the account can no longer sign in, and its sessions end. */
export async function disableUser(ctx: ServiceContext, rawEmail: string): Promise<UserJson> {
  requireAdmin(ctx);
  const user = await userByEmail(ctx, rawEmail);
  return performAction(ctx, 'user.disable', user.email, async () => {
    // DuckDB updates an indexed table's row as a delete and an insert; the UNIQUE email stays.
    await ctx.store.run('UPDATE users SET disabled = true WHERE id = $1', [user.id]);
    await ctx.store.run('DELETE FROM sessions WHERE user_id = $1', [user.id]);
    return { result: { ...user, disabled: true } };
  });
}

/** `vigie users reset-password`: a new password, and the account's sessions end. */
export async function resetPassword(
  ctx: ServiceContext,
  rawEmail: string,
  newPassword: string,
): Promise<UserJson> {
  requireAdmin(ctx);
  const user = await userByEmail(ctx, rawEmail);
  const hash = await hashPassword(validate(password, newPassword));
  return performAction(ctx, 'user.reset-password', user.email, async () => {
    await ctx.store.run('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, hash]);
    await ctx.store.run('DELETE FROM sessions WHERE user_id = $1', [user.id]);
    return { result: user };
  });
}

export interface KeyJson {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly client: string | null;
  readonly provider: string | null;
  readonly prefix: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
}

const CreateKey = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  provider: nameField.optional(),
  client: nameField.optional(),
});

function toKey(r: Record<string, unknown>): KeyJson {
  return {
    id: Number(r.id),
    name: String(r.name),
    role: String(r.role) as Role,
    client: r.client === null ? null : String(r.client),
    provider: r.provider === null ? null : String(r.provider),
    prefix: String(r.prefix),
    createdAt: iso(r.created_at) ?? '',
    createdBy: String(r.created_by),
    revokedAt: iso(r.revoked_at),
  };
}

/** `vigie keys create`: the key itself is returned this once; only its SHA-256 is stored. */
export async function createKey(
  ctx: ServiceContext,
  input: z.input<typeof CreateKey>,
): Promise<KeyJson & { key: string }> {
  requireAdmin(ctx);
  const k = validate(CreateKey, input);
  checkScope(k.role, k.provider, k.client);
  const key = `vk_${randomBytes(32).toString('base64url')}`;
  return performAction(ctx, 'key.create', k.name, async () => {
    const row = await ctx.store.one(
      `INSERT INTO api_keys (name, role, client, provider, prefix, key_hash, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMPTZ, $8) RETURNING *`,
      [
        k.name,
        k.role,
        k.client ?? null,
        k.provider ?? null,
        key.slice(0, 10),
        sha256(key),
        ctx.clock().toISOString(),
        ctx.actor.name,
      ],
    );
    if (row === undefined) throw new ServiceError('INTERNAL', 'clé non créée', 'key not created');
    return { result: { ...toKey(row), key }, detail: { role: k.role } };
  });
}

export async function listKeys(ctx: ServiceContext): Promise<KeyJson[]> {
  requireAdmin(ctx);
  return (await ctx.reader.all('SELECT * FROM api_keys ORDER BY id')).map(toKey);
}

export async function revokeKey(ctx: ServiceContext, rawId: unknown): Promise<KeyJson> {
  requireAdmin(ctx);
  const id = validate(z.coerce.number().int().min(1), rawId);
  return performAction(ctx, 'key.revoke', String(id), async () => {
    const row = await ctx.store.one('SELECT * FROM api_keys WHERE id = $1', [id]);
    if (row === undefined) throw notFound(`aucune clé ${id}`, `no key ${id}`);
    await ctx.store.run(
      'UPDATE api_keys SET revoked_at = $2::TIMESTAMPTZ WHERE id = $1 AND revoked_at IS NULL',
      [id, ctx.clock().toISOString()],
    );
    const after = await ctx.store.one('SELECT * FROM api_keys WHERE id = $1', [id]);
    return { result: toKey(after ?? row) };
  });
}

/** The actor of an API key, or UNAUTHENTICATED. */
export async function keyActor(ctx: ServiceContext, key: string, address: string | null): Promise<Actor> {
  const row = /^vk_[A-Za-z0-9_-]{20,100}$/.test(key)
    ? await ctx.reader.one('SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [sha256(key)])
    : undefined;
  if (row === undefined) throw unauthenticated();
  const k = toKey(row);
  return {
    kind: 'key',
    id: k.id,
    name: k.name,
    role: k.role,
    client: k.client,
    provider: k.provider,
    address,
  };
}

export const unauthenticated = () =>
  new ServiceError('UNAUTHENTICATED', 'connexion requise', 'sign-in required');

export interface SessionJson {
  readonly user: {
    readonly email: string | null;
    readonly name?: string;
    readonly role: Role;
    readonly client: string | null;
    readonly provider: string | null;
    readonly key?: boolean;
  };
  readonly csrfToken: string | null;
}

/** Instants of failures within the window (older ones dropped). */
function recent(ctx: ServiceContext, key: string, now: number): number[] {
  const list = (ctx.state.failures.get(key) ?? []).filter((t) => now - t < SIGNIN_WINDOW_MS);
  ctx.state.failures.set(key, list);
  return list;
}

function limited(list: readonly number[], max: number, now: number): number | undefined {
  if (list.length < max) return undefined;
  const oldest = list[list.length - max] ?? now;
  return Math.max(1, Math.ceil((oldest + SIGNIN_WINDOW_MS - now) / 1000));
}

const SignIn = z.object({ email: z.string().max(254), password: z.string().max(1024) });

/**
 * `POST /api/v1/session`: checks the password (scrypt) under the rate limits, then opens a session.
 * Returns the cookie value (only its hash is stored) and what the dashboard shows.
 */
export async function signIn(
  ctx: ServiceContext,
  body: unknown,
  address: string | null,
): Promise<{ cookie: string; session: SessionJson }> {
  const input = validate(SignIn, body);
  const address_ = address ?? 'unknown';
  const who = input.email.trim().toLowerCase();
  const now = ctx.clock().getTime();
  const anonymous = { kind: 'anonymous' as const, name: who.slice(0, 254) || '(vide)', address, role: null };
  const accountKey = `account:${who}`;
  const addressKey = `address:${address_}`;
  const wait =
    limited(recent(ctx, accountKey, now), MAX_FAILURES_PER_ACCOUNT, now) ??
    limited(recent(ctx, addressKey, now), MAX_ATTEMPTS_PER_ADDRESS, now);
  if (wait !== undefined) {
    await writeQuietly(ctx, () =>
      insertAuditRecord(ctx.store, {
        at: ctx.clock(),
        actor: anonymous,
        action: 'session.signin',
        target: who,
        outcome: 'denied',
        detail: { code: 'RATE_LIMITED' },
      }),
    );
    throw new ServiceError(
      'RATE_LIMITED',
      `trop de tentatives de connexion : réessayez dans ${wait} s`,
      `too many sign-in attempts: try again in ${wait} s`,
      { retryAfterSeconds: wait },
    );
  }
  recent(ctx, addressKey, now).push(now);
  const row = await ctx.reader.one('SELECT * FROM users WHERE email = $1', [who]);
  const ok = await verifyPassword(input.password, row === undefined ? DUMMY_HASH : String(row.password_hash));
  const user = row === undefined ? undefined : toUser(row);
  if (!ok || user === undefined || user.disabled) {
    recent(ctx, accountKey, now).push(now);
    await writeQuietly(ctx, () =>
      insertAuditRecord(ctx.store, {
        at: ctx.clock(),
        actor: anonymous,
        action: 'session.signin',
        target: who,
        outcome: 'failed',
        detail: {
          reason: user === undefined ? 'unknown account' : user.disabled ? 'disabled' : 'bad password',
        },
      }),
    );
    throw new ServiceError(
      'BAD_CREDENTIALS',
      'adresse e-mail ou mot de passe incorrect',
      'wrong e-mail address or password',
    );
  }
  ctx.state.failures.delete(accountKey);
  const cookie = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const at = ctx.clock();
  await writeQuietly(ctx, () =>
    ctx.store.transaction(async () => {
      await ctx.store.run(
        `INSERT INTO sessions (id_hash, user_id, csrf_secret, created_at, last_seen_at, expires_at, address)
         VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ, $6)`,
        [
          sha256(cookie),
          user.id,
          csrf,
          at.toISOString(),
          new Date(at.getTime() + SESSION_MAX_MS).toISOString(),
          address,
        ],
      );
      await insertAuditRecord(ctx.store, {
        at,
        actor: { kind: 'user', name: user.email, role: user.role, address },
        action: 'session.signin',
        target: user.email,
        outcome: 'ok',
      });
    }),
  );
  return {
    cookie,
    session: {
      user: { email: user.email, role: user.role, client: user.client, provider: user.provider },
      csrfToken: csrf,
    },
  };
}

export interface ResolvedSession {
  readonly actor: Actor;
  readonly session: SessionJson;
  readonly csrf: string;
}

/** The session of a cookie, or undefined when unknown, expired (idle or absolute) or its user disabled. */
export async function sessionOf(
  ctx: ServiceContext,
  cookie: string,
  address: string | null,
): Promise<ResolvedSession | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(cookie)) return undefined;
  const idHash = sha256(cookie);
  const row = await ctx.reader.one(
    `SELECT s.csrf_secret, s.last_seen_at, s.expires_at, u.*
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`,
    [idHash],
  );
  if (row === undefined) return undefined;
  const now = ctx.clock();
  const lastSeen = row.last_seen_at instanceof Date ? row.last_seen_at : new Date(String(row.last_seen_at));
  const expires = row.expires_at instanceof Date ? row.expires_at : new Date(String(row.expires_at));
  const user = toUser(row);
  if (
    user.disabled ||
    now.getTime() > expires.getTime() ||
    now.getTime() - lastSeen.getTime() > SESSION_IDLE_MS
  ) {
    await writeQuietly(ctx, () => ctx.store.run('DELETE FROM sessions WHERE id_hash = $1', [idHash]));
    return undefined;
  }
  // The idle clock is moved on at most once a minute: a page's requests do not each write.
  if (now.getTime() - lastSeen.getTime() > 60_000)
    await writeQuietly(ctx, () =>
      ctx.store.run('UPDATE sessions SET last_seen_at = $2::TIMESTAMPTZ WHERE id_hash = $1', [
        idHash,
        now.toISOString(),
      ]),
    );
  const csrf = String(row.csrf_secret);
  return {
    actor: {
      kind: 'user',
      id: user.id,
      name: user.email,
      role: user.role,
      client: user.client,
      provider: user.provider,
      address,
    },
    session: {
      user: { email: user.email, role: user.role, client: user.client, provider: user.provider },
      csrfToken: csrf,
    },
    csrf,
  };
}

/** Whether a request's `x-csrf-token` is the session's. */
export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `DELETE /api/v1/session`. */
export async function signOut(ctx: ServiceContext, cookie: string): Promise<void> {
  await performAction(
    ctx,
    'session.signout',
    ctx.actor.name,
    async () => {
      await ctx.store.run('DELETE FROM sessions WHERE id_hash = $1', [sha256(cookie)]);
      return { result: undefined };
    },
    'none',
  );
}

/** What `GET /api/v1/session` answers for an API key. */
export function keySession(actor: Actor): SessionJson {
  return {
    user: {
      email: null,
      name: actor.name,
      role: actor.role,
      client: actor.client,
      provider: actor.provider,
      key: true,
    },
    csrfToken: null,
  };
}
