import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UsageError } from '../shared/errors.ts';

/** The flags every headless Chromium of Vigie runs with (no sandbox in containers, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
] as const;

const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Chromium's path: `CHROMIUM_PATH`, else the first of chromium, chromium-browser, google-chrome on the PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') return executable(given) ? given : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    for (const name of NAMES) if (executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function chromiumMissing(env: NodeJS.ProcessEnv = process.env): UsageError {
  const given = env.CHROMIUM_PATH;
  return new UsageError(
    given !== undefined && given !== ''
      ? `PDF : CHROMIUM_PATH=${given} n'est pas un exécutable / is not an executable`
      : 'PDF : Chromium introuvable (ni CHROMIUM_PATH ni chromium sur le PATH) ; installez-le (apt-get install chromium) ou choisissez --format html|csv / ' +
          'Chromium not found (neither CHROMIUM_PATH nor chromium on the PATH); install it (apt-get install chromium) or use --format html|csv',
  );
}

/**
 * Prints a self-contained HTML page to PDF bytes with headless Chromium (never downloaded: Debian's, or
 * `CHROMIUM_PATH`). Page size, margins and the numbered footers come from the page's own `@page` rules.
 */
export async function htmlToPdf(html: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const path = findChromium(env);
  if (path === undefined) throw chromiumMissing(env);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'vigie-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: path,
    args: [...CHROMIUM_ARGS],
    headless: true,
    offline: true,
  });
  try {
    const page = await context.newPage();
    // The report has no external resource; anything it would fetch is refused.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ preferCSSPageSize: true, printBackground: true });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
