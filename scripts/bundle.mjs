// The CLI as a few ESM files (dist/bundle/), for start-up time: Node 20 loads one file much faster
// than the ~90 small modules of dist/cli. Each command's code is split into chunks loaded only by
// that command; `vigie check` has a bundle of its own besides (check.cjs, see bundle-check.mjs).
// Packages stay external (resolved from node_modules at run time) except commander, which every
// run needs: @duckdb/node-api is native, and the others load lazily, only when a command uses them.
// Run by `npm run build`, after tsc (which type-checks); bin/vigie.js runs the bundle when fresh.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildCheckBundle, writeCheckCodeCache } from './bundle-check.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * commander requires node:child_process at load (~5–8 ms here, with node:net) for executable
 * subcommands, which Vigie does not use: it gets a stand-in that loads the module on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents:
        "let real; module.exports = { spawn: (...args) => (real ??= require('node:child_process')).spawn(...args) };",
      loader: 'js',
    }));
  },
};

rmSync(out, { recursive: true, force: true });
await build({
  // The audit's worker threads run their own entry (stored-audit.ts finds it beside its chunk).
  entryPoints: {
    main: join(root, 'src', 'cli', 'main.ts'),
    'audit-worker': join(root, 'src', 'cli', 'audit-worker.ts'),
  },
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
  plugins: [lazyChildProcess],
  // Less to parse at each start (~2 ms of check); names are kept, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
// `vigie check` runs from a bundle of its own (scripts/bundle-check.mjs): main.js becomes cli.js.
await buildCheckBundle(root, out, [lazyChildProcess]);
// Files the code finds next to itself (import.meta.url): in the bundle, next to the chunks.
cpSync(join(root, 'src', 'numbering', 'data'), join(out, 'data'), { recursive: true });
cpSync(join(root, 'src', 'store', 'migrations'), join(out, 'migrations'), { recursive: true });
// The shipped ARCEP copy as raw typed arrays (no gunzip, no JSON.parse at start-up), beside both
// copies of arcep.json.gz; written with the modules tsc has just compiled into dist/.
const { readArcepIndexFile } = await import(join(root, 'dist', 'numbering', 'store.js'));
const { ARCEP_BINARY_FILE_NAME, encodeArcepBinary } = await import(
  join(root, 'dist', 'numbering', 'arcep-binary.js')
);
const binary = encodeArcepBinary(readArcepIndexFile(join(root, 'src', 'numbering', 'data', 'arcep.json.gz')));
// And the phone fast path's patterns, without libphonenumber-js's metadata JSON to load.
const { FAST_PATTERNS_FILE_NAME, fastPatternSources } = await import(
  join(root, 'dist', 'numbering', 'phone.js')
);
const patterns = `${JSON.stringify(fastPatternSources())}\n`;
for (const dir of [join(root, 'dist', 'numbering', 'data'), join(out, 'data')]) {
  writeFileSync(join(dir, ARCEP_BINARY_FILE_NAME), binary);
  writeFileSync(join(dir, FAST_PATTERNS_FILE_NAME), patterns);
}
// Last: the cache records the functions that a run of `vigie check` compiled, data files included.
await writeCheckCodeCache(out);
