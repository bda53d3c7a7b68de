import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { syncAlerts } from '../../src/alerts/inbox.ts';
import type { AlertCondition } from '../../src/alerts/model.ts';
import { openStore } from '../../src/store/store.ts';
import { freePort, Receiver } from '../alerts/support/receiver.ts';
import { cli, tempDir, writeFile } from '../support/files.ts';

const conditions: AlertCondition[] = [
  {
    rule: 'report_rate.critical',
    subject: '+33162000000',
    severity: 'critical',
    message: 'Taux de signalement de 6,1 % sur 7 jours (seuil 5 %)',
    evidence: { reportRate7d: 0.061, reports7d: 55 },
    provider: 'atlas',
  },
  {
    rule: 'volume.daily_cap',
    subject: '+33162000001',
    severity: 'warning',
    message: '182 tentatives le 22 novembre (plafond 150)',
    evidence: { attempts: 182, cap: 150, day: '2026-11-22' },
  },
];

/** A working folder whose default database holds the two alerts above, seen on 2026-11-22. */
async function inbox(): Promise<string> {
  const dir = tempDir();
  const store = await openStore({ path: join(dir, '.vigie', 'vigie.duckdb') });
  try {
    await syncAlerts(store, conditions, '2026-11-22', { clock: () => new Date('2026-11-23T07:00:00Z') });
  } finally {
    store.close();
  }
  return dir;
}

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.stop();
});

describe('vigie alerts', () => {
  it('lists the inbox as JSON with the public fields, and as a French table', async () => {
    const dir = await inbox();
    const run = await cli(['alerts', '--json'], dir);
    expect(run.code).toBe(0);
    const alerts = JSON.parse(run.out) as Record<string, unknown>[];
    expect(alerts).toHaveLength(2);
    for (const a of alerts)
      expect(Object.keys(a)).toEqual(
        expect.arrayContaining(['id', 'rule', 'subject', 'severity', 'openedAt', 'state', 'evidence']),
      );
    expect(alerts[0]).toMatchObject({
      rule: 'report_rate.critical',
      subject: '+33162000000',
      severity: 'critical',
      state: 'open',
      openedAt: '2026-11-23T07:00:00.000Z',
      evidence: { reportRate7d: 0.061, reports7d: 55 },
      provider: 'atlas',
    });

    const text = await cli(['alerts', '--open'], dir);
    expect(text.code).toBe(0);
    expect(text.out).toContain('dernier jour analysé : 2026-11-22');
    expect(text.out).toContain('01 62 00 00 00');
    expect(text.out).toContain('critique');
    expect(text.out).toContain('2 alertes, dont 2 non résolues');

    const bySubject = await cli(['alerts', '--subject', '01 62 00 00 01', '--json'], dir);
    expect((JSON.parse(bySubject.out) as { rule: string }[]).map((a) => a.rule)).toEqual([
      'volume.daily_cap',
    ]);

    const asOf = await cli(['alerts', '--as-of', '2026-11-21', '--json'], dir);
    expect(JSON.parse(asOf.out)).toEqual([]);
    const asOfText = await cli(['alerts', '--as-of', '2026-11-22'], dir);
    expect(asOfText.out).toContain('Alertes au 2026-11-22');
  });

  it('acknowledges and resolves with a note and an author (default: the OS user), recorded in the history', async () => {
    const dir = await inbox();
    const ack = await cli(['alert', 'ack', '1', '--note', 'vu avec Atlas', '--author', 'alice'], dir);
    expect(ack.code).toBe(0);
    expect(ack.out).toContain('Alerte 1 prise en compte par alice');

    const resolved = await cli(['alert', 'resolve', '2', '--note', 'campagne arrêtée', '--json'], dir);
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.out)).toMatchObject({ id: 2, state: 'resolved', note: 'campagne arrêtée' });

    const open = JSON.parse((await cli(['alerts', '--open', '--json'], dir)).out) as Record<
      string,
      unknown
    >[];
    expect(open.map((a) => [a.id, a.state])).toEqual([[1, 'acknowledged']]);

    const show = await cli(['alert', 'show', '2', '--json'], dir);
    const detail = JSON.parse(show.out) as { events: { action: string; author: string; note: string }[] };
    expect(detail.events.map((e) => [e.action, e.author, e.note])).toEqual([
      ['opened', 'vigie', 'condition signalée au 2026-11-22'],
      ['resolved', userInfo().username, 'campagne arrêtée'],
    ]);
    const showText = await cli(['alert', 'show', '1'], dir);
    expect(showText.out).toContain('vu avec Atlas');
  });

  it('refuses unknown ids, missing notes and bad flags with exit code 2', async () => {
    const dir = await inbox();
    const unknown = await cli(['alert', 'ack', '99', '--note', 'x'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown alert 99');
    expect((await cli(['alert', 'resolve', 'abc', '--note', 'x'], dir)).code).toBe(2);
    expect((await cli(['alert', 'ack', '1'], dir)).code).toBe(2);
    expect((await cli(['alerts', '--as-of', '2026-13-45'], dir)).code).toBe(2);
    expect((await cli(['alerts', '--rule', 'volume.weekly'], dir)).code).toBe(2);
    expect((await cli(['alerts', 'frobnicate'], dir)).code).toBe(2);
    expect((await cli(['alerts', 'deliver', '--open'], dir)).err).toContain('--open only list alerts');
    expect((await cli(['alerts', '--channels', 'x.json'], dir)).code).toBe(2);
    await cli(['alert', 'resolve', '1', '--note', 'ok'], dir);
    const again = await cli(['alert', 'resolve', '1', '--note', 'ok'], dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already resolved');
    expect((await cli(['alerts'], tempDir())).code).toBe(2);
  });
});

describe('vigie alerts deliver', () => {
  it('delivers the pending notifications, retrying; exit 5 while some stay pending, 0 once all are sent', async () => {
    const dir = await inbox();
    const hook = new Receiver(await freePort());
    receivers.push(hook);
    const channels = writeFile(
      dir,
      'channels.json',
      JSON.stringify({ channels: [{ type: 'webhook', name: 'ops', url: hook.url }] }),
    );

    const down = await cli(
      ['alerts', 'deliver', '--channels', channels, '--attempts', '2', '--delay', '1'],
      dir,
    );
    expect(down.code).toBe(5);
    expect(down.out).toContain('alerte 1 → ops : échec (2 tentatives)');
    expect(down.out).toContain('0 envoyées, 2 en attente');

    await hook.start();
    // Without --channels, .vigie/channels.json is read.
    mkdirSync(join(dir, '.vigie'), { recursive: true });
    writeFile(
      join(dir, '.vigie'),
      'channels.json',
      JSON.stringify([{ type: 'webhook', name: 'ops', url: hook.url }]),
    );
    const up = await cli(['alerts', 'deliver', '--delay', '1', '--json'], dir);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.out)).toMatchObject({ sent: 2, failed: 0, skipped: 0 });
    expect(hook.requests).toHaveLength(2);

    const show = JSON.parse((await cli(['alert', 'show', '1', '--json'], dir)).out) as {
      deliveries: { attempt: number; status: string }[];
    };
    expect(show.deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'sent'],
    ]);

    const nothing = await cli(['alerts', 'deliver', '--delay', '1', '--json'], dir);
    expect(JSON.parse(nothing.out)).toMatchObject({ sent: 0, attempts: 0 });
  });

  it('says what is wrong with the channels file, and that none is configured', async () => {
    const dir = await inbox();
    const none = await cli(['alerts', 'deliver'], dir);
    expect(none.code).toBe(2);
    expect(none.err).toContain('no channels');
    const bad = writeFile(
      dir,
      'bad.json',
      JSON.stringify([
        { type: 'webhook', url: 'ftp://x' },
        { type: 'smtp', host: 'mail', to: 'nobody' },
        { type: 'pager' },
        { type: 'slack', url: 'https://hooks.example/x', minSeverity: 'high', rules: ['volume.weekly'] },
      ]),
    );
    const run = await cli(['alerts', 'deliver', '--channels', bad], dir);
    expect(run.code).toBe(2);
    for (const problem of [
      '[0].url: expected an http(s) URL',
      '[1].from: expected an e-mail address',
      '[1].to: expected an e-mail address',
      '[2].type: expected webhook, slack or smtp',
      '[3].rules: unknown rule volume.weekly',
      '[3].minSeverity: expected info, warning or critical',
    ])
      expect(run.err).toContain(problem);
  });
});
