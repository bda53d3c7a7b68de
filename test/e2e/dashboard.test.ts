/**
 * The dashboard in Debian's Chromium against a real `vigie serve` on a small simulated month: one
 * server and one browser for the file, the tests in order (each continues from the last one's state).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  bundleSizes,
  CHROMIUM,
  charts,
  ensureWebBuild,
  launchBrowser,
  makeDatabase,
  PASSWORD,
  PROVIDER_USER,
  removeDir,
  rendered,
  type Served,
  screenshots,
  serve,
  someProvider,
  tempDir,
} from './harness.ts';

const XSS = '<img src=x onerror=alert(1)>';

describe.skipIf(!existsSync(CHROMIUM))('the dashboard in Chromium', () => {
  let dir = '';
  let served: Served;
  let context: BrowserContext;
  let page: Page;
  let provider = '';
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  /** Numbers seen by the admin: the provider's, and one of another provider. */
  let providerNumbers = 0;
  let totalNumbers = 0;
  let otherNumber = '';

  const signIn = async (email: string) => {
    await page.getByLabel('Adresse e-mail', { exact: true }).fill(email);
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
  };
  const rows = () => page.locator('table.numbers tbody tr[data-number]');
  const countText = async () => (await page.locator('.numbers-page .count').textContent()) ?? '';
  const countOf = async () => {
    const match = /^([\d\s\u202f\u00a0]+) numéros sur ([\d\s\u202f\u00a0]+)$/.exec(await countText());
    const n = (s: string | undefined) => Number((s ?? '').replace(/\D/g, ''));
    return { shown: n(match?.[1]), total: n(match?.[2]) };
  };

  beforeAll(async () => {
    ensureWebBuild();
    dir = tempDir('e2e');
    const made = makeDatabase(dir, someProvider);
    provider = made.provider;
    served = await serve(made.db, dir);
    context = await launchBrowser(dir);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[134]/.test(message.text()))
        pageErrors.push(message.text());
    });
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
  }, 420_000);

  afterAll(async () => {
    await context?.close();
    await served?.stop();
    if (dir) removeDir(dir);
  });

  it('sends a visitor to the sign-in page, refuses a wrong password, then signs in and goes where asked', async () => {
    await page.goto(`${served.url}/numeros`);
    await rendered(page, '/connexion');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/numeros');
    await screenshots(page, 'connexion');
    await page.getByLabel('Adresse e-mail', { exact: true }).fill(ADMIN);
    await page.getByLabel('Mot de passe', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Adresse e-mail ou mot de passe incorrect');
    await signIn(ADMIN);
    await rendered(page, '/numeros');
    expect(await page.locator('h1').textContent()).toBe('Numéros');
  });

  it('draws the overview with its charts, and says how long the first render took', async () => {
    await page.goto(`${served.url}/`);
    await rendered(page, '/');
    await charts(page, 2);
    const firstRender = Number(
      await page.evaluate(`performance.getEntriesByName('vigie:first-render')[0]?.startTime`),
    );
    console.log(`overview first render: ${Math.round(firstRender)} ms after navigation start`);
    const sizes = bundleSizes();
    const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
    console.log(
      `dashboard bundle: ${sizes.map((s) => `${s.file} ${kb(s.bytes)} (gzip ${kb(s.gzip)})`).join(', ')}; total gzip ${kb(sizes.reduce((n, s) => n + s.gzip, 0))}`,
    );
    expect(firstRender).toBeGreaterThan(0);
    expect(firstRender).toBeLessThan(10_000);
    // Each chart's canvas has drawn pixels (lines, not only an empty frame).
    const painted = (await page.evaluate(`[...document.querySelectorAll('.chart-plot canvas')].map((c) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    })`)) as number[];
    expect(painted.length).toBeGreaterThanOrEqual(2);
    for (const pixels of painted) expect(pixels).toBeGreaterThan(500);
    // The text equivalent: the figures as a table, 8 weeks, a percentage in each.
    // (table.data: uPlot's legend is a table too.) Eight weeks; the simulated month fills the last four.
    const answerTable = page.locator('figure.chart').first().locator('table.data tbody tr');
    expect(await answerTable.count()).toBe(8);
    const cells = await answerTable.locator('td').allTextContents();
    expect(cells.filter((c) => /^\d+,\d\s?%$/.test(c)).length).toBeGreaterThanOrEqual(4);
    expect(cells.every((c) => /^\d+,\d\s?%$/.test(c) || c === '—')).toBe(true);
    expect(await page.locator('[data-chart="answer-rate"]').getAttribute('aria-label')).toContain(
      'Taux de décroché',
    );
    await expect.poll(() => page.getByRole('heading', { name: 'Numéros par statut' }).count()).toBe(1);
    await screenshots(page, 'vue-ensemble');
  });

  it('filters the numbers by provider and finds one typed the French way', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Numéros' }).click();
    await rendered(page, '/numeros');
    await expect.poll(() => rows().count()).toBeGreaterThan(5);
    const all = await countOf();
    totalNumbers = all.total;
    expect(all.shown).toBe(all.total);
    expect(all.total).toBeGreaterThan(10);
    await screenshots(page, 'numeros');

    await page.getByLabel('Prestataire', { exact: true }).selectOption(provider);
    await expect.poll(async () => (await countOf()).shown).toBeLessThan(all.total);
    providerNumbers = (await countOf()).shown;
    expect(providerNumbers).toBeGreaterThan(0);
    for (const cell of await page
      .locator('table.numbers tbody tr[data-number] td.col-providers')
      .allTextContents()) {
      expect(cell.split(', ')).toContain(provider);
    }
    expect(new URL(page.url()).searchParams.get('provider')).toBe(provider);
    await page.getByLabel('Prestataire', { exact: true }).selectOption('');
    await expect.poll(async () => (await countOf()).shown).toBe(all.total);

    // A number of another provider, for the scope test at the end.
    const others = await page.evaluate(
      `[...document.querySelectorAll('table.numbers tbody tr[data-number]')].map((r) => [r.dataset.number, r.querySelector('td.col-providers').textContent])`,
    );
    otherNumber =
      (others as [string, string][]).find(([, p]) => !p.split(', ').includes(provider))?.[0] ?? '';
    expect(otherNumber).toMatch(/^\+\d+$/);

    // Sorted by score, ascending then descending.
    await page.getByRole('button', { name: 'Trier par Score' }).click();
    await expect.poll(() => page.locator('th.col-score').getAttribute('aria-sort')).toBe('descending');
    const scores = (await page.locator('tbody td.col-score').allTextContents()).slice(0, 10).map(Number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    // Typed with dots, as on a business card: 01.62.00.00.01 → exactly that number.
    const first = (await rows().first().getAttribute('data-number')) ?? '';
    const display = (await rows().first().locator('td.col-number').textContent()) ?? '';
    await page.getByLabel('Rechercher un numéro', { exact: true }).fill(display.replace(/ /g, '.'));
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().getAttribute('data-number')).toBe(first);
    await page
      .getByLabel('Rechercher un numéro', { exact: true })
      .fill(`+33 ${first.slice(3, 4)} ${first.slice(4)}`);
    await expect.poll(() => rows().count()).toBe(1);
    await page.getByLabel('Rechercher un numéro', { exact: true }).fill('');
    await expect.poll(async () => (await countOf()).shown).toBe(all.total);
  });

  it('opens a number, rests it with a reason, and shows the status and the action in its history', async () => {
    const link = rows().first().locator('td.col-number a');
    const number = (await rows().first().getAttribute('data-number')) ?? '';
    await link.click();
    await rendered(page, `/numeros/${number}`);
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/numeros/${number}`);
    await charts(page, 4);
    expect(await page.getByRole('heading', { name: 'Le score, facteur par facteur' }).count()).toBe(1);
    const reason = 'Taux de signalement en hausse (test de bout en bout)';
    await page.getByLabel('Motif', { exact: true }).fill(reason);
    await page.getByRole('button', { name: 'Mettre au repos' }).click();
    await expect.poll(() => page.locator('.notice.ok').textContent()).toContain('Action enregistrée');
    expect(await page.locator('.head-badges .badge').textContent()).toBe('Au repos');
    const history = page.locator('section', {
      has: page.getByRole('heading', { name: 'Historique des statuts' }),
    });
    expect(await history.textContent()).toContain(reason);
    expect(await history.textContent()).toContain(ADMIN);
    await screenshots(page, 'fiche-numero');
    // Reloaded from the server, the new status stays.
    await page.reload();
    await rendered(page, `/numeros/${number}`);
    expect(await page.locator('.head-badges .badge').textContent()).toBe('Au repos');
    expect(await page.getByRole('button', { name: 'Reprendre' }).isEnabled()).toBe(true);
  });

  it('acknowledges then resolves an alert with a note', async () => {
    await page.goto(`${served.url}/alertes`);
    await rendered(page, '/alertes');
    const detail = page.locator('button[data-alert]').first();
    await expect.poll(() => detail.count()).toBe(1);
    const id = await detail.getAttribute('data-alert');
    await detail.click();
    const panel = page.locator(`[data-alert-detail="${id}"]`);
    await expect.poll(() => panel.count()).toBe(1);
    expect(await panel.getByRole('heading', { name: 'Éléments' }).count()).toBe(1);
    await panel.getByLabel('Note', { exact: true }).fill('Vu avec le prestataire, rythme réduit');
    await panel.getByRole('button', { name: 'Prendre en compte' }).click();
    await expect
      .poll(() => page.locator(`[data-alert-detail="${id}"] .notice.ok`).textContent())
      .toContain('Alerte prise en compte');
    // The alert's own badge (its events' table has one per event too).
    expect(await page.locator(`[data-alert-detail="${id}"] > p .badge.state-acknowledged`).count()).toBe(1);
    await screenshots(page, 'alertes');
    await page
      .locator(`[data-alert-detail="${id}"]`)
      .getByLabel('Note', { exact: true })
      .fill('Numéro mis au repos');
    await page.locator(`[data-alert-detail="${id}"]`).getByRole('button', { name: 'Résoudre' }).click();
    await expect
      .poll(() => page.locator(`[data-alert-detail="${id}"] .notice.ok`).textContent())
      .toContain('Alerte résolue');
    // The alert's own badge (its events' table has one per event too).
    expect(await page.locator(`[data-alert-detail="${id}"] > p .badge.state-resolved`).count()).toBe(1);
    expect(await page.locator(`[data-alert-detail="${id}"]`).textContent()).toContain('Numéro mis au repos');
  });

  it('shows the violations by rule, provider and week, drills down to the calls, and links the CSV', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Conformité' }).click();
    await rendered(page, '/conformite');
    expect(await page.locator('.compliance-page .big').textContent()).toMatch(/manquements sur/);
    const href = await page.getByRole('link', { name: 'Exporter en CSV (Excel)' }).getAttribute('href');
    expect(href).toContain('/api/v1/violations?');
    expect(href).toContain('format=csv');
    const rule = page.locator('button[data-rule]').first();
    if ((await rule.count()) > 0) {
      const id = (await rule.getAttribute('data-rule')) ?? '';
      await rule.click();
      await expect.poll(() => new URL(page.url()).searchParams.get('rule')).toBe(id);
      await expect.poll(() => page.locator('.drill tbody tr').count()).toBeGreaterThan(0);
      expect((await page.locator('.drill tbody tr').first().textContent())?.length).toBeGreaterThan(20);
      // The bytes, not r.text(): the Fetch standard's UTF-8 decode drops a leading BOM.
      const head = await page.evaluate(
        `fetch(${JSON.stringify(`${href}`)}).then((r) => r.arrayBuffer()).then((b) => Array.from(new Uint8Array(b).slice(0, 3)))`,
      );
      expect(head).toEqual([0xef, 0xbb, 0xbf]);
    }
    await screenshots(page, 'conformite');
  });

  it('uploads an export, then shows its summary and its quarantined rows; a campaign named like HTML stays text', async () => {
    const file = join(dir, 'export-test.csv');
    const header =
      'call_id,started_at,caller,callee,direction,outcome,ring_seconds,talk_seconds,provider,site,client,campaign,agent,purpose,refused,sip_code,q850_cause,attestation,disposition';
    const campaign = `"${XSS}"`;
    writeFileSync(
      file,
      `${[
        header,
        `e2e-1,2026-10-28T10:15:00+01:00,+33162099901,+33612340001,outbound,answered,8,95,e2e-prov,paris,enerlux,${campaign},a,prospecting,false,200,16,A,SALE`,
        `e2e-2,2026-10-28T10:16:30+01:00,+33162099901,+33612340002,outbound,no_answer,30,0,e2e-prov,paris,enerlux,${campaign},a,prospecting,false,480,,A,NA`,
        `e2e-3,2026-10-28T10:18:00+01:00,+33162099901,pas un numéro,outbound,answered,5,3,e2e-prov,paris,enerlux,${campaign},a,prospecting,false,200,16,A,NI`,
      ].join('\n')}\n`,
    );
    await page.getByRole('navigation').getByRole('link', { name: 'Imports' }).click();
    await rendered(page, '/imports');
    await page.getByLabel('Fichiers', { exact: true }).setInputFiles(file);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    const result = page.locator('[data-ingest]');
    await expect.poll(() => result.count(), { timeout: 60_000 }).toBe(1);
    const summary = (await result.locator('table').first().textContent()) ?? '';
    expect(summary).toContain('export-test.csv');
    expect(await page.locator('progress').getAttribute('value')).toBe('100');
    const quarantine = result.locator('table').nth(1).locator('tbody tr');
    expect(await quarantine.count()).toBe(1);
    const cells = await quarantine.first().locator('td').allTextContents();
    expect(cells[0]).toBe('export-test.csv');
    expect(cells[1]).toBe('4');
    expect(cells[2]).toBe('callee');
    await screenshots(page, 'imports');

    await page.goto(`${served.url}/numeros?q=01.62.09.99.01`);
    await rendered(page, '/numeros');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().locator('td.col-campaigns').textContent()).toBe(XSS);
    expect(await page.locator('table.numbers img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('switches to English and remembers the choice', async () => {
    await page.goto(`${served.url}/`);
    await rendered(page, '/');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await rendered(page, '/');
    expect(await page.locator('h1').textContent()).toBe('Overview');
    expect(await page.getByRole('navigation').textContent()).toContain('Compliance');
    await screenshots(page, 'overview-en');
    await page.goto(`${served.url}/numeros/+33100000000`);
    await rendered(page, '/numeros/+33100000000');
    expect(await page.getByRole('alert').textContent()).toBe('Not found, or outside your scope.');
    await page.getByRole('button', { name: 'Passer en français' }).click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('fr');
  });

  it('shows a provider user only its own numbers, and refuses it another provider’s number by URL', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await rendered(page, '/connexion');
    await signIn(PROVIDER_USER);
    await rendered(page, '/');
    await page.goto(`${served.url}/numeros`);
    await rendered(page, '/numeros');
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    const seen = await countOf();
    expect(seen.total).toBe(providerNumbers);
    expect(seen.total).toBeLessThan(totalNumbers);
    for (const cell of await page
      .locator('table.numbers tbody tr[data-number] td.col-providers')
      .allTextContents()) {
      expect(cell.split(', ')).toContain(provider);
    }
    await screenshots(page, 'numeros-prestataire');

    await page.goto(`${served.url}/numeros/${otherNumber}`);
    await rendered(page, `/numeros/${otherNumber}`);
    expect(await page.getByRole('alert').textContent()).toBe('Introuvable, ou hors de votre périmètre.');
    expect(await page.locator('.chart-plot').count()).toBe(0);
    const status = await page.evaluate(
      `fetch('/api/v1/numbers/${encodeURIComponent(otherNumber)}').then((r) => r.status)`,
    );
    expect(status).toBe(404);
    await screenshots(page, 'numero-refuse');
  });

  it('raised no script error and no dialog on any page', () => {
    expect(pageErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
