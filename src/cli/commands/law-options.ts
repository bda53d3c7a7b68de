import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Environment } from '../../config/env.ts';
import type { LawFacts } from '../../law/evaluate.ts';
import { registerHolidaySource } from '../../law/holidays.ts';
import { DEFAULT_RULES, mergeRuleConfig, RuleConfigError, type RuleSet } from '../../law/rules.ts';
import { describeNumber } from '../../numbering/describe.ts';
import type { NumberInfo } from '../../numbering/model.ts';
import { loadArcepIndex, type NumberingLocation } from '../../numbering/store.ts';
import { REGISTRY_FILES, type RegistryFile } from '../../registry/model.ts';
import type { RegistryLookup } from '../../registry/registry-index.ts';
import { UsageError } from '../../shared/errors.ts';

// What \`audit\` and \`check\` share, apart from reading registry and calls files: \`vigie check\`
// imports only this, not the CSV reader (csv-parse), at start-up.

/** Registry flags shared by `audit` and `check`: `--registry DIR` or one flag per file. */
export type RegistryFlags = { readonly registry?: string } & Partial<Record<RegistryFile, string>>;

export function addRegistryOptions(command: Command, perFile: boolean): Command {
  command.option('--registry <dir>', 'registry folder (consents.csv, customers.csv, refusals.csv, …)');
  if (perFile) {
    for (const kind of REGISTRY_FILES) command.option(`--${kind} <file>`, `${kind}.csv file`);
  }
  return command.option(
    '--rules <file>',
    'JSON file overriding the rule table (severity, dates, thresholds)',
  );
}

/** The rule table, with the deployment's JSON override when `--rules` names one. */
export function loadRules(path: string | undefined): RuleSet {
  if (path === undefined) return DEFAULT_RULES;
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `cannot read rule configuration ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    return mergeRuleConfig(DEFAULT_RULES, config);
  } catch (error) {
    if (error instanceof RuleConfigError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

function numberingLocation(env: Environment): NumberingLocation {
  return 'numberingDir' in env && typeof env.numberingDir === 'string' && env.numberingDir !== ''
    ? { dir: env.numberingDir }
    : {};
}

/** date-holidays itself, for the years the generated holiday table does not cover (~120 ms to load). */
export async function registerHolidayLibrary(): Promise<void> {
  registerHolidaySource((await import('../../law/holidays-library.ts')).libraryHolidaysOf);
}

/**
 * The law engine's facts: the numbering core over the ARCEP copy in use, and the registry's indexes.
 * Numbers are described through a bounded cache, unless `cached` is false: the stored audit meets each
 * callee once (the engine caches callers itself), and a cache would only keep their descriptions alive.
 */
export function lawFacts(env: Environment, registry: RegistryLookup, cached = true): LawFacts {
  const arcep = loadArcepIndex(numberingLocation(env)).index;
  if (!cached) return { registry, describe: (number) => describeNumber(number, arcep) };
  const cache = new Map<string, NumberInfo>();
  return {
    registry,
    describe(number) {
      let info = cache.get(number);
      if (info === undefined) {
        info = describeNumber(number, arcep);
        // Bounded: an audit of millions of callees must not keep them all.
        if (cache.size > 100_000) cache.clear();
        cache.set(number, info);
      }
      return info;
    },
  };
}
