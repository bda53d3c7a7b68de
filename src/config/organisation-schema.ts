import { z } from 'zod';

/**
 * The organisation file (`vigie.config.yaml` or `.json`): clients, providers and their sites,
 * campaigns, caller-ID assignments and each provider's contract. Keys are snake_case, as people
 * write YAML; every object is strict, so a misspelt key is an error rather than silently ignored.
 */

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an identifier: letters, digits, . _ -');
const day = z.union([
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  // YAML reads an unquoted 2026-03-01 as a timestamp: accepted, as its UTC calendar day.
  z.date().transform((d) => d.toISOString().slice(0, 10)),
]);
const fraction = z.number().min(0).max(1);
/** Euros with at most two decimals, as written (`1250`, `1250.5`, `"1 250,00"`), to integer cents. */
const euros = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const cents = eurosToCents(value);
  if (cents === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an amount in euros with at most 2 decimals: ${value}` });
    return z.NEVER;
  }
  return cents;
});

/** Integer cents of an amount in euros, exactly (no float rounding), or undefined when unreadable. */
export function eurosToCents(value: number | string): number | undefined {
  const text =
    typeof value === 'number' ? String(value) : value.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (match === null) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}

export const TRANSFER_BASES = ['adequacy', 'scc'] as const;

const transfer = z.strictObject({
  basis: z.enum(TRANSFER_BASES),
  /** Signature date of the standard contractual clauses (required for `scc`). */
  signed: day.optional(),
  /** Whether a data-protection impact assessment (AIPD) exists. */
  dpia: z.boolean().optional(),
});

const site = z.strictObject({
  id,
  city: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO country code, e.g. FR, MA'),
  location: z.enum(['onshore', 'offshore']),
  timezone: z.string().optional(),
  transfer: transfer.optional(),
});

export const BREACH_TYPES = [
  'clause.daily_cap',
  'clause.dedicated',
  'clause.reporting',
  'violation',
  'burnt_number',
  'service_level',
] as const;
export type BreachType = (typeof BREACH_TYPES)[number];

const penalties = z.strictObject({
  'clause.daily_cap': euros.optional(),
  'clause.dedicated': euros.optional(),
  'clause.reporting': euros.optional(),
  violation: euros.optional(),
  burnt_number: euros.optional(),
  service_level: euros.optional(),
  monthly_cap: z
    .strictObject({
      total: euros.optional(),
      'clause.daily_cap': euros.optional(),
      'clause.dedicated': euros.optional(),
      'clause.reporting': euros.optional(),
      violation: euros.optional(),
      burnt_number: euros.optional(),
      service_level: euros.optional(),
    })
    .optional(),
});

const inboundLevel = z.strictObject({
  /** Share of inbound calls answered within `within_seconds` (80 % in 20 s). */
  answered_share: fraction,
  within_seconds: z.number().positive(),
  /** A caller who waited this long without an answer has abandoned (default `within_seconds`). */
  abandon_after_seconds: z.number().positive().optional(),
  max_abandonment: fraction,
  per: z.enum(['hour', 'day']),
});

const thresholds = z.strictObject({
  answer_rate_drop: fraction.optional(),
  report_rate_warning: fraction.optional(),
  report_rate_critical: fraction.optional(),
  daily_cap: z.number().int().positive().optional(),
  min_attempts: z.number().int().nonnegative().optional(),
});

export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

const contract = z.strictObject({
  daily_cap: z.number().int().positive().optional(),
  dedicated_numbers: z.boolean().optional(),
  reporting_day: z.enum(WEEKDAYS).optional(),
  thresholds: thresholds.optional(),
  inbound: inboundLevel.optional(),
  penalties: penalties.optional(),
});

const provider = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  email: z.string().email().optional(),
  sites: z.array(site).min(1),
  contract: contract.optional(),
});

const client = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  email: z.string().email().optional(),
});

const campaign = z.strictObject({
  id,
  client: id,
  provider: id,
  purpose: z.enum(['prospecting', 'service', 'collection', 'survey', 'other']).optional(),
  sector: z.string().optional(),
  dialer: z.enum(['automated', 'manual']).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
});

const assignment = z.strictObject({
  caller_id: z.string().min(1),
  client: id,
  provider: id,
  campaign: id.optional(),
  from: day.optional(),
  to: day.optional(),
  dedicated: z.boolean().optional(),
});

const report = z.strictObject({
  folder: z.string().min(1).optional(),
  lang: z.enum(['fr', 'en']).optional(),
  smtp: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().positive(),
      secure: z.boolean().optional(),
      from: z.string().min(1),
      user: z.string().optional(),
      password: z.string().optional(),
    })
    .optional(),
});

export const organisationSchema = z.strictObject({
  version: z.literal(1).optional(),
  clients: z.array(client).min(1),
  providers: z.array(provider).min(1),
  campaigns: z.array(campaign).optional(),
  assignments: z.array(assignment).optional(),
  /** A CSV of assignments (records.md §5), relative to the config file; read by the registry parser. */
  assignments_file: z.string().min(1).optional(),
  report: report.optional(),
});

export type OrganisationFile = z.infer<typeof organisationSchema>;
