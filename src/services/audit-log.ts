/** The audit log: who did what, when, from where; every sign-in, failure and action (never updated). */
import { VigieError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import { type Actor, exclusive, requireAdmin, type ServiceContext } from './context.ts';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actorKind: string;
  readonly actor: string;
  readonly role: string | null;
  readonly address: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly detail: Record<string, unknown> | null;
}

export async function insertAuditRecord(
  store: Store,
  entry: {
    at: Date;
    actor:
      | Pick<Actor, 'kind' | 'name' | 'role' | 'address'>
      | { kind: 'anonymous'; name: string; address: string | null; role: null };
    action: string;
    target: string | null;
    outcome: AuditOutcome;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await store.run(
    `INSERT INTO audit_log (occurred_at, actor_kind, actor, role, address, action, target, outcome, detail)
     VALUES ($1::TIMESTAMPTZ, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      entry.at.toISOString(),
      entry.actor.kind,
      entry.actor.name,
      entry.actor.role,
      entry.actor.address,
      entry.action,
      entry.target,
      entry.outcome,
      entry.detail === undefined ? null : JSON.stringify(entry.detail),
    ],
  );
}

/**
 * An action and its audit record in one transaction, after the writes queued before it. A refusal
 * (role, scope, state) is recorded too, as `denied`, and thrown again.
 */
export async function performAction<T>(
  ctx: ServiceContext,
  action: string,
  target: string | null,
  work: () => Promise<{ result: T; detail?: Record<string, unknown> }>,
  changes: 'none' | 'data' = 'data',
): Promise<T> {
  return exclusive(
    ctx,
    async () => {
      try {
        return await ctx.store.transaction(async () => {
          const { result, detail } = await work();
          await insertAuditRecord(ctx.store, {
            at: ctx.clock(),
            actor: ctx.actor,
            action,
            target,
            outcome: 'ok',
            ...(detail === undefined ? {} : { detail }),
          });
          return result;
        });
      } catch (error) {
        const code = error instanceof VigieError ? error.code : 'INTERNAL';
        await insertAuditRecord(ctx.store, {
          at: ctx.clock(),
          actor: ctx.actor,
          action,
          target,
          outcome: code === 'INTERNAL' ? 'failed' : 'denied',
          detail: { code },
        }).catch(() => undefined);
        throw error;
      }
    },
    changes,
  );
}

/** Records a refusal that happened before any work (a role check). */
export async function recordDenied(ctx: ServiceContext, action: string, target: string | null, code: string) {
  await exclusive(
    ctx,
    () =>
      insertAuditRecord(ctx.store, {
        at: ctx.clock(),
        actor: ctx.actor,
        action,
        target,
        outcome: 'denied',
        detail: { code },
      }),
    'none',
  ).catch(() => undefined);
}

export async function listAuditLog(ctx: ServiceContext, limit = 100): Promise<AuditEntry[]> {
  requireAdmin(ctx);
  const rows = await ctx.reader.all(
    `SELECT id, occurred_at AS at, actor_kind, actor, role, address, action, target, outcome, detail
     FROM audit_log ORDER BY id DESC LIMIT $1`,
    [Math.max(1, Math.min(limit, 10_000))],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at instanceof Date ? r.at.toISOString() : String(r.at),
    actorKind: String(r.actor_kind),
    actor: String(r.actor),
    role: r.role === null ? null : String(r.role),
    address: r.address === null ? null : String(r.address),
    action: String(r.action),
    target: r.target === null ? null : String(r.target),
    outcome: String(r.outcome) as AuditOutcome,
    detail: r.detail === null ? null : (JSON.parse(String(r.detail)) as Record<string, unknown>),
  }));
}
