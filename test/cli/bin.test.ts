import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// bin/vigie.js in a copy of the project whose builds only say which of them ran: the bundle (its
// check loader for `vigie check`), the compiled dist/cli, or the sources through tsx when one of
// them is newer than the build.

const ROOT = join(import.meta.dirname, '..', '..');
// Under node_modules, where the sources' run finds tsx, as in the project.
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const root = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'vigie-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const BUILT = new Date('2026-11-20T12:00:00Z');
const BEFORE = new Date('2026-11-19T12:00:00Z');
const AFTER = new Date('2026-11-21T12:00:00Z');

function write(path: string, text: string, time: Date): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  utimesSync(join(root, path), time, time);
}

const says = (what: string) =>
  `process.stdout.write(${JSON.stringify(what)} + ' ' + process.argv.slice(2).join(' '));`;

beforeAll(() => {
  cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  write('dist/bundle/main.js', `export async function main() { ${says('bundle')} }\n`, BUILT);
  write(
    'dist/bundle/check-loader.cjs',
    `exports.runCheckBundle = async (dir) => { ${says('check bundle')} };\n`,
    BUILT,
  );
  write('dist/cli/main.js', `export async function main() { ${says('cli')} }\n`, BUILT);
  write('src/cli/main.ts', `export async function main(): Promise<void> { ${says('sources')} }\n`, BEFORE);
  write('src/law/rules.ts', 'export const RULES: readonly string[] = [];\n', BEFORE);
});

function vigie(...args: string[]): string {
  const run = spawnSync(process.execPath, [join(root, 'bin', 'vigie.js'), ...args], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout;
}

describe('bin/vigie.js', () => {
  it('runs the bundle when no source is newer, and `check` through its loader', () => {
    expect(vigie('check', '--json')).toBe('check bundle check --json');
    expect(vigie('calls', 'check')).toBe('bundle calls check');
  });

  it('runs the sources once one of them was edited after the build, a test file aside', () => {
    write('src/law/rules.test.ts', 'export {};\n', AFTER);
    expect(vigie('check')).toBe('check bundle check');
    write('src/law/rules.ts', 'export const RULES: readonly string[] = [];\n', AFTER);
    expect(vigie('check')).toBe('sources check');
    expect(vigie('calls')).toBe('sources calls');
    utimesSync(join(root, 'src/law/rules.ts'), BEFORE, BEFORE);
    expect(vigie('check')).toBe('check bundle check');
  });

  it('runs dist/cli when it is fresh and the bundle is not', () => {
    utimesSync(join(root, 'dist/bundle/main.js'), BEFORE, BEFORE);
    write('src/law/new.ts', 'export {};\n', BUILT);
    try {
      expect(vigie('check')).toBe('cli check');
    } finally {
      utimesSync(join(root, 'dist/bundle/main.js'), BUILT, BUILT);
      rmSync(join(root, 'src/law/new.ts'));
    }
  });
});
