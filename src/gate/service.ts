import { createHash } from 'node:crypto';
import { z } from 'zod';
import { lawFacts } from '../cli/commands/law-options.ts';
import type { Environment } from '../config/env.ts';
import { appendEvidence } from '../evidence/store.ts';
import type { RuleSet } from '../law/rules.ts';
import { normalisePhone } from '../numbering/phone.ts';
import { PURPOSES } from '../records/model.ts';
import { parseDateTime } from '../registry/datetime.ts';
import type { Consent, DncEntry, Refusal } from '../registry/model.ts';
import { DEFAULT_CONFIG, type ReputationConfig } from '../reputation/model.ts';
import { VigieError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import { blockDescribe } from './describe-cache.ts';
import { type GateDecision, GateEngine, type GateQuestion, type UnavailablePolicy } from './engine.ts';
import type { Attempt } from './history.ts';
import { type LoadProgress, loadActions, loadAttempts, loadGateRegistry, loadStoredCalls } from './load.ts';
import type { RegistryChange } from './registry.ts';
import { readGateSettings } from './settings.ts';

/** Most items one decisions or attempts request may carry. */
export const MAX_BATCH = 10_000;

/** Who asks: an API key (a dialer limited to its client and provider) or an operator at the CLI. */
export interface GateActor {
  readonly name: string;
  readonly client?: string;
  readonly provider?: string;
}

/** What a shared state (Redis, shared-state.ts) offers the service: durable, shared attempts and changes. */
export interface SharedGateState {
  /** Durable (appended to Redis's log) and applied to every instance, this one included, before it resolves. */
  publishAttempts(attempts: readonly { id: string; attempt: Attempt }[]): Promise<void>;
  publishRegistryChange(change: RegistryChange): Promise<void>;
}

/** One running gate: the engine, the database it keeps its durable state in, and the shared state. */
export interface Gate {
  readonly engine: GateEngine;
  readonly store: Store | null;
  shared: SharedGateState | null;
}

export interface GateContext {
  readonly gate: Gate;
  readonly actor: GateActor;
  readonly clock: () => Date;
}

/** Opens the gate over a store: the registry in compact indexes, the live counts, the operator actions. */
export async function openGate(options: {
  readonly store: Store;
  readonly env: Environment;
  readonly rules: RuleSet;
  readonly reputation?: ReputationConfig;
  readonly now: Date;
  readonly policy?: UnavailablePolicy;
  readonly progress?: LoadProgress;
}): Promise<Gate> {
  const { store, rules } = options;
  const registry = await loadGateRegistry(store, options.progress);
  const engine = new GateEngine({
    registry,
    facts: { registry, describe: blockDescribe(lawFacts(options.env, registry, false).describe) },
    rules,
    reputation: options.reputation ?? DEFAULT_CONFIG,
    actions: await loadActions(store),
    policy: options.policy ?? (await readGateSettings(store)).policy,
  });
  const windowDays = rules['frequency.30d'].params.windowDays;
  const now = options.now.getTime();
  for (const { id, attempt } of await loadAttempts(store, now - (windowDays + 2) * 86_400_000))
    engine.recordAttempt(attempt, id);
  for (const call of await loadStoredCalls(store, now, windowDays)) engine.addCall(call);
  return { engine, store, shared: null };
}

// --- validation -----------------------------------------------------------------------------------

/** Any French writing of a number (`01 62 00 00 00`, `+33 1 62…`, `0033…`), normalised to E.164. */
const phone = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const result = normalisePhone(value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: `not a phone number: "${value}" / numéro illisible` });
      return z.NEVER;
    }
    return result.value;
  });

/** An ISO 8601 instant with its offset (`2026-11-23T10:15:00+01:00` or `…Z`): no guessing of a zone. */
const instant = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const parsed = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? parseDateTime(value, 'UTC') : undefined;
    if (parsed === undefined || !parsed.ok || parsed.value.dateOnly) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an ISO 8601 time with its offset (2026-11-23T10:15:00+01:00): "${value}" / heure ISO 8601 avec décalage attendue`,
      });
      return z.NEVER;
    }
    return parsed.value.ms;
  });

const name = z.string().trim().min(1).max(200);

const questionSchema = z
  .object({
    caller: phone,
    callee: phone,
    at: instant.optional(),
    client: name.optional(),
    campaign: name.optional(),
    purpose: z.enum(PURPOSES).optional(),
    provider: name.optional(),
  })
  .strict();

const attemptSchema = questionSchema.extend({ callId: name.optional(), at: instant.optional() }).strict();

const decisionsBatch = z.object({ items: z.array(questionSchema).min(1).max(MAX_BATCH) }).strict();
const attemptsBatch = z.object({ items: z.array(attemptSchema).min(1).max(MAX_BATCH) }).strict();

/** The issues of a failed parse as one message naming each field. */
function validationError(error: z.ZodError): VigieError {
  const issues = error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  const more = error.issues.length > 20 ? ` (and ${error.issues.length - 20} more)` : '';
  return new VigieError('VALIDATION', `invalid input: ${issues.join('; ')}${more}`);
}

/** One item, or `{"items":[…]}` when the body has `items`. */
function parse<I, B>(single: z.ZodType<I>, batch: z.ZodType<B>, input: unknown): I | B {
  const isBatch = typeof input === 'object' && input !== null && 'items' in input;
  const result = isBatch ? batch.safeParse(input) : single.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** The client and provider of a question, within the actor's scope. */
function scoped(
  actor: GateActor,
  client: string | undefined,
  provider: string | undefined,
): { client: string | null; provider: string | null } {
  if (actor.client !== undefined && client !== undefined && client !== actor.client)
    throw new VigieError(
      'VALIDATION',
      `client ${client} is outside the scope of ${actor.name} (${actor.client})`,
    );
  if (actor.provider !== undefined && provider !== undefined && provider !== actor.provider)
    throw new VigieError(
      'VALIDATION',
      `provider ${provider} is outside the scope of ${actor.name} (${actor.provider})`,
    );
  return { client: client ?? actor.client ?? null, provider: provider ?? actor.provider ?? null };
}

type QuestionInput = z.infer<typeof questionSchema>;

function questionOf(ctx: GateContext, q: QuestionInput, now: number): GateQuestion {
  const { client, provider } = scoped(ctx.actor, q.client, q.provider);
  return {
    caller: q.caller,
    callee: q.callee,
    at: q.at ?? now,
    client,
    campaign: q.campaign ?? null,
    purpose: q.purpose ?? 'prospecting',
    provider,
  };
}

// --- verbs ----------------------------------------------------------------------------------------

/**
 * `POST /api/v1/decisions` and every other door: one question (`{"caller","callee","at"?,"client"?,
 * "campaign"?}`) gives one decision, `{"items":[…]}` (up to 10,000) gives `{"results":[…]}` in order.
 */
export function decide({
  ctx,
  input,
}: {
  ctx: GateContext;
  input: unknown;
}): GateDecision | { results: GateDecision[] } {
  const parsed = parse(questionSchema, decisionsBatch, input);
  const now = ctx.clock().getTime();
  const engine = ctx.gate.engine;
  if ('items' in parsed) return { results: parsed.items.map((q) => engine.decide(questionOf(ctx, q, now))) };
  return engine.decide(questionOf(ctx, parsed, now));
}

export interface AttemptsRecorded {
  readonly recorded: number;
  readonly ids: readonly string[];
}

/**
 * `POST /api/v1/attempts`: records dialled attempts, durable (the database, or Redis's append-only
 * log in HA mode) before it resolves; they count for the next decision of every instance.
 */
export async function recordAttempts({
  ctx,
  input,
}: {
  ctx: GateContext;
  input: unknown;
}): Promise<AttemptsRecorded> {
  const parsed = parse(attemptSchema, attemptsBatch, input);
  const items = 'items' in parsed ? parsed.items : [parsed];
  const now = ctx.clock().getTime();
  const attempts: Attempt[] = items.map((item) => {
    const q = questionOf(ctx, item, now);
    return {
      provider: q.provider ?? '',
      callId: item.callId ?? null,
      at: q.at,
      caller: q.caller,
      callee: q.callee,
      client: q.client,
      campaign: q.campaign,
      purpose: q.purpose,
    };
  });
  const { gate } = ctx;
  if (gate.shared !== null) {
    const ids = attempts.map((a, i) => `${ctx.actor.name}:${now}:${i}:${hashOf(a)}`);
    await gate.shared.publishAttempts(attempts.map((attempt, i) => ({ id: ids[i] ?? '', attempt })));
    return { recorded: attempts.length, ids };
  }
  if (gate.store === null) throw new VigieError('INTERNAL', 'the gate has no database to record attempts in');
  const ids = await insertAttempts(gate.store, attempts, ctx.actor.name, new Date(now));
  attempts.forEach((a, i) => {
    gate.engine.recordAttempt(a, ids[i] ?? 0);
  });
  return { recorded: attempts.length, ids: ids.map(String) };
}

function hashOf(a: Attempt): string {
  return createHash('sha256').update(JSON.stringify(a)).digest('hex').slice(0, 12);
}

/** Inserts attempts in one transaction (all or none) and returns their ids. */
export async function insertAttempts(
  store: Store,
  attempts: readonly Attempt[],
  by: string,
  now: Date,
): Promise<number[]> {
  return store.transaction(async () => {
    const first = await store.one<{ id: bigint }>(
      `SELECT nextval('gate_attempt_id_seq') AS id FROM range($1::BIGINT) ORDER BY id LIMIT 1`,
      [attempts.length],
    );
    // nextval over range(n) hands out n consecutive values in one statement.
    const start = Number(first?.id ?? 1);
    const appender = await store.connection.createAppender('gate_attempts');
    const { timestampTZValue } = await import('@duckdb/node-api');
    const ts = (ms: number) => timestampTZValue(BigInt(Math.round(ms)) * 1000n);
    const opt = (v: string | null) => (v === null ? appender.appendNull() : appender.appendVarchar(v));
    try {
      attempts.forEach((a, i) => {
        appender.appendBigInt(BigInt(start + i));
        appender.appendVarchar(a.provider);
        opt(a.callId);
        appender.appendTimestampTZ(ts(a.at));
        appender.appendVarchar(a.caller);
        appender.appendVarchar(a.callee);
        opt(a.client);
        opt(a.campaign);
        appender.appendVarchar(a.purpose);
        appender.appendTimestampTZ(ts(now.getTime()));
        appender.appendVarchar(by);
        appender.endRow();
      });
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return attempts.map((_, i) => start + i);
  });
}

// --- registry changes -----------------------------------------------------------------------------

const changeSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('refusals'),
      number: phone,
      at: instant,
      client: name.optional(),
    })
    .strict(),
  z
    .object({ kind: z.literal('dnc'), number: phone, at: instant.optional(), reason: name.optional() })
    .strict(),
  z
    .object({
      kind: z.literal('consents'),
      number: phone,
      client: name,
      scope: name.optional(),
      at: instant,
      source: name.optional(),
      proof: name.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('revocations'),
      number: phone,
      client: name,
      scope: name.optional(),
      at: instant,
    })
    .strict(),
]);

export type RegistryChangeInput = z.infer<typeof changeSchema>;

/**
 * `POST /api/v1/registry/{kind}`: a refusal, a do-not-call entry, a consent or a consent's revocation,
 * stored in the registry tables (so that `vigie check --db` and `vigie audit` see it too) and applied
 * to the gate for the next decision.
 */
export async function changeRegistry({
  ctx,
  input,
}: {
  ctx: GateContext;
  input: unknown;
}): Promise<{ change: RegistryChange }> {
  const result = changeSchema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  const c = result.data;
  const store = ctx.gate.store;
  if (store === null)
    throw new VigieError('INTERNAL', 'the gate has no database to store registry changes in');
  const now = ctx.clock();
  if (
    ctx.actor.client !== undefined &&
    'client' in c &&
    c.client !== undefined &&
    c.client !== ctx.actor.client
  )
    throw new VigieError('VALIDATION', `client ${c.client} is outside the scope of ${ctx.actor.name}`);
  const change = await store.transaction(async (): Promise<RegistryChange> => {
    const made = await storeChange(c);
    await appendEvidence(store, {
      kind: c.kind === 'consents' || c.kind === 'revocations' ? 'consent.change' : 'registry.change',
      actor: ctx.actor.name,
      at: now,
      content: { ...c, at: new Date(c.at ?? now.getTime()).toISOString() },
    });
    return made;
  });
  if (ctx.gate.shared !== null) await ctx.gate.shared.publishRegistryChange(change);
  else ctx.gate.engine.registry.apply(change);
  return { change };

  async function storeChange(c: RegistryChangeInput): Promise<RegistryChange> {
    if (store === null) throw new VigieError('INTERNAL', 'no database');
    if (c.kind === 'revocations') {
      await store.run(
        `UPDATE consents SET revoked_at = CAST($4 AS TIMESTAMPTZ)
         WHERE number = $1 AND client = $2 AND ($3::VARCHAR IS NULL OR scope = $3) AND granted_at <= CAST($4 AS TIMESTAMPTZ)
           AND (revoked_at IS NULL OR revoked_at > CAST($4 AS TIMESTAMPTZ))`,
        [c.number, c.client, c.scope ?? null, new Date(c.at).toISOString()],
      );
      return { type: 'revoke', number: c.number, client: c.client, scope: c.scope ?? null, at: c.at };
    }
    const body = JSON.stringify(c);
    const inserted = await store.one<{ id: number }>(
      `INSERT INTO source_files (kind, path, sha256, size_bytes, format, encoding, provider, ingested_at, rows_read, stored, duplicates, quarantined, merged, dst_gap, dst_overlap)
       VALUES ($1, $2, $3, $4, 'registry', 'utf-8', NULL, CAST($5 AS TIMESTAMPTZ), 1, 1, 0, 0, 0, 0, 0) RETURNING id`,
      [
        `registry:${c.kind}`,
        `api:${ctx.actor.name}`,
        createHash('sha256').update(body).digest('hex'),
        Buffer.byteLength(body),
        now.toISOString(),
      ],
    );
    const id = inserted?.id ?? 0;
    const file = `api#${id}`;
    await store.run('INSERT INTO registry_files VALUES ($1, $2, $3, $4, NULL)', [id, c.kind, file, 'append']);
    const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    if (c.kind === 'refusals') {
      const row: Refusal = { file, line: 1, number: c.number, refusedAt: c.at, client: c.client ?? null };
      await store.run('INSERT INTO refusals VALUES ($1, CAST($2 AS TIMESTAMPTZ), $3, $4, 1)', [
        row.number,
        ts(row.refusedAt),
        row.client,
        id,
      ]);
      return { type: 'add', kind: 'refusals', rows: [row] };
    }
    if (c.kind === 'dnc') {
      const row: DncEntry = {
        file,
        line: 1,
        number: c.number,
        addedAt: c.at ?? null,
        reason: c.reason ?? null,
      };
      await store.run('INSERT INTO dnc VALUES ($1, CAST($2 AS TIMESTAMPTZ), $3, $4, 1)', [
        row.number,
        ts(row.addedAt),
        row.reason,
        id,
      ]);
      return { type: 'add', kind: 'dnc', rows: [row] };
    }
    const row: Consent = {
      file,
      line: 1,
      number: c.number,
      grantedAt: c.at,
      client: c.client,
      scope: c.scope ?? '*',
      source: c.source ?? null,
      proof: c.proof ?? null,
      revokedAt: null,
      slotFrom: null,
      slotTo: null,
    };
    await store.run(
      'INSERT INTO consents VALUES ($1, CAST($2 AS TIMESTAMPTZ), $3, $4, $5, $6, NULL, NULL, NULL, $7, 1)',
      [row.number, ts(row.grantedAt), row.client, row.scope, row.source, row.proof, id],
    );
    return { type: 'add', kind: 'consents', rows: [row] };
  }
}

/**
 * Shares the gate's live state through Redis (`--shared-state redis://…`). While Redis is unreachable,
 * decisions follow the engine's policy and a `gate.unavailable` alert is open in the store's inbox
 * (resolved when Redis answers again).
 */
export async function connectSharedState(
  gate: Gate,
  url: string,
  options: { readonly instance: string; readonly clock: () => Date },
): Promise<{ close(): Promise<void>; alerts: Promise<void>[] }> {
  const { RedisGateState } = await import('./shared-state.ts');
  const { syncAlerts } = await import('../alerts/inbox.ts');
  const alerts: Promise<void>[] = [];
  const store = gate.store;
  const state = await RedisGateState.connect(url, gate.engine, (detail) => {
    if (store === null) return;
    const now = options.clock();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now);
    const conditions =
      detail === null
        ? []
        : [
            {
              rule: 'gate.unavailable' as const,
              subject: `gate:${options.instance}`,
              severity: 'critical' as const,
              message: `état partagé injoignable (${detail}) : décisions en ${gate.engine.policy}`,
              evidence: { url, policy: gate.engine.policy, since: now.toISOString() },
            },
          ];
    alerts.push(
      syncAlerts(store, conditions, day, { rules: ['gate.unavailable'], clock: options.clock }).then(
        () => undefined,
      ),
    );
  });
  gate.shared = state;
  return { close: () => state.close(), alerts };
}
