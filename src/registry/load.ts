import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type Iconv from 'iconv-lite';
import { UsageError } from '../shared/errors.ts';
import { REGISTRY_FILES, type RegistryData, type RegistryFile, type RowError } from './model.ts';
import { parseRegistry, type RegistryParseOptions, type RegistryText } from './parse.ts';
import { RegistryIndex } from './registry-index.ts';

/** What was loaded from one file: kept as evidence. */
export interface LoadedFile {
  readonly kind: RegistryFile;
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface LoadedRegistry {
  readonly data: RegistryData;
  readonly index: RegistryIndex;
  readonly errors: readonly RowError[];
  readonly files: readonly LoadedFile[];
}

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, Windows-1252 otherwise. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconvLite().decode(Buffer.from(bytes), 'win1252');
  }
}

const require = createRequire(import.meta.url);
let iconv: typeof Iconv | undefined;

/** iconv-lite, loaded on first Windows-1252 file (~10 ms that `vigie check` need not pay). */
function iconvLite(): typeof Iconv {
  iconv ??= require('iconv-lite') as typeof Iconv;
  return iconv;
}

/** Reads the registry files at the given paths (each optional). */
export function loadRegistryFiles(
  paths: Partial<Record<RegistryFile, string>>,
  options: RegistryParseOptions = {},
): LoadedRegistry {
  const texts: Partial<Record<RegistryFile, RegistryText>> = {};
  const files: LoadedFile[] = [];
  for (const kind of REGISTRY_FILES) {
    const path = paths[kind];
    if (path === undefined) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new UsageError(`cannot read ${kind} file ${path}`, { cause: error });
    }
    texts[kind] = { file: basename(path), text: decodeText(bytes) };
    files.push({ kind, path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
  }
  const { data, errors } = parseRegistry(texts, options);
  return { data, index: new RegistryIndex(data), errors, files };
}

/** Reads the registry files present in a registry folder (`consents.csv`, `customers.csv`, …). */
export function loadRegistryFolder(dir: string, options: RegistryParseOptions = {}): LoadedRegistry {
  if (!existsSync(dir)) throw new UsageError(`registry folder not found: ${dir}`);
  const paths: Partial<Record<RegistryFile, string>> = {};
  for (const kind of REGISTRY_FILES) {
    const path = join(dir, `${kind}.csv`);
    if (existsSync(path)) paths[kind] = path;
  }
  return loadRegistryFiles(paths, options);
}
