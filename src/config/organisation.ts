import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { zonedToUtc } from '../law/time.ts';
import {
  type Contract,
  DEFAULT_CONTRACT,
  type InboundServiceLevel,
  type Organisation,
  type Provider,
  transferFlags,
} from '../providers/model.ts';
import type { Assignment } from '../registry/model.ts';
import { parseAssignments } from '../registry/parse.ts';
import type { Thresholds } from '../reputation/model.ts';
import { UsageError } from '../shared/errors.ts';
import { type OrganisationFile, organisationSchema } from './organisation-schema.ts';

/** One mistake in the organisation file: where (file, line, key) and what. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly key: string;
  readonly message: string;
}

/** The organisation file is wrong: every mistake found, each with its file, line and key. */
export class ConfigError extends UsageError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `invalid organisation configuration / configuration de l’organisation invalide:\n  ${issues
        .map((i) => `${i.file}:${i.line}: ${i.key}: ${i.message}`)
        .join('\n  ')}`,
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export const CONFIG_NAMES = ['vigie.config.yaml', 'vigie.config.yml', 'vigie.config.json'] as const;

/** The organisation file to use: the one given, else the first of CONFIG_NAMES in `cwd`, else none. */
export function findOrganisationFile(cwd: string, given?: string): string | undefined {
  if (given !== undefined) return isAbsolute(given) ? given : join(cwd, given);
  return CONFIG_NAMES.map((name) => join(cwd, name)).find((path) => existsSync(path));
}

type PathKey = string | number;

function keyName(path: readonly PathKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out === '' ? '(racine)' : out;
}

/** Reads, validates and normalises the organisation file (YAML, or JSON, which YAML reads too). */
export function loadOrganisation(path: string): Organisation {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read organisation file ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseOrganisation(text, path, dirname(path));
}

/** `parseOrganisation` of a text: `file` is named in errors, `baseDir` resolves `assignments_file`. */
export function parseOrganisation(text: string, file: string, baseDir: string): Organisation {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        file,
        line: lineAt(e.pos[0]),
        key: '(syntaxe)',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  /** The line of the node at `path` (of its key `key` inside a map when given), else of its nearest parent. */
  const lineOf = (path: readonly PathKey[], key?: string): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node === undefined || node === null) continue;
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
        if (pair !== undefined && isScalar(pair.key)) return lineAt(pair.key.range?.[0]);
      }
      if (n < path.length && isMap(node)) {
        const k = path[n];
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === k);
        if (pair !== undefined && isScalar(pair.key)) return lineAt(pair.key.range?.[0]);
      }
      return lineAt(node.range?.[0]);
    }
    return 1;
  };
  const value = doc.toJS() as unknown;
  const parsed = organisationSchema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap((issue) => zodIssue(issue, file, lineOf)));
  }
  const issues: ConfigIssue[] = [];
  const organisation = normalise(parsed.data, file, baseDir, lineOf, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return organisation;
}

function zodIssue(
  issue: z.core.$ZodIssue,
  file: string,
  lineOf: (path: readonly PathKey[], key?: string) => number,
): ConfigIssue[] {
  const path = issue.path.filter((k): k is PathKey => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      file,
      line: lineOf(path, key),
      key: keyName([...path, key]),
      message: 'unknown key / clé inconnue',
    }));
  }
  return [{ file, line: lineOf(path), key: keyName(path), message: issue.message }];
}

function parisMidnight(day: string): number {
  return zonedToUtc(
    { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) },
    'Europe/Paris',
  );
}

function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function thresholdsOf(t: NonNullable<NonNullable<Provider0['contract']>['thresholds']>): Partial<Thresholds> {
  return {
    ...(t.answer_rate_drop === undefined ? {} : { answerRateDrop: t.answer_rate_drop }),
    ...(t.report_rate_warning === undefined ? {} : { reportRateWarning: t.report_rate_warning }),
    ...(t.report_rate_critical === undefined ? {} : { reportRateCritical: t.report_rate_critical }),
    ...(t.daily_cap === undefined ? {} : { dailyCap: t.daily_cap }),
    ...(t.min_attempts === undefined ? {} : { minAttempts: t.min_attempts }),
  };
}

type Provider0 = OrganisationFile['providers'][number];

function contractOf(c: Provider0['contract']): Contract {
  if (c === undefined) return DEFAULT_CONTRACT;
  const inbound: InboundServiceLevel | null =
    c.inbound === undefined
      ? null
      : {
          answeredShare: c.inbound.answered_share,
          withinSeconds: c.inbound.within_seconds,
          abandonAfterSeconds: c.inbound.abandon_after_seconds ?? c.inbound.within_seconds,
          maxAbandonment: c.inbound.max_abandonment,
          per: c.inbound.per,
        };
  const { monthly_cap, ...amounts } = c.penalties ?? {};
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: number };
  return {
    dailyCap: c.daily_cap ?? c.thresholds?.daily_cap ?? DEFAULT_CONTRACT.dailyCap,
    dedicatedNumbers: c.dedicated_numbers ?? false,
    reportingDay: c.reporting_day ?? 'monday',
    thresholds: thresholdsOf(c.thresholds ?? {}),
    inbound,
    penalties: { amounts: defined(amounts), monthlyCap: defined(monthly_cap ?? {}) },
  };
}

function normalise(
  data: OrganisationFile,
  file: string,
  baseDir: string,
  lineOf: (path: readonly PathKey[], key?: string) => number,
  issues: ConfigIssue[],
): Organisation {
  const issue = (path: readonly PathKey[], message: string) =>
    issues.push({ file, line: lineOf(path), key: keyName(path), message });
  const unique = (list: readonly { id: string }[], name: string) => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      if (seen.has(item.id)) issue([name, i, 'id'], `duplicate id "${item.id}" / identifiant en double`);
      seen.add(item.id);
    });
  };
  unique(data.clients, 'clients');
  unique(data.providers, 'providers');
  unique(data.campaigns ?? [], 'campaigns');
  const clients = new Set(data.clients.map((c) => c.id));
  const providers = new Set(data.providers.map((p) => p.id));
  const campaigns = new Map((data.campaigns ?? []).map((c) => [c.id, c]));
  data.providers.forEach((p, i) => {
    unique(p.sites, `providers[${i}].sites`);
    p.sites.forEach((s, j) => {
      if (s.transfer?.basis === 'scc' && s.transfer.signed === undefined)
        issue(
          ['providers', i, 'sites', j, 'transfer', 'signed'],
          'SCC need their signature date / date de signature des CCT requise',
        );
    });
  });
  (data.campaigns ?? []).forEach((c, i) => {
    if (!clients.has(c.client))
      issue(['campaigns', i, 'client'], `unknown client "${c.client}" / client inconnu`);
    if (!providers.has(c.provider))
      issue(['campaigns', i, 'provider'], `unknown provider "${c.provider}" / prestataire inconnu`);
  });

  const assignments: Assignment[] = [];
  (data.assignments ?? []).forEach((a, i) => {
    const at = (key: string) => ['assignments', i, key] as const;
    if (!clients.has(a.client)) issue(at('client'), `unknown client "${a.client}" / client inconnu`);
    if (!providers.has(a.provider))
      issue(at('provider'), `unknown provider "${a.provider}" / prestataire inconnu`);
    if (a.campaign !== undefined && !campaigns.has(a.campaign))
      issue(at('campaign'), `unknown campaign "${a.campaign}" / campagne inconnue`);
    if (a.from !== undefined && a.to !== undefined && a.to < a.from)
      issue(at('to'), `ends (${a.to}) before it starts (${a.from}) / se termine avant de commencer`);
    const phone = normaliseCallerId(a.caller_id);
    if (phone === undefined)
      issue(at('caller_id'), `unreadable phone number "${a.caller_id}" / numéro illisible`);
    assignments.push({
      file,
      line: lineOf(['assignments', i]),
      callerId: phone ?? a.caller_id,
      client: a.client,
      provider: a.provider,
      campaign: a.campaign ?? null,
      validFrom: a.from === undefined ? null : parisMidnight(a.from),
      validTo: a.to === undefined ? null : parisMidnight(nextDay(a.to)),
      dedicated: a.dedicated ?? false,
    });
  });
  if (data.assignments_file !== undefined) {
    const csvPath = isAbsolute(data.assignments_file)
      ? data.assignments_file
      : join(baseDir, data.assignments_file);
    let csv: string | undefined;
    try {
      csv = readFileSync(csvPath, 'utf8');
    } catch {
      issue(['assignments_file'], `cannot read ${csvPath} / fichier illisible`);
    }
    if (csv !== undefined) {
      const parsed = parseAssignments(csv, data.assignments_file);
      for (const e of parsed.errors)
        issues.push({ file: e.file, line: e.line, key: e.field, message: e.message });
      for (const a of parsed.rows) {
        const where = (key: string, message: string) =>
          issues.push({ file: a.file, line: a.line, key, message });
        if (!clients.has(a.client)) where('client', `unknown client "${a.client}" / client inconnu`);
        if (a.provider === null || !providers.has(a.provider))
          where('provider', `unknown provider "${a.provider ?? ''}" / prestataire inconnu`);
        assignments.push(a);
      }
    }
  }
  for (const o of overlappingAssignments(assignments)) {
    issues.push({
      file: o.second.file,
      line: o.second.line,
      key: o.second.file === file ? `assignments (caller_id ${o.second.callerId})` : 'caller_id',
      message: `overlaps the assignment at ${o.first.file}:${o.first.line} / chevauche l’affectation de la ligne ${o.first.line} (${o.reason})`,
    });
  }

  const providerList: Provider[] = data.providers.map((p) => ({
    id: p.id,
    name: p.name ?? p.id,
    email: p.email ?? null,
    sites: p.sites.map((s) => ({
      id: s.id,
      city: s.city,
      country: s.country,
      location: s.location,
      timezone: s.timezone ?? null,
      transfer:
        s.transfer === undefined
          ? null
          : { basis: s.transfer.basis, signed: s.transfer.signed ?? null, dpia: s.transfer.dpia ?? false },
    })),
    contract: contractOf(p.contract),
  }));
  const smtp = data.report?.smtp;
  return {
    file,
    clients: data.clients.map((c) => ({ id: c.id, name: c.name ?? c.id, email: c.email ?? null })),
    providers: providerList,
    campaigns: (data.campaigns ?? []).map((c) => ({
      id: c.id,
      client: c.client,
      provider: c.provider,
      purpose: c.purpose ?? null,
      sector: c.sector ?? null,
      dialer: c.dialer ?? null,
      direction: c.direction ?? 'outbound',
    })),
    assignments,
    transferFlags: transferFlags(providerList),
    report: {
      folder: data.report?.folder ?? null,
      lang: data.report?.lang ?? 'fr',
      smtp:
        smtp === undefined
          ? null
          : {
              host: smtp.host,
              port: smtp.port,
              secure: smtp.secure ?? false,
              from: smtp.from,
              user: smtp.user ?? null,
              password: smtp.password ?? null,
            },
    },
  };
}

function normaliseCallerId(text: string): string | undefined {
  const digits = text.replace(/[\s.-]/g, '');
  if (/^\+\d{8,15}$/.test(digits)) return digits;
  if (/^0033\d{9}$/.test(digits)) return `+33${digits.slice(4)}`;
  if (/^0\d{9}$/.test(digits)) return `+33${digits.slice(1)}`;
  return undefined;
}

function overlaps(a: Assignment, b: Assignment): boolean {
  const aFrom = a.validFrom ?? Number.NEGATIVE_INFINITY;
  const bFrom = b.validFrom ?? Number.NEGATIVE_INFINITY;
  const aTo = a.validTo ?? Number.POSITIVE_INFINITY;
  const bTo = b.validTo ?? Number.POSITIVE_INFINITY;
  return aFrom < bTo && bFrom < aTo;
}

/**
 * Assignments that contradict each other over a common period: the same caller ID twice for the same
 * client and campaign, or a number dedicated to one provider also given to another.
 * (Two clients of one provider sharing a number is pooling, which the scorecard reports, not a typo.)
 */
export function overlappingAssignments(
  list: readonly Assignment[],
): { first: Assignment; second: Assignment; reason: string }[] {
  const byCaller = new Map<string, Assignment[]>();
  for (const a of list) {
    const l = byCaller.get(a.callerId) ?? [];
    l.push(a);
    byCaller.set(a.callerId, l);
  }
  const out: { first: Assignment; second: Assignment; reason: string }[] = [];
  for (const l of byCaller.values()) {
    for (let j = 1; j < l.length; j++) {
      const b = l[j];
      if (b === undefined) continue;
      for (let i = 0; i < j; i++) {
        const a = l[i];
        if (a === undefined || !overlaps(a, b)) continue;
        if (a.client === b.client && a.campaign === b.campaign && a.provider === b.provider) {
          out.push({ first: a, second: b, reason: 'same client and campaign / même client et campagne' });
          break;
        }
        if (a.provider !== b.provider && (a.dedicated || b.dedicated)) {
          out.push({
            first: a,
            second: b,
            reason: 'dedicated number given to two providers / numéro dédié confié à deux prestataires',
          });
          break;
        }
      }
    }
  }
  return out;
}

/** The organisation of a deployment without a config file: nothing declared, default contracts. */
export function emptyOrganisation(): Organisation {
  return {
    file: '',
    clients: [],
    providers: [],
    campaigns: [],
    assignments: [],
    transferFlags: [],
    report: { folder: null, lang: 'fr', smtp: null },
  };
}

/** The contract of `provider` (the default one when the provider is not declared). */
export function contractFor(org: Organisation, provider: string): Contract {
  return org.providers.find((p) => p.id === provider)?.contract ?? DEFAULT_CONTRACT;
}
