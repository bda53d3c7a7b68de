import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CALL_FORMATS, type CallFormat } from '../records/model.ts';
import { UsageError } from '../shared/errors.ts';
import type { IngestOptions } from './model.ts';

export const SOURCE_FILE = 'vigie-source.json';

type SourceDefaults = Pick<
  IngestOptions,
  'provider' | 'site' | 'client' | 'campaign' | 'format' | 'timezone' | 'country' | 'caller' | 'callers'
>;

const TEXT_KEYS = ['provider', 'site', 'client', 'campaign', 'timezone', 'country', 'caller'] as const;

/** Reads a folder's `vigie-source.json`; every problem names the file and the field. */
export function readSourceDefaults(path: string): SourceDefaults {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(
      `${path}: expected an object such as {"provider": "…", "timezone": "Africa/Casablanca"}`,
    );
  }
  const record = data as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if ((TEXT_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'string') throw new UsageError(`${path}: field "${key}" must be a string`);
      out[key] = value;
    } else if (key === 'format') {
      if (typeof value !== 'string' || !['auto', ...CALL_FORMATS].includes(value)) {
        throw new UsageError(`${path}: field "format" must be one of auto, ${CALL_FORMATS.join(', ')}`);
      }
      out.format = value as CallFormat | 'auto';
    } else if (key === 'callers') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new UsageError(`${path}: field "callers" must map each campaign to its caller ID`);
      }
      for (const [campaign, number] of Object.entries(value)) {
        if (typeof number !== 'string')
          throw new UsageError(`${path}: field "callers.${campaign}" must be a string`);
      }
      out.callers = value as Record<string, string>;
    } else if (!key.startsWith('$') && key !== 'comment') {
      throw new UsageError(`${path}: unknown field "${key}"`);
    }
  }
  return out as SourceDefaults;
}

export interface PlannedFile {
  readonly path: string;
  readonly options: IngestOptions;
}

/**
 * Expands the paths given on the command line into files, each with its options: a folder is ingested
 * file by file (sorted, sub-folders included), with the defaults of the nearest `vigie-source.json`;
 * flags override them.
 */
export function planIngest(paths: readonly string[], flags: IngestOptions): PlannedFile[] {
  const planned: PlannedFile[] = [];
  const visit = (path: string, inherited: SourceDefaults) => {
    let info: ReturnType<typeof statSync>;
    try {
      info = statSync(path);
    } catch {
      throw new UsageError(`${path}: no such file or folder`);
    }
    if (info.isDirectory()) {
      const sourceFile = join(path, SOURCE_FILE);
      const defaults = safeExists(sourceFile)
        ? { ...inherited, ...readSourceDefaults(sourceFile) }
        : inherited;
      for (const name of readdirSync(path).sort()) {
        if (name.startsWith('.') || name === SOURCE_FILE) continue;
        visit(join(path, name), defaults);
      }
      return;
    }
    // A caller ID given on the command line is meant for every row: it also overrides the folder's per-campaign ones.
    const base = flags.caller === undefined ? inherited : { ...inherited, callers: {} };
    planned.push({ path, options: { ...base, ...definedOnly(flags) } });
  };
  for (const path of paths) {
    const parentSource = join(dirname(path), SOURCE_FILE);
    const isFile = safeIsFile(path);
    const inherited =
      isFile && basename(path) !== SOURCE_FILE && safeExists(parentSource)
        ? readSourceDefaults(parentSource)
        : {};
    visit(path, inherited);
  }
  return planned;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function safeExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function safeIsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
