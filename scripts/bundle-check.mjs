// The bundle that runs `vigie check` alone (dist/bundle/check.cjs), its loader and its V8 code cache;
// called by bundle.mjs, and by src/cli/check-bundle.test.ts, which builds it elsewhere to compare it
// with the sources. One CommonJS file, unlike the split ES modules of cli.js: Node 20 pays ~0.8 ms
// for each module file, and caches compiled code only for scripts (vm.Script's cachedData).
// The packages stay external; the code that only some checks run (registry files, --db, years past
// the holiday table) is in the file too, but runs, and requires its packages, only when needed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Builds check.cjs and check-loader.cjs into `out`, from the sources under `root`, with the esbuild
 * `plugins` of the main bundle. When `out` holds that bundle, its entry main.js becomes cli.js and
 * main.js the small entry of src/cli/bundle-main.ts, which picks one or the other.
 */
export async function buildCheckBundle(root, out, plugins = []) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (existsSync(join(out, 'main.js'))) {
    renameSync(join(out, 'main.js'), join(out, 'cli.js'));
    await build({
      entryPoints: [join(root, 'src', 'cli', 'bundle-main.ts')],
      outfile: join(out, 'main.js'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
    });
  }
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' };
  const bundle = await build({
    ...common,
    write: false,
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: join(out, 'check.cjs'),
    external: Object.keys(pkg.dependencies).filter((name) => name !== 'commander'),
    // The loader (src/cli/check-bundle.ts) passes the file's URL: data files are found beside it.
    define: { 'import.meta.url': '__vigieImportMetaUrl' },
    plugins: [checkOnly(root), ...plugins],
    minifyWhitespace: true,
    minifySyntax: true,
  });
  await build({
    ...common,
    entryPoints: [join(root, 'src', 'cli', 'check-bundle.ts')],
    outfile: join(out, 'check-loader.cjs'),
  });
  const { CHECK_BUILD_LINE, CHECK_BUNDLE_FILE, CHECK_CACHE_FILE } = loader(out);
  rmSync(join(out, CHECK_CACHE_FILE), { force: true });
  // Stamped with its hash, which the cache repeats (see CHECK_BUILD_LINE).
  const [file] = bundle.outputFiles;
  const hash = createHash('sha256').update(file.contents).digest('hex');
  writeFileSync(join(out, CHECK_BUNDLE_FILE), `${file.text}${CHECK_BUILD_LINE}${hash}\n`);
}

/** src/cli/check-bundle.ts as built into `out`. */
function loader(out) {
  return createRequire(import.meta.url)(join(out, 'check-loader.cjs'));
}

/**
 * Runs one check through the bundle in `out` and writes the code V8 compiled for it: later runs
 * skip compiling those functions. V8 refuses the cache under another Node version or other V8
 * flags, and the bundle then compiles as it would without one.
 */
export async function writeCheckCodeCache(out) {
  const { loadCheckBundle, checkBuildStamp, CHECK_BUNDLE_FILE, CHECK_CACHE_FILE } = loader(out);
  const { exports, script } = loadCheckBundle(out, false);
  const argv = ['check', '--caller', '+33162000000', '--callee', '+33600000042', '--client', 'client2'];
  const ctx = { env: { defaultDb: '', cwd: out, interactive: false }, out() {}, err() {} };
  for (const json of [[], ['--json']]) {
    await exports.runCli([...argv, '--at', '2026-11-24T10:15:00+01:00', ...json], ctx);
  }
  const stamp = checkBuildStamp(readFileSync(join(out, CHECK_BUNDLE_FILE), 'utf8'));
  writeFileSync(
    join(out, CHECK_CACHE_FILE),
    Buffer.concat([Buffer.from(stamp, 'latin1'), script.createCachedData()]),
  );
}

/** index.ts registers commands through dynamic imports, which would bring the whole CLI in. */
function checkOnly(root) {
  const only = join(root, 'src', 'cli', 'commands', 'check-only.ts');
  return {
    name: 'check-only',
    setup(build) {
      build.onResolve({ filter: /^\.\/commands\/index\.ts$/ }, () => ({ path: only }));
    },
  };
}
