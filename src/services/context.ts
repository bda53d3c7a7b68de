/**
 * The service layer's context: who acts (a user, an API key, or the CLI's local operator), the store,
 * the clock and the configuration. The CLI and the HTTP routes build one and call the same services.
 */
import type { Environment } from '../config/env.ts';
import { DEFAULT_RULES, type RuleSet } from '../law/rules.ts';
import { DEFAULT_CONFIG, type ReputationConfig } from '../reputation/model.ts';
import type { Store } from '../store/store.ts';
import { forbidden } from './errors.ts';

export const ROLES = ['admin', 'analyst', 'provider', 'dialer'] as const;
export type Role = (typeof ROLES)[number];
/** Roles a person's account can have; `dialer` is for API keys only (the pre-dial gate). */
export const USER_ROLES = ['admin', 'analyst', 'provider'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface Actor {
  readonly kind: 'user' | 'key' | 'local';
  /** users.id or api_keys.id; null for the local operator. */
  readonly id: number | null;
  /** E-mail, key name, or the OS user name. */
  readonly name: string;
  readonly role: Role;
  /** Scope: only this client's data (an analyst of one donneur d'ordre). */
  readonly client: string | null;
  /** Scope: only this provider's data (a call centre's user). */
  readonly provider: string | null;
  /** Where the request came from (IP address), null at the CLI. */
  readonly address: string | null;
}

/** The CLI acts as a local administrator named after the OS user (or `--author`). */
export function localActor(name: string): Actor {
  return { kind: 'local', id: null, name, role: 'admin', client: null, provider: null, address: null };
}

export interface ServiceConfig {
  readonly reputation: ReputationConfig;
  readonly rules: RuleSet;
  readonly env: Environment;
}

export function defaultServiceConfig(env: Environment): ServiceConfig {
  return { reputation: DEFAULT_CONFIG, rules: DEFAULT_RULES, env };
}

/**
 * What outlives one call: the server keeps one for its life, the CLI one per command. `generation`
 * goes up at every write through the services; computed reads are kept per generation (the server is
 * the database's only writer while it runs, DuckDB's lock sees to it).
 */
export interface ServiceState {
  /** Every write that changes what is computed (actions, imports). */
  generation: number;
  /** Imports only: what depends on the calls and the registry alone (the stored audit). */
  ingestGeneration: number;
  readonly memo: Map<string, { generation: number; value: Promise<unknown> }>;
  /** Writes one at a time on the writer connection (a transaction must not interleave with another). */
  queue: Promise<unknown>;
  /** Sign-in failures per account and per address: instants (ms) within the window. */
  readonly failures: Map<string, number[]>;
}

export function newServiceState(): ServiceState {
  return {
    generation: 0,
    ingestGeneration: 0,
    memo: new Map(),
    queue: Promise.resolve(),
    failures: new Map(),
  };
}

export interface ServiceContext {
  /** The writer. */
  readonly store: Store;
  /** Reads: another connection to the same database (sees committed data), or the store itself. */
  readonly reader: Store;
  readonly actor: Actor;
  readonly clock: () => Date;
  readonly config: ServiceConfig;
  readonly state: ServiceState;
}

export function createServiceContext(input: {
  store: Store;
  reader?: Store;
  actor: Actor;
  config: ServiceConfig;
  clock?: () => Date;
  state?: ServiceState;
}): ServiceContext {
  return {
    store: input.store,
    reader: input.reader ?? input.store,
    actor: input.actor,
    clock: input.clock ?? (() => new Date()),
    config: input.config,
    state: input.state ?? newServiceState(),
  };
}

/** The same context acting as someone else (the HTTP edge: one context per request). */
export function withActor(ctx: ServiceContext, actor: Actor): ServiceContext {
  return { ...ctx, actor };
}

/** Reads need any role but `dialer` (whose keys only reach the pre-dial gate). */
export function requireReader(ctx: ServiceContext): void {
  if (ctx.actor.role === 'dialer') throw forbidden();
}

/** Actions on numbers and alerts, and imports: admins and analysts. */
export function requireOperator(ctx: ServiceContext): void {
  if (ctx.actor.role !== 'admin' && ctx.actor.role !== 'analyst') throw forbidden();
}

export function requireAdmin(ctx: ServiceContext): void {
  if (ctx.actor.role !== 'admin') throw forbidden();
}

/**
 * A computed read, kept until the next write (`after: 'ingest'`: until the next import), or computed
 * again when `key` differs.
 */
export function memo<T>(
  ctx: ServiceContext,
  key: string,
  compute: () => Promise<T>,
  after: 'write' | 'ingest' = 'write',
): Promise<T> {
  const generation = after === 'ingest' ? ctx.state.ingestGeneration : ctx.state.generation;
  const hit = ctx.state.memo.get(key);
  if (hit !== undefined && hit.generation === generation) return hit.value as Promise<T>;
  const value = compute();
  ctx.state.memo.set(key, { generation, value });
  // A failed computation is not kept.
  value.catch(() => {
    if (ctx.state.memo.get(key)?.value === value) ctx.state.memo.delete(key);
  });
  return value;
}

/**
 * Runs `work` after the writes queued before it. `changes`: what the write makes stale — `data` (an
 * action: statuses, alerts), `ingest` (calls or registry too), `none` (sessions, the audit log).
 */
export function exclusive<T>(
  ctx: ServiceContext,
  work: () => Promise<T>,
  changes: 'none' | 'data' | 'ingest' = 'data',
): Promise<T> {
  const run = ctx.state.queue.then(work, work);
  ctx.state.queue = run.then(
    () => undefined,
    () => undefined,
  );
  return run.finally(() => {
    if (changes !== 'none') ctx.state.generation++;
    if (changes === 'ingest') ctx.state.ingestGeneration++;
  });
}

const PARIS_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' });

/** A day in Europe/Paris (YYYY-MM-DD) of an instant. */
export function parisDay(instant: Date): string {
  // One formatter for all: toLocaleDateString builds one per call (~50 µs; 200,000 violations).
  return PARIS_DAY.format(instant);
}
