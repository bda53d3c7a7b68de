/** The alert inbox: the list in the actor's scope, one alert with its history, acknowledge and resolve. */
import { z } from 'zod';
import {
  type AlertEvent,
  acknowledgeAlert,
  getAlert as getStoredAlert,
  type InboxAlert,
  listAlertEvents,
  listAlerts as listStoredAlerts,
  resolveAlert,
} from '../alerts/inbox.ts';
import { ALERT_RULES } from '../alerts/model.ts';
import { displaySubject } from '../alerts/render.ts';
import { normalisePhone } from '../numbering/phone.ts';
import { performAction } from './audit-log.ts';
import { requireOperator, requireReader, type ServiceContext } from './context.ts';
import { notFound } from './errors.ts';
import { dayField, type Page, pageFields, paginate, textField, validate } from './input.ts';
import { assessed, visibleNumber } from './numbers.ts';

/** The public JSON of an alert (`vigie alerts --json`), plus the subject as the French write it. */
export function alertJson(a: InboxAlert) {
  return {
    id: a.id,
    rule: a.rule,
    subject: a.subject,
    subjectDisplay: displaySubject(a.subject),
    severity: a.severity,
    state: a.state,
    message: a.message,
    evidence: a.evidence,
    client: a.client,
    provider: a.provider,
    openedAt: a.openedAt,
    updatedAt: a.updatedAt,
    acknowledgedAt: a.acknowledgedAt,
    resolvedAt: a.resolvedAt,
    note: a.note,
    firstOpenedAt: a.firstOpenedAt,
    reopenCount: a.reopenCount,
    asOf: a.asOf,
  };
}
export type AlertJson = ReturnType<typeof alertJson>;
export type AlertWithEvents = AlertJson & { readonly events: readonly AlertEvent[] };

/**
 * Whether the actor's scope covers an alert: its routing (provider, client), or its subject when that
 * is a number the actor sees (`subjectVisible`).
 */
export function visibleAlert(ctx: ServiceContext, a: InboxAlert, subjectVisible: boolean): boolean {
  const { provider, client } = ctx.actor;
  if (provider === null && client === null) return true;
  const routed = (provider === null || a.provider === provider) && (client === null || a.client === client);
  return routed || subjectVisible;
}

async function scopeTest(ctx: ServiceContext): Promise<(a: InboxAlert) => boolean> {
  if (ctx.actor.provider === null && ctx.actor.client === null) return () => true;
  const all = await assessed(ctx);
  return (a) => {
    const n = all?.byNumber.get(a.subject);
    return visibleAlert(ctx, a, n !== undefined && visibleNumber(ctx, n));
  };
}

export const AlertsQuery = z.object({
  rule: z.enum(ALERT_RULES).optional(),
  severity: z.enum(['critical', 'warning', 'info']).optional(),
  state: z.enum(['open', 'acknowledged', 'resolved', 'active']).optional(),
  subject: z.string().min(1).max(200).optional(),
  asOf: dayField.optional(),
  ...pageFields(1000, 100),
});
export type AlertsQuery = z.input<typeof AlertsQuery>;

/** A phone-like subject is normalised to E.164 as the detectors store it; others are taken as is. */
function subjectOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^[+\d][\d\s.-]*$/.test(value)) {
    const phone = normalisePhone(value);
    if (phone.ok) return phone.value;
  }
  return value;
}

/** `vigie alerts` and `GET /api/v1/alerts`. `state=active`: open and acknowledged. */
export async function listAlerts(ctx: ServiceContext, input: AlertsQuery = {}): Promise<Page<AlertJson>> {
  requireReader(ctx);
  const q = validate(AlertsQuery, input);
  const subject = subjectOf(q.subject);
  const stored = await listStoredAlerts(ctx.reader, {
    ...(q.state === 'active' ? { open: true } : {}),
    ...(q.rule === undefined ? {} : { rule: q.rule }),
    ...(subject === undefined ? {} : { subject }),
    ...(q.asOf === undefined ? {} : { asOf: q.asOf }),
  });
  const inScope = await scopeTest(ctx);
  const list = stored.filter(
    (a) =>
      inScope(a) &&
      (q.severity === undefined || a.severity === q.severity) &&
      (q.state === undefined || q.state === 'active' || a.state === q.state),
  );
  return paginate(list.map(alertJson), q.limit, q.cursor);
}

const AlertId = z.coerce.number().int().min(1).max(2_147_483_647);

async function visibleStoredAlert(ctx: ServiceContext, id: number): Promise<InboxAlert> {
  const unknown = () => notFound(`alerte ${id} introuvable`, `unknown alert ${id}`);
  const alert = await getStoredAlert(ctx.reader, id).catch(() => {
    throw unknown();
  });
  if (!(await scopeTest(ctx))(alert)) throw unknown();
  return alert;
}

/** `vigie alert show` and `GET /api/v1/alerts/{id}`. */
export async function getAlert(ctx: ServiceContext, rawId: unknown): Promise<AlertWithEvents> {
  requireReader(ctx);
  const id = validate(AlertId, rawId);
  const alert = await visibleStoredAlert(ctx, id);
  return { ...alertJson(alert), events: await listAlertEvents(ctx.reader, id) };
}

const NoteBody = z.object({ note: textField(1000) });

/** `vigie alert ack|resolve` and `POST /api/v1/alerts/{id}/ack|resolve`. */
export async function actOnAlert(
  ctx: ServiceContext,
  verb: 'ack' | 'resolve',
  rawId: unknown,
  body: unknown,
): Promise<AlertWithEvents> {
  requireOperator(ctx);
  const id = validate(AlertId, rawId);
  const { note } = validate(NoteBody, body);
  await visibleStoredAlert(ctx, id);
  await performAction(ctx, verb === 'ack' ? 'alert.ack' : 'alert.resolve', String(id), async () => {
    const clock = { clock: ctx.clock };
    if (verb === 'ack') await acknowledgeAlert(ctx.store, id, note, ctx.actor.name, clock);
    else await resolveAlert(ctx.store, id, note, ctx.actor.name, clock);
    return { result: undefined, detail: { note } };
  });
  return getAlert(ctx, id);
}
