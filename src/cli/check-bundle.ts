// Loads the bundle that runs `vigie check` alone (dist/bundle/check.cjs, see scripts/bundle-check.mjs)
// with V8's code cache (check.cache, written by the build): Node 20 has no compile cache for ES
// modules, and compiling the bundle's functions as they first ran was a quarter of check's start-up.
// Built into dist/bundle/check-loader.cjs, which dist/bundle/main.js and bin/vigie.js require:
// CommonJS all the way, so `node bin/vigie.js check` never starts Node's ES module loader.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

export const CHECK_BUNDLE_FILE = 'check.cjs';
export const CHECK_CACHE_FILE = 'check.cache';

/**
 * check.cjs ends with this line and the SHA-256 of the code above it, and check.cache starts with
 * the same line: V8 checks that a cache fits its Node version and flags, but of the source only its
 * length, and would run the code of another build of the same length.
 */
export const CHECK_BUILD_LINE = '//# vigie-check-build=';

/** What the check bundle exports: src/cli/main.ts's functions. */
export interface CheckBundle {
  main(): Promise<void>;
  runCli: typeof import('./main.ts').runCli;
}

export interface LoadedCheckBundle {
  readonly exports: CheckBundle;
  /** The compiled bundle: `createCachedData()` after a run gives the cache to write. */
  readonly script: Script;
  /**
   * `used`; `rejected` by V8 (another Node version, other V8 flags: compiled afresh); `none` when
   * there is no cache, or one of another build.
   */
  readonly cache: 'used' | 'rejected' | 'none';
}

/** The build line ending `source` (with its newline), or undefined. */
export function checkBuildStamp(source: string): string | undefined {
  const at = source.lastIndexOf(CHECK_BUILD_LINE);
  return at < 0 ? undefined : source.slice(at);
}

/**
 * Compiles and runs `dir`/check.cjs as a CommonJS module, with the code cache of `dir`/check.cache
 * when that was written for this very file and V8 accepts it (else as any script is compiled: the
 * cache only saves time). The bundle finds its data files through `import.meta.url`, which the
 * build defines as `__vigieImportMetaUrl`.
 */
export function loadCheckBundle(dir: string, useCache = true): LoadedCheckBundle {
  const file = resolve(dir, CHECK_BUNDLE_FILE);
  const source = readFileSync(file, 'utf8');
  const stamp = checkBuildStamp(source);
  let cachedData: Buffer | undefined;
  if (useCache && stamp !== undefined) {
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(resolve(dir, CHECK_CACHE_FILE));
    } catch {
      bytes = undefined;
    }
    if (
      bytes !== undefined &&
      bytes.length > stamp.length &&
      bytes.toString('latin1', 0, stamp.length) === stamp
    )
      cachedData = bytes.subarray(stamp.length);
  }
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname, __vigieImportMetaUrl) {${source}\n})`,
    { filename: file, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  const module = { exports: {} as CheckBundle };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(file), module, file, dir, pathToFileURL(file).href);
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used';
  return { exports: module.exports, script, cache };
}

/** `vigie check` through the check bundle in `dir`: for dist/bundle/main.js and bin/vigie.js. */
export function runCheckBundle(dir: string): Promise<void> {
  return loadCheckBundle(dir).exports.main();
}
