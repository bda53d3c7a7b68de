#!/usr/bin/env node
// Runs the bundled CLI (dist/bundle/, from `npm run build`: a few files load faster than the ~90
// modules of dist/cli) when it is at least as new as every source file, else the compiled dist/cli
// when that is; otherwise the TypeScript sources through tsx's loader (Node 20 does not strip types).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundled = join(root, 'dist', 'bundle', 'main.js');
const compiled = join(root, 'dist', 'cli', 'main.js');

/** The latest modification time under `dir` (source files only), in ms. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!entry.name.endsWith('.test.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

let sources;
function fresh(file) {
  if (!existsSync(file)) return false;
  const src = join(root, 'src');
  if (!existsSync(src)) return true;
  sources ??= newest(src);
  return statSync(file).mtimeMs >= sources;
}

const built = [bundled, compiled].find(fresh);
if (built !== undefined) {
  const { main } = await import(built);
  await main();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  await main();
}
