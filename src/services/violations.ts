/**
 * Violations of French telemarketing law among the stored calls: the engine of `vigie audit` over the
 * stored registry, computed once per state of the data and kept, then filtered in the actor's scope.
 */
import { z } from 'zod';
import { auditStoredCalls } from '../audit/stored.ts';
import { lawFacts, registerHolidayLibrary } from '../cli/commands/law-options.ts';
import type { Violation } from '../law/evaluate.ts';
import { RULE_IDS } from '../law/rules.ts';
import { RegistryIndex } from '../registry/registry-index.ts';
import { loadStoredRegistry } from '../registry/store.ts';
import { memo, parisDay, requireReader, type ServiceContext } from './context.ts';
import {
  dayField,
  nameField,
  type Page,
  pageFields,
  paginate,
  phoneInput,
  validate,
  weekField,
} from './input.ts';

export type ViolationJson = Violation & { readonly week: string };

/** ISO 8601 week (`2026-W47`) of a calendar day. */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  // The Thursday of the same week decides the year.
  date.setUTCDate(date.getUTCDate() - weekday + 3);
  const year = date.getUTCFullYear();
  const week = 1 + Math.floor((date.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

interface Audited {
  readonly violations: readonly ViolationJson[];
  readonly calls: number;
  readonly callsByProvider: ReadonlyMap<string, number>;
}

/** The whole stored audit, kept until the next write. */
export function storedAudit(ctx: ServiceContext): Promise<Audited> {
  return memo(
    ctx,
    'violations',
    async () => {
      await registerHolidayLibrary();
      const index = new RegistryIndex(
        await loadStoredRegistry(ctx.reader, undefined, ['consultations', 'assignments', 'campaigns']),
      );
      const facts = { ...lawFacts(ctx.config.env, index, false), streamRegistry: true };
      const audit = await auditStoredCalls(ctx.reader, facts, ctx.config.rules);
      return {
        violations: audit.violations.map((v) => ({ ...v, week: isoWeek(parisDay(new Date(v.startedAt))) })),
        calls: audit.calls,
        callsByProvider: audit.callsByProvider,
      };
    },
    'ingest',
  );
}

export const ViolationsQuery = z.object({
  rule: z.enum(RULE_IDS as [string, ...string[]]).optional(),
  provider: nameField.optional(),
  client: nameField.optional(),
  week: weekField.optional(),
  from: dayField.optional(),
  to: dayField.optional(),
  caller: z.string().min(1).max(40).optional(),
  ...pageFields(1000, 100),
});
export type ViolationsQuery = z.input<typeof ViolationsQuery>;

function filterViolations(ctx: ServiceContext, all: readonly ViolationJson[], input: ViolationsQuery) {
  const q = validate(ViolationsQuery, input);
  const caller = q.caller === undefined ? undefined : phoneInput(q.caller);
  const { provider, client } = ctx.actor;
  const list = all.filter((v) => {
    if (provider !== null && v.provider !== provider) return false;
    if (client !== null && v.client !== client) return false;
    if (q.rule !== undefined && v.rule !== q.rule) return false;
    if (q.provider !== undefined && v.provider !== q.provider) return false;
    if (q.client !== undefined && v.client !== q.client) return false;
    if (q.week !== undefined && v.week !== q.week) return false;
    if (caller !== undefined && v.caller !== caller) return false;
    if (q.from !== undefined || q.to !== undefined) {
      const day = parisDay(new Date(v.startedAt));
      if (q.from !== undefined && day < q.from) return false;
      if (q.to !== undefined && day > q.to) return false;
    }
    return true;
  });
  return { q, list };
}

/** `GET /api/v1/violations`: as `vigie audit --format json`, with the ISO week of each. */
export async function listViolations(
  ctx: ServiceContext,
  input: ViolationsQuery = {},
): Promise<Page<ViolationJson>> {
  requireReader(ctx);
  const { q, list } = filterViolations(ctx, (await storedAudit(ctx)).violations, input);
  return paginate(list, q.limit, q.cursor);
}

export interface ViolationSummary {
  readonly total: number;
  readonly calls: number;
  readonly byRule: readonly { rule: string; count: number }[];
  readonly byProvider: readonly {
    provider: string;
    count: number;
    calls: number;
    perThousand: number | null;
  }[];
  readonly byWeek: readonly { week: string; count: number }[];
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/** `GET /api/v1/violations/summary`: counts by rule, provider (per 1,000 calls) and week. */
export async function summariseViolations(
  ctx: ServiceContext,
  input: ViolationsQuery = {},
): Promise<ViolationSummary> {
  requireReader(ctx);
  const audit = await storedAudit(ctx);
  const { list } = filterViolations(ctx, audit.violations, input);
  const providers = [...audit.callsByProvider.entries()].filter(
    ([p]) => ctx.actor.provider === null || p === ctx.actor.provider,
  );
  const byProvider = countBy(list, (v) => v.provider);
  let calls = 0;
  for (const [, n] of providers) calls += n;
  return {
    total: list.length,
    calls,
    byRule: [...countBy(list, (v) => v.rule)]
      .map(([rule, count]) => ({ rule, count }))
      .sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule)),
    byProvider: providers
      .map(([provider, n]) => {
        const count = byProvider.get(provider) ?? 0;
        return {
          provider,
          count,
          calls: n,
          perThousand: n > 0 ? Math.round((count / n) * 10_000) / 10 : null,
        };
      })
      .sort((a, b) => b.count - a.count || a.provider.localeCompare(b.provider)),
    byWeek: [...countBy(list, (v) => v.week)]
      .map(([week, count]) => ({ week, count }))
      .sort((a, b) => a.week.localeCompare(b.week)),
  };
}

/** The violations of one caller ID (the latest 100), for its file. */
export async function numberViolations(ctx: ServiceContext, number: string): Promise<ViolationJson[]> {
  const { list } = filterViolations(ctx, (await storedAudit(ctx)).violations, { caller: number });
  return list.slice(-100);
}

const CSV_HEADERS = [
  'règle',
  'gravité',
  'semaine',
  'début (UTC)',
  'heure locale',
  'fuseau',
  'prestataire',
  'client',
  'campagne',
  'appelant',
  'appelé',
  'identifiant d’appel',
  'explication',
] as const;

/** One CSV cell for Excel: quoted when needed; a leading = + - @ is neutralised (no formula runs). */
function excelCell(value: string | null): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `GET /api/v1/violations?format=csv`: every filtered violation, `;`-separated, UTF-8 with BOM, CRLF. */
export async function violationsCsv(ctx: ServiceContext, input: ViolationsQuery = {}): Promise<string> {
  requireReader(ctx);
  const { list } = filterViolations(ctx, (await storedAudit(ctx)).violations, { ...input, limit: 1 });
  const lines = [CSV_HEADERS.join(';')];
  for (const v of list)
    lines.push(
      [
        v.rule,
        v.severity,
        v.week,
        v.startedAt,
        v.localTime,
        v.timeZone,
        v.provider,
        v.client,
        v.campaign,
        v.caller,
        v.callee,
        v.callId,
        v.explanation,
      ]
        .map(excelCell)
        .join(';'),
    );
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
