#!/usr/bin/env node
// Runs the bundled CLI (dist/bundle/, from `npm run build`: a few files load faster than the ~90
// modules of dist/cli) when it is at least as new as every source file, else the compiled dist/cli
// when that is; otherwise the TypeScript sources through tsx's loader (Node 20 does not strip types).
// CommonJS (bin/package.json): `vigie check` then runs the bundle's check.cjs without ever starting
// Node's ES module loader (~4 ms); the other commands import the bundle's ES modules.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const bundleDir = join(root, 'dist', 'bundle');
const bundled = join(bundleDir, 'main.js');
const compiled = join(root, 'dist', 'cli', 'main.js');

/**
 * Whether no source file under `src` (tests aside) was modified after `time` (ms). Every file is
 * looked at: editing a file in place changes its own time only, not its directory's. Paths are
 * joined by hand, which costs half as much as path.join here.
 */
function noSourceAfter(src, time) {
  const dirs = [src];
  while (dirs.length > 0) {
    const dir = dirs.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) dirs.push(path);
      else if (!entry.name.endsWith('.test.ts') && statSync(path).mtimeMs > time) return false;
    }
  }
  return true;
}

function fresh(file) {
  if (!existsSync(file)) return false;
  const src = join(root, 'src');
  return !existsSync(src) || noSourceAfter(src, statSync(file).mtimeMs);
}

async function run() {
  const built = [bundled, compiled].find(fresh);
  if (built === bundled && process.argv[2] === 'check') {
    // What dist/bundle/main.js would do for check, without loading it as an ES module.
    await require(join(bundleDir, 'check-loader.cjs')).runCheckBundle(bundleDir);
  } else if (built !== undefined) {
    await (await import(pathToFileURL(built).href)).main();
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await (await import('../src/cli/main.ts')).main();
  }
}

// A rejection stays unhandled: Node prints it and exits with 1, as it did when this file was an ES module.
run();
