import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VigieError } from '../shared/errors.ts';
import { ARCEP_BINARY_FILE_NAME, decodeArcepBinary } from './arcep-binary.ts';
import {
  type ArcepIndex,
  type ArcepStats,
  deserialiseArcepIndex,
  indexArcepFiles,
  type ParseIssue,
  serialiseArcepIndex,
} from './arcep.ts';

/**
 * Where Vigie finds ARCEP's numbering data (edge: file I/O). The package ships a compact copy built
 * from ARCEP's files by `scripts/build-numbering.ts`; `vigie numbering update` writes a newer one to
 * the user directory, which then wins: `VIGIE_NUMBERING_DIR` when set, else `~/.vigie/numbering`.
 */

export const ARCEP_FILE_NAME = 'arcep.json.gz';

/** The compact copy committed with Vigie. */
export const SHIPPED_ARCEP_PATH = fileURLToPath(new URL(`./data/${ARCEP_FILE_NAME}`, import.meta.url));

/** The same index as raw typed arrays, written beside it by the build (dist/ only): faster to load. */
const SHIPPED_ARCEP_BINARY_PATH = fileURLToPath(new URL(`./data/${ARCEP_BINARY_FILE_NAME}`, import.meta.url));

export interface NumberingLocation {
  /** `VIGIE_NUMBERING_DIR`, as resolved by the entry point. */
  readonly dir?: string | undefined;
  /** Home directory; defaults to the OS's. */
  readonly home?: string | undefined;
}

export interface LoadedArcepIndex {
  readonly index: ArcepIndex;
  readonly source: 'user' | 'shipped';
  readonly path: string;
}

/** The directory holding the user's updated copy. */
export function userNumberingDir(location: NumberingLocation = {}): string {
  return location.dir ?? join(location.home ?? homedir(), '.vigie', 'numbering');
}

export function userArcepPath(location: NumberingLocation = {}): string {
  return join(userNumberingDir(location), ARCEP_FILE_NAME);
}

/**
 * node:zlib, loaded on first use: the bundle reads the binary copy, and loading zlib (with the
 * streams it requires) costs `vigie check` 2–3 ms of start-up.
 */
function zlib(): typeof import('node:zlib') {
  return process.getBuiltinModule('node:zlib');
}

export function encodeArcepIndex(index: ArcepIndex): Buffer {
  return zlib().gzipSync(serialiseArcepIndex(index), { level: 9 });
}

export function decodeArcepIndex(bytes: Uint8Array): ArcepIndex {
  return deserialiseArcepIndex(zlib().gunzipSync(bytes).toString('utf8'));
}

const cache = new Map<string, ArcepIndex>();

/** Reads one compact file (cached by path: each file is decoded once per process). */
export function readArcepIndexFile(path: string): ArcepIndex {
  const cached = cache.get(path);
  if (cached !== undefined) return cached;
  let index: ArcepIndex;
  try {
    index = decodeArcepIndex(readFileSync(path));
  } catch (error) {
    throw new VigieError('INTERNAL', `cannot read the numbering data ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  cache.set(path, index);
  return index;
}

/** The user's updated copy when there is one, else the shipped copy. Lazy and cached. */
export function loadArcepIndex(location: NumberingLocation = {}): LoadedArcepIndex {
  const user = userArcepPath(location);
  if (existsSync(user)) return { index: readArcepIndexFile(user), source: 'user', path: user };
  return { index: readShippedArcepIndex(), source: 'shipped', path: SHIPPED_ARCEP_PATH };
}

/** The shipped copy, from the build's binary form when there is one (cached as the copy itself). */
function readShippedArcepIndex(): ArcepIndex {
  const cached = cache.get(SHIPPED_ARCEP_PATH);
  if (cached !== undefined) return cached;
  if (existsSync(SHIPPED_ARCEP_BINARY_PATH)) {
    try {
      const index = decodeArcepBinary(readFileSync(SHIPPED_ARCEP_BINARY_PATH));
      cache.set(SHIPPED_ARCEP_PATH, index);
      return index;
    } catch {
      // An unreadable binary form: the compact copy below says the same, more slowly.
    }
  }
  return readArcepIndexFile(SHIPPED_ARCEP_PATH);
}

/** Writes a compact file atomically (temporary file, then rename) and returns its size in bytes. */
export function writeArcepIndexFile(path: string, index: ArcepIndex): number {
  const bytes = encodeArcepIndex(index);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
  cache.delete(path);
  return bytes.length;
}

/**
 * Decodes an ARCEP file: ARCEP publishes Windows-1252, but a copy re-saved as UTF-8 is accepted too
 * (strict UTF-8 decoding fails on Windows-1252 accents, so the fallback is unambiguous in practice).
 */
export function decodeArcepText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export interface ArcepImport {
  readonly index: ArcepIndex;
  readonly stats: ArcepStats;
  readonly issues: readonly ParseIssue[];
}

/**
 * Reads MAJNUM.csv (and MAJRIO.csv) from disk and indexes them. Without MAJRIO, operator names are
 * kept from `previous` (the copy in use) so that an update of the blocks alone does not lose them.
 */
export function importArcepFiles(
  files: { majnum: string; rio?: string | undefined },
  previous?: ArcepIndex,
): ArcepImport {
  const majnum = readText(files.majnum);
  const rio = files.rio === undefined ? undefined : readText(files.rio);
  const result = indexArcepFiles(majnum, rio);
  if (!result.ok) throw new VigieError('VALIDATION', `${files.majnum}: ${result.error}`);
  let { index, stats } = result.value;
  if (rio === undefined && previous !== undefined) {
    const names = new Map(previous.operatorNames);
    for (const [code, name] of index.operatorNames) names.set(code, name);
    const kept = new Map([...names].filter(([code]) => index.operatorCodes.includes(code)));
    index = { ...index, operatorNames: kept };
    stats = { ...stats, namedOperators: kept.size };
  }
  return { index, stats, issues: result.issues };
}

function readText(path: string): string {
  try {
    return decodeArcepText(readFileSync(path));
  } catch (error) {
    throw new VigieError('USAGE', `cannot read ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
