/** The stored calls and the quarantined rows, in the actor's scope. */
import { z } from 'zod';
import { listCalls as listStoredCalls, listQuarantine as listStoredQuarantine } from '../calls/queries.ts';
import { requireReader, type ServiceContext } from './context.ts';
import { ServiceError } from './errors.ts';
import {
  nameField,
  type Page,
  pageFields,
  pageFromRows,
  paginate,
  phoneInput,
  sqlPage,
  validate,
} from './input.ts';

/** `--from 2026-11-01` is the start of that day in Paris; a full ISO instant is taken as is. */
export function instantInput(name: string, value: string | undefined, endOfDay: boolean): Date | undefined {
  if (value === undefined) return undefined;
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(dayOnly ? `${value}T00:00:00+01:00` : value);
  if (Number.isNaN(date.getTime()))
    throw new ServiceError(
      'VALIDATION',
      `${name} ${value} : une date (2026-11-23) ou un instant ISO 8601 est attendu`,
      `${name} ${value}: expected a date (2026-11-23) or an ISO 8601 time`,
      { issues: [{ path: name, message: 'expected a date or an ISO 8601 time' }] },
    );
  return dayOnly && endOfDay ? new Date(date.getTime() + 86_400_000) : date;
}

export const CallsQuery = z.object({
  caller: z.string().min(1).max(40).optional(),
  callee: z.string().min(1).max(40).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  provider: nameField.optional(),
  client: nameField.optional(),
  campaign: nameField.optional(),
  ...pageFields(1000, 100),
});
export type CallsQuery = z.input<typeof CallsQuery>;

export interface CallJson {
  readonly provider: string;
  readonly callId: string;
  readonly startedAt: string;
  readonly caller: string;
  readonly callee: string;
  readonly direction: string;
  readonly outcome: string;
  readonly short: boolean;
  readonly ringSeconds: number | null;
  readonly talkSeconds: number | null;
  readonly site: string | null;
  readonly client: string | null;
  readonly campaign: string | null;
  readonly agent: string | null;
  readonly purpose: string;
  readonly refused: boolean;
  readonly sipCode: number | null;
  readonly q850Cause: number | null;
  readonly attestation: string | null;
  readonly disposition: string | null;
  readonly signal: string | null;
  readonly sourceFile: string;
  readonly sourceRecord: number | null;
}

/** The scope a provider user or a client analyst is held to, whatever filter it asks for. */
function scoped(
  ctx: ServiceContext,
  key: 'provider' | 'client',
  asked: string | undefined,
): string | undefined {
  const own = ctx.actor[key];
  if (own === null) return asked;
  // Asking for another one's calls gives none: the own scope and the filter both apply.
  return asked === undefined || asked === own ? own : `\u0000none:${own}`;
}

/** `vigie calls` and `GET /api/v1/calls`: in time order. */
export async function listCalls(ctx: ServiceContext, input: CallsQuery = {}): Promise<Page<CallJson>> {
  requireReader(ctx);
  const q = validate(CallsQuery, input);
  const caller = q.caller === undefined ? undefined : phoneInput(q.caller);
  const callee = q.callee === undefined ? undefined : phoneInput(q.callee);
  const from = instantInput('from', q.from, false);
  const to = instantInput('to', q.to, true);
  const provider = scoped(ctx, 'provider', q.provider);
  const client = scoped(ctx, 'client', q.client);
  const offset = sqlPage(q.cursor);
  const rows = await listStoredCalls(ctx.reader, {
    ...(caller ? { caller } : {}),
    ...(callee ? { callee } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(provider === undefined ? {} : { provider }),
    ...(client === undefined ? {} : { client }),
    ...(q.campaign === undefined ? {} : { campaign: q.campaign }),
    limit: q.limit + 1,
    offset,
  });
  return pageFromRows(
    rows.map((c) => ({
      provider: c.provider,
      callId: c.call_id,
      startedAt: c.started_at.toISOString(),
      caller: c.caller,
      callee: c.callee,
      direction: c.direction,
      outcome: c.outcome,
      short: c.short,
      ringSeconds: c.ring_seconds,
      talkSeconds: c.talk_seconds,
      site: c.site,
      client: c.client,
      campaign: c.campaign,
      agent: c.agent,
      purpose: c.purpose,
      refused: c.refused,
      sipCode: c.sip_code,
      q850Cause: c.q850_cause,
      attestation: c.attestation,
      disposition: c.disposition,
      signal: c.signal,
      sourceFile: c.source_file,
      sourceRecord: c.source_record === null ? null : Number(c.source_record),
    })),
    offset,
    q.limit,
  );
}

export const QuarantineQuery = z.object({
  file: z.string().min(1).max(500).optional(),
  ...pageFields(1000, 100),
});
export type QuarantineQuery = z.input<typeof QuarantineQuery>;

export interface QuarantineJson {
  readonly file: string;
  readonly line: number | null;
  readonly field: string | null;
  readonly raw: string;
  readonly reason: string;
  readonly reasonFr: string;
  readonly reasonEn: string;
}

/** The rows as `vigie quarantine --json` prints them. */
export async function quarantineRows(
  ctx: ServiceContext,
  file: string | undefined,
  sourceFileIds?: readonly number[],
): Promise<QuarantineJson[]> {
  const provider = ctx.actor.provider;
  const rows = await listStoredQuarantine(ctx.reader, file, {
    ...(provider === null ? {} : { provider }),
    ...(sourceFileIds === undefined ? {} : { sourceFileIds }),
  });
  return rows.map((r) => ({
    file: r.file,
    line: r.line === null ? null : Number(r.line),
    field: r.field,
    raw: r.raw,
    reason: r.reason_code,
    reasonFr: r.reason_fr,
    reasonEn: r.reason_en,
  }));
}

/** `vigie quarantine` and `GET /api/v1/quarantine`. A provider user sees its own files' rows. */
export async function listQuarantine(
  ctx: ServiceContext,
  input: QuarantineQuery = {},
): Promise<Page<QuarantineJson>> {
  requireReader(ctx);
  const q = validate(QuarantineQuery, input);
  return paginate(await quarantineRows(ctx, q.file), q.limit, q.cursor);
}
