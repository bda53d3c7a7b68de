// The CLI as a few ESM files (dist/bundle/), for start-up time: Node 20 loads one file much faster
// than the ~90 small modules of dist/cli. `vigie check` loads main.js, its own chunk and the chunks
// it shares; every other command's code is split into chunks loaded only by that command.
// Packages stay external (resolved from node_modules at run time) except commander, which every
// run needs: @duckdb/node-api is native, and the others load lazily, only when a command uses them.
// Run by `npm run build`, after tsc (which type-checks); bin/vigie.js runs the bundle when fresh.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys(pkg.dependencies).filter((name) => name !== 'commander'),
  // commander is CommonJS: its `require('node:events')` needs a real require in an ES module.
  banner: {
    js: "import { createRequire as __vigieCreateRequire } from 'node:module'; const require = __vigieCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// Files the code finds next to itself (import.meta.url): in the bundle, next to the chunks.
cpSync(join(root, 'src', 'numbering', 'data'), join(out, 'data'), { recursive: true });
cpSync(join(root, 'src', 'store', 'migrations'), join(out, 'migrations'), { recursive: true });
