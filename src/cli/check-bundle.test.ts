import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCheckBundle, writeCheckCodeCache } from '../../scripts/bundle-check.mjs';
import type { Environment } from '../config/env.ts';
import { ARCEP_BINARY_FILE_NAME, encodeArcepBinary } from '../numbering/arcep-binary.ts';
import { FAST_PATTERNS_FILE_NAME, fastPatternSources } from '../numbering/phone.ts';
import { readArcepIndexFile, SHIPPED_ARCEP_PATH } from '../numbering/store.ts';
import { CHECK_BUNDLE_FILE, CHECK_CACHE_FILE, type CheckBundle, loadCheckBundle } from './check-bundle.ts';
import type { CliContext } from './context.ts';
import { runCli } from './main.ts';

// The bundle that runs `vigie check` alone (dist/bundle/check.cjs) must answer as the CLI does: it is
// built here from the sources, with its data files and code cache, and both run the same argv.

const ROOT = join(import.meta.dirname, '..', '..');
const REGISTRY = join(ROOT, 'test', 'fixtures', 'law', 'registry');
// Under node_modules, where the bundle's require() finds the packages, as dist/bundle does.
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const scratch = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'vigie-check-bundle-'));
const out = join(scratch, 'bundle');
const empty = join(scratch, 'numbering');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  await buildCheckBundle(ROOT, out);
  cpSync(join(ROOT, 'src', 'numbering', 'data'), join(out, 'data'), { recursive: true });
  writeFileSync(
    join(out, 'data', ARCEP_BINARY_FILE_NAME),
    encodeArcepBinary(readArcepIndexFile(SHIPPED_ARCEP_PATH)),
  );
  writeFileSync(join(out, 'data', FAST_PATTERNS_FILE_NAME), JSON.stringify(fastPatternSources()));
  await writeCheckCodeCache(out);
});

type Run = (argv: readonly string[], ctx: Omit<CliContext, 'setExitCode'>) => Promise<number>;

async function run(
  cli: Run,
  argv: readonly string[],
): Promise<{ code: number; out: string[]; err: string[] }> {
  const lines = { out: [] as string[], err: [] as string[] };
  // numberingDir: an empty folder, so the shipped ARCEP copy is used whatever the user's is.
  const env: Environment = { defaultDb: ':memory:', cwd: scratch, interactive: false, numberingDir: empty };
  const code = await cli(argv, { env, out: (t) => lines.out.push(t), err: (t) => lines.err.push(t) });
  return { code, ...lines };
}

const at = ['--at', '2026-11-24T10:15:00+01:00'];
const call = ['check', '--caller', '+33162000000', '--callee', '+33600000042', '--client', 'client2'];
const CASES: readonly (readonly string[])[] = [
  [...call, ...at, '--json'],
  [...call, ...at],
  [
    'check',
    '--caller=01 62 00 00 00',
    '--callee',
    '06 12 34 56 78',
    '--client',
    'ACME',
    '--campaign',
    'CAMP1',
  ],
  [...call, '--at', '2026-11-23T11:00:00+01:00', '--registry', REGISTRY, '--client', 'ACME', '--json'],
  [...call, '--purpose', 'service', '--registry', REGISTRY, '--at', '2026-11-28T11:00:00+01:00'],
  [...call, '--callee', '+262 692 12 34 56', '--at', '2026-11-23T16:30:00Z', '--json'],
  // Past the generated holiday table: date-holidays itself.
  [...call, '--at', '2031-05-08T10:00:00+02:00', '--json'],
  [...call, ...at, '--consents', join(REGISTRY, 'consents.csv')],
  [...call, ...at, '--rules', join(scratch, 'missing.json')],
  [...call, ...at, '--db', join(scratch, 'missing.duckdb')],
  ['check', '--help'],
  ['check', '-h'],
  ['check'],
  ['check', '--caller', '+33162000000'],
  [...call, ...at, '--bogus'],
  [...call, ...at, 'extra'],
  [...call, '--at'],
  ['check', '--caller', 'x', '--callee', '0612345678', ...at],
  [...call, '--at', 'demain'],
  [...call, ...at, '--purpose', 'sales'],
];

describe('the check bundle', () => {
  it.each(CASES.map((argv) => [argv.join(' '), argv] as const))('answers as the CLI: %s', async (_, argv) => {
    const bundle = loadCheckBundle(out);
    expect(await run(bundle.exports.runCli, argv)).toEqual(await run(runCli, argv));
  });

  // In a process of its own each: V8 reuses what this one compiled for the same source, cache or not.
  function runAlone(argv: readonly string[]): { cache: string; code: number; out: string[]; err: string[] } {
    const script = `
      const { loadCheckBundle } = require(${JSON.stringify(join(out, 'check-loader.cjs'))});
      const bundle = loadCheckBundle(${JSON.stringify(out)});
      const lines = { out: [], err: [] };
      const env = { defaultDb: ':memory:', cwd: ${JSON.stringify(scratch)}, interactive: false, numberingDir: ${JSON.stringify(empty)} };
      bundle.exports.runCli(${JSON.stringify(argv)}, { env, out: (t) => lines.out.push(t), err: (t) => lines.err.push(t) })
        .then((code) => process.stdout.write(JSON.stringify({ cache: bundle.cache, code, ...lines })));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as { cache: string; code: number; out: string[]; err: string[] };
  }

  it('uses its cache in a new process; compiles afresh when V8 refuses it or it is of another build', async () => {
    const argv = [...call, ...at, '--json'];
    const expected = await run(runCli, argv);
    expect(runAlone(argv)).toEqual({ cache: 'used', ...expected });
    const good = readFileSync(join(out, CHECK_CACHE_FILE));
    const line = good.indexOf('\n') + 1;
    try {
      writeFileSync(
        join(out, CHECK_CACHE_FILE),
        Buffer.concat([good.subarray(0, line), Buffer.from('not a cache')]),
      );
      expect(runAlone(argv)).toEqual({ cache: 'rejected', ...expected });
      // V8 would take this one (it checks the length of the source, not its text): not the loader.
      const other = Buffer.from(good);
      other.write(good[line - 2] === 0x30 ? '1' : '0', line - 2, 'latin1');
      writeFileSync(join(out, CHECK_CACHE_FILE), other);
      expect(runAlone(argv)).toEqual({ cache: 'none', ...expected });
      rmSync(join(out, CHECK_CACHE_FILE));
      expect(runAlone(argv)).toEqual({ cache: 'none', ...expected });
    } finally {
      writeFileSync(join(out, CHECK_CACHE_FILE), good);
    }
  });

  it('ends with the hash of its code, which its cache starts with', () => {
    const source = readFileSync(join(out, CHECK_BUNDLE_FILE), 'utf8');
    const stamp = source.slice(source.lastIndexOf('//# vigie-check-build='));
    expect(stamp).toMatch(/^\/\/# vigie-check-build=[0-9a-f]{64}\n$/);
    expect(readFileSync(join(out, CHECK_CACHE_FILE)).subarray(0, stamp.length).toString('latin1')).toBe(
      stamp,
    );
  });

  it('runs only check', async () => {
    const bundle: CheckBundle = loadCheckBundle(out).exports;
    const { code, err } = await run(bundle.runCli, ['audit', '--help']);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('the check bundle runs only `vigie check`');
  });
});
