/**
 * Browser tests' fixtures: a small simulated database (`vigie demo`), accounts (`vigie users add`), a
 * real `vigie serve` on a free port, and Debian's Chromium driven by playwright-core (never downloaded).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'vigie.js');
export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const PASSWORD = 'correct horse battery';
export const ADMIN = 'admin@vigie.test';
export const PROVIDER_USER = 'ops@prestataire.test';

function vigie(args: readonly string[], input?: string): string {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`vigie ${args.join(' ')} exited ${result.status}: ${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const WEB = join(ROOT, 'dist', 'web');

function newestIn(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Builds the dashboard (vite build into dist/web) when a source is newer than the built index.html. */
export function ensureWebBuild(): void {
  const index = join(WEB, 'index.html');
  const sources = Math.max(
    newestIn(join(ROOT, 'src', 'web')),
    statSync(join(ROOT, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (result.status !== 0) throw new Error(`vite build failed: ${result.stderr}${result.stdout}`);
}

/** The built dashboard's files under assets/ with their size and gzip size (bytes). */
export function bundleSizes(): { file: string; bytes: number; gzip: number }[] {
  const assets = join(WEB, 'assets');
  return readdirSync(assets)
    .filter((name) => /\.(js|css)$/.test(name))
    .map((name) => {
      const bytes = readFileSync(join(assets, name));
      return { file: name, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
}

export interface Served {
  readonly url: string;
  readonly dir: string;
  readonly db: string;
  readonly log: () => string;
  stop(): Promise<void>;
}

/** A database of a few thousand simulated calls with an admin and a user of `provider`. */
export function makeDatabase(
  dir: string,
  provider: (db: string) => string,
): { db: string; provider: string } {
  const db = join(dir, 'vigie.duckdb');
  vigie(['demo', '--calls', '500', '--days', '14', '--seed', 'e2e', '--db', db]);
  vigie(['users', 'add', ADMIN, '--role', 'admin', '--password-stdin', '--db', db], `${PASSWORD}\n`);
  const name = provider(db);
  vigie(
    ['users', 'add', PROVIDER_USER, '--role', 'provider', '--provider', name, '--password-stdin', '--db', db],
    `${PASSWORD}\n`,
  );
  return { db, provider: name };
}

/** The provider with the fewest numbers, read through the CLI (`vigie numbers --json`). */
export function someProvider(db: string): string {
  const numbers = JSON.parse(vigie(['numbers', '--json', '--db', db])) as { providers: string[] }[];
  const counts = new Map<string, number>();
  for (const n of numbers) for (const p of n.providers) counts.set(p, (counts.get(p) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  const first = sorted[0];
  if (first === undefined) throw new Error('the simulated database has no provider');
  return first[0];
}

export async function serve(db: string, dir: string): Promise<Served> {
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'serve', '--db', db, '--host', '127.0.0.1', '--port', String(port)],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vigie serve exited ${child.exitCode}: ${output}`);
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`vigie serve did not answer in 60 s: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dir,
    db,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `vigie-${name}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function launchBrowser(dir: string): Promise<BrowserContext> {
  const profile = join(dir, 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    viewport: { width: 1366, height: 768 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
}

export const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
] as const;

/** Screenshots of the current page at both sizes (test-output/ is git-ignored); back to the desktop size. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(150);
    await page.screenshot({
      path: join(SCREENSHOTS, `${name}-${viewport.width}x${viewport.height}.png`),
      fullPage: true,
    });
  }
  await page.setViewportSize(VIEWPORTS[0]);
}

/** Waits until the dashboard has rendered `path` (main.ts writes it on <html data-page>). */
export async function rendered(page: Page, path: string): Promise<void> {
  // A string: the root tsconfig has no DOM types (this runs in the page).
  await page.waitForFunction(`document.documentElement.dataset.page === ${JSON.stringify(path)}`, undefined, {
    timeout: 20_000,
  });
}
