// dist/bundle/main.js, the bundle's entry (scripts/bundle.mjs): `vigie check` runs from its own
// one-file bundle (check.cjs, with V8's code cache, through check-loader.cjs); every other command
// from cli.js (src/cli/main.ts) and the chunks it loads. Only Node's built-in modules load before
// that choice, and those through process.getBuiltinModule: an ES import of node:fs costs ~2 ms.

export async function main(): Promise<void> {
  const { createRequire } = process.getBuiltinModule('node:module');
  const { dirname } = process.getBuiltinModule('node:path');
  const { fileURLToPath } = process.getBuiltinModule('node:url');
  // The verb as src/cli/main.ts reads it: the first argument after node and the script.
  if (process.argv[2] === 'check') {
    const loader = createRequire(import.meta.url)('./check-loader.cjs') as typeof import('./check-bundle.ts');
    return loader.runCheckBundle(dirname(fileURLToPath(import.meta.url)));
  }
  const cli = (await import(new URL('./cli.js', import.meta.url).href)) as typeof import('./main.ts');
  return cli.main();
}
