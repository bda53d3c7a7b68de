import { existsSync, readFileSync } from 'node:fs';
import { type SyncResult, syncAlerts } from '../alerts/inbox.ts';
import type { AlertCondition, AlertRule } from '../alerts/model.ts';
import { appendEvidence } from '../evidence/store.ts';
import { UsageError, VigieError } from '../shared/errors.ts';
import type { Store } from '../store/store.ts';
import { providerConditions } from './conditions.ts';
import { parseReputationConfig } from './config.ts';
import { addDays, dayNumber } from './dates.ts';
import { type Assessment, assessNumber, peerAnswerRate, thresholdsFor } from './evaluate.ts';
import {
  type ActionRecord,
  type DayFigures,
  DEFAULT_CONFIG,
  type OperatorAction,
  type ReputationConfig,
} from './model.ts';
import {
  daysSince,
  FULL_RANGE,
  insertAction,
  latestDay,
  loadActions,
  loadDays,
  loadUse,
  maxSourceFileId,
  providerActivity,
  ROLLUP_VERSION,
  readMeta,
  rebuildRange,
  writeMeta,
} from './queries.ts';

export interface RefreshResult {
  readonly mode: 'full' | 'incremental' | 'none';
  /** Day ranges rebuilt (inclusive). */
  readonly ranges: readonly (readonly [string, string])[];
  readonly watermark: number;
}

/** Groups days into inclusive ranges, joining ranges closer than `gap` days (one scan each). */
export function dayRanges(days: readonly string[], gap = 8): [string, string][] {
  const sorted = [...new Set(days)].sort();
  const out: [string, string][] = [];
  for (const day of sorted) {
    const last = out.at(-1);
    if (last !== undefined && dayNumber(day) - dayNumber(last[1]) <= gap) last[1] = day;
    else out.push([day, day]);
  }
  return out;
}

/**
 * Brings the rollup up to date: the days touched by files ingested since the last refresh (a call
 * also touches the 7 days after it: repeat pressure and call-backs look back a week), or the days
 * given, or everything when the rollup's version changed or `full` is asked.
 */
export async function refreshReputation(
  store: Store,
  options: { days?: readonly string[]; full?: boolean } = {},
): Promise<RefreshResult> {
  const watermark = await maxSourceFileId(store);
  const meta = await readMeta(store);
  if (options.full === true || meta === undefined || meta.version !== ROLLUP_VERSION) {
    await store.transaction(async () => {
      await store.run('DELETE FROM reputation_days');
      await rebuildRange(store, FULL_RANGE[0], FULL_RANGE[1]);
      await writeMeta(store, watermark);
    });
    return { mode: 'full', ranges: [FULL_RANGE], watermark };
  }
  let days: string[];
  if (options.days !== undefined) {
    days = options.days.flatMap((d) => Array.from({ length: 8 }, (_, k) => addDays(d, k)));
  } else {
    const touched = await daysSince(store, meta.watermark);
    days = [
      ...touched.calls.flatMap((d) => Array.from({ length: 8 }, (_, k) => addDays(d, k))),
      ...touched.reports,
    ];
  }
  const ranges = dayRanges(days);
  await store.transaction(async () => {
    for (const [from, to] of ranges) await rebuildRange(store, from, to);
    await writeMeta(store, watermark);
  });
  return { mode: ranges.length > 0 ? 'incremental' : 'none', ranges, watermark };
}

/** Thresholds from `path`, else `.vigie/reputation.json` in `cwd` when it exists, else the defaults. */
export function loadReputationConfig(path: string | undefined, cwd: string): ReputationConfig {
  const file = path ?? `${cwd}/.vigie/reputation.json`;
  if (path === undefined && !existsSync(file)) return DEFAULT_CONFIG;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `cannot read thresholds ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { config, issues } = parseReputationConfig(json);
  if (issues.length > 0) throw new UsageError(`${file}:\n  ${issues.join('\n  ')}`);
  return config;
}

/** The as-of day: the one asked, else the most recent Paris day with calls. */
export async function resolveAsOf(store: Store, asOf?: string): Promise<string | undefined> {
  return asOf ?? (await latestDay(store));
}

/**
 * The operator's actions as they stand on the latest day with calls: one taken after it (today, while the
 * calls stop at yesterday's files) counts from that day, so that a number rested now shows as resting now.
 */
export function actionsStanding(actions: readonly ActionRecord[], asOf: string): ActionRecord[] {
  return actions.map((a) => (a.day > asOf ? { ...a, day: asOf } : a));
}

/** Every number seen in the 28 days ending `asOf` (and any number with an operator action), assessed. */
export async function assessAll(store: Store, asOf: string, config: ReputationConfig): Promise<Assessment[]> {
  return (await assessAllWithDays(store, asOf, config)).assessments;
}

/** `assessAll`, with the daily figures of the 56 days it read (the dashboard draws their series). */
export async function assessAllWithDays(
  store: Store,
  asOf: string,
  config: ReputationConfig,
  options: { readonly laterActions?: boolean } = {},
): Promise<{ assessments: Assessment[]; days: Map<string, DayFigures[]> }> {
  const days = await loadDays(store, addDays(asOf, -55), asOf);
  const use = await loadUse(store);
  const stored = await loadActions(store);
  const actions = options.laterActions === true ? actionsStanding(stored, asOf) : stored;
  const numbers = new Set<string>();
  for (const [number, list] of days) if (list.some((d) => d.day > addDays(asOf, -28))) numbers.add(number);
  for (const a of actions) if (a.day <= asOf) numbers.add(a.number);
  const peers = peerAnswerRate(
    [...days.values()].map((list) => ({ days: list })),
    asOf,
    config.defaults.minAttempts,
  );
  const assessments = [...numbers].sort().map((number) =>
    assessNumber({
      number,
      asOf,
      days: days.get(number) ?? [],
      actions: actions.filter((a) => a.number === number),
      config,
      firstDay: use.get(number)?.first ?? null,
      lastDay: use.get(number)?.last ?? null,
      peerAnswerRate: peers,
    }),
  );
  return { assessments, days };
}

/** The reputation engine's alert conditions on `asOf`: per number, and `reporting.missing` per provider. */
export async function reputationConditions(
  store: Store,
  asOf: string,
  config: ReputationConfig,
  assessments?: readonly Assessment[],
): Promise<AlertCondition[]> {
  const all = assessments ?? (await assessAll(store, asOf, config));
  const providers = await providerActivity(store, asOf);
  return [
    ...all.filter((a) => a.status !== 'suspended' && a.status !== 'resting').flatMap((a) => a.conditions),
    ...providerConditions(providers, asOf, (p) => thresholdsFor(config, [p], [])),
  ];
}

/** Rests every `compromised` number whose thresholds ask for it and that no operator action holds. */
export async function autoRest(
  store: Store,
  assessments: readonly Assessment[],
  at: string,
): Promise<string[]> {
  const rested: string[] = [];
  for (const a of assessments) {
    if (!a.thresholds.autoRestAtCompromised || a.status !== 'compromised') continue;
    await insertAction(store, {
      number: a.number,
      action: 'rest',
      at,
      day: a.asOf,
      author: 'vigie (auto-rest)',
      reason: `compromised on ${a.asOf}: score ${a.score.score}, 7-day report rate ${((a.kpis7d.reportRate ?? 0) * 100).toFixed(1)} %`,
    });
    await appendEvidence(store, {
      kind: 'number.action',
      actor: 'vigie (auto-rest)',
      at: new Date(at),
      content: { number: a.number, action: 'rest', day: a.asOf, reason: 'auto-rest at compromised' },
    });
    rested.push(a.number);
  }
  return rested;
}

/** Records an operator action; `at` is the instant and `day` the Paris day it takes effect. */
export async function recordAction(
  store: Store,
  input: { number: string; action: OperatorAction; at: string; day: string; author: string; reason: string },
): Promise<void> {
  if (input.reason.trim() === '') throw new UsageError('--reason is required and cannot be empty');
  const actions = await loadActions(store, input.number);
  const last = actions.at(-1)?.action;
  if (input.action === 'resume' && last !== 'rest' && last !== 'suspend') {
    throw new VigieError('CONFLICT', `${input.number} is neither suspended nor resting: nothing to resume`);
  }
  if (input.action !== 'resume' && last === input.action) {
    throw new VigieError(
      'CONFLICT',
      `${input.number} is already ${input.action === 'rest' ? 'resting' : 'suspended'}`,
    );
  }
  // The action and its evidence entry commit together.
  await store.transaction(async () => {
    await insertAction(store, input);
    await appendEvidence(store, {
      kind: 'number.action',
      actor: input.author,
      at: new Date(input.at),
      content: { number: input.number, action: input.action, day: input.day, reason: input.reason },
    });
  });
}

/** The alert rules the reputation engine owns: the inbox resolves their alerts when no longer reported. */
export const REPUTATION_RULES = [
  'answer_rate.drop',
  'report_rate.warning',
  'report_rate.critical',
  'volume.daily_cap',
  'number.pooled',
  'reporting.missing',
] as const satisfies readonly AlertRule[];

export interface ReputationUpdate {
  readonly refresh: RefreshResult;
  readonly asOf: string | undefined;
  readonly conditions: number;
  readonly autoRested: readonly string[];
  readonly alerts?: SyncResult;
}

/**
 * What runs after each ingest: the rollup refreshed for the touched days, the auto-rest rule, then the
 * conditions of the most recent day with calls handed to the alert inbox.
 */
export async function updateReputation(
  store: Store,
  options: { full?: boolean; config?: ReputationConfig; now?: Date; asOf?: string } = {},
): Promise<ReputationUpdate> {
  const refresh = await refreshReputation(store, options.full === true ? { full: true } : {});
  const asOf = await resolveAsOf(store, options.asOf);
  if (asOf === undefined) return { refresh, asOf, conditions: 0, autoRested: [] };
  const config = options.config ?? DEFAULT_CONFIG;
  let assessments = await assessAll(store, asOf, config);
  const now = options.now ?? new Date();
  const autoRested = await autoRest(store, assessments, now.toISOString());
  if (autoRested.length > 0) assessments = await assessAll(store, asOf, config);
  const conditions = await reputationConditions(store, asOf, config, assessments);
  const alerts = await syncAlerts(store, conditions, asOf, {
    rules: REPUTATION_RULES,
    clock: () => now,
  });
  return { refresh, asOf, conditions: conditions.length, autoRested, alerts };
}
