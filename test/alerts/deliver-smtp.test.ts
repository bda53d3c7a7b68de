import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpChannel } from '../../src/alerts/channels/config.ts';
import { deliverPending, listDeliveries } from '../../src/alerts/deliver.ts';
import { syncAlerts } from '../../src/alerts/inbox.ts';
import { openStore } from '../../src/store/store.ts';
import { parseMail, SmtpSink } from './support/smtp.ts';

const clock = () => new Date('2026-11-23T08:00:00.000Z');

let sink: SmtpSink;
beforeAll(async () => {
  sink = await SmtpSink.start('vigie', 's3cret');
});
afterAll(async () => {
  await sink.stop();
});

const channel = (pass: string): SmtpChannel => ({
  type: 'smtp',
  name: 'ops-mail',
  host: '127.0.0.1',
  port: sink.port,
  secure: false,
  auth: { user: 'vigie', pass },
  from: 'vigie@exemple.fr',
  to: ['conformite@exemple.fr', 'ops@exemple.fr'],
  timeoutMs: 5_000,
});

describe('e-mail delivery through a real SMTP server process', () => {
  it('sends the alert: French subject and body first, English second, with the evidence', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await syncAlerts(
        store,
        [
          {
            rule: 'report_rate.critical',
            subject: '+33162000000',
            severity: 'critical',
            message: 'Taux de signalement de 6,1 % sur 7 jours (seuil 5 %)',
            evidence: {
              reportRate7d: 0.061,
              reports7d: 55,
              attempts7d: 902,
              from: '2026-11-16',
              to: '2026-11-22',
            },
            provider: 'atlas',
            client: 'energie-plus',
          },
        ],
        '2026-11-22',
        { clock },
      );
      const before = sink.messages.length;
      const report = await deliverPending(store, [channel('s3cret')], {
        clock,
        retry: { attempts: 2, baseDelayMs: 10 },
      });
      expect(report).toMatchObject({ sent: 1, failed: 0 });
      const [mail] = (await sink.received(before + 1)).slice(before);
      expect(mail).toMatchObject({
        user: 'vigie',
        from: 'vigie@exemple.fr',
        to: ['conformite@exemple.fr', 'ops@exemple.fr'],
      });
      const { headers, body } = parseMail(mail?.raw ?? '');
      expect(headers.subject).toBe(
        '[Vigie] CRITIQUE · taux de signalement critique · 01 62 00 00 00 (nouvelle alerte, alerte n° 1)',
      );
      expect(headers['x-vigie-alert']).toBe('1');
      expect(headers['x-vigie-rule']).toBe('report_rate.critical');
      expect(body).toMatch(/^Alerte Vigie n° 1 : nouvelle alerte\n/);
      for (const line of [
        'Règle : report_rate.critical (taux de signalement critique)',
        'Objet : 01 62 00 00 00',
        'Gravité : critique',
        'Client : energie-plus',
        'Fournisseur : atlas',
        'Ouverte le lundi 23 novembre 2026 à 09:00 (heure de Paris)',
        'Taux de signalement de 6,1 % sur 7 jours (seuil 5 %)',
        '  - reportRate7d : 0,061',
        '  - reports7d : 55',
        '  - from : 2026-11-16',
      ])
        expect(body).toContain(line);
      const english = body.indexOf('Vigie alert #1: new alert');
      expect(english).toBeGreaterThan(body.indexOf('Éléments constatés :'));
      expect(body.slice(english)).toContain('  - reportRate7d: 0.061');
      expect(body.slice(english)).toContain('Opened: 2026-11-23 08:00 UTC');
      expect((await listDeliveries(store)).map((d) => [d.channel, d.attempt, d.status])).toEqual([
        ['ops-mail', 1, 'sent'],
      ]);
    } finally {
      store.close();
    }
  });

  it('records a refused login once, without retrying it, and keeps the notification pending', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await syncAlerts(
        store,
        [
          {
            rule: 'reporting.missing',
            subject: 'provider:atlas',
            severity: 'warning',
            message: 'Aucun relevé',
            evidence: {},
          },
        ],
        '2026-11-22',
        { clock },
      );
      const before = sink.messages.length;
      const report = await deliverPending(store, [channel('wrong')], {
        clock,
        retry: { attempts: 4, baseDelayMs: 10 },
        sleep: async () => {},
      });
      expect(report).toMatchObject({ sent: 0, failed: 1, attempts: 1 });
      const [attempt] = await listDeliveries(store);
      expect(attempt?.error).toMatch(/^SMTP 535/);
      expect(sink.messages.length).toBe(before);

      const fixed = await deliverPending(store, [channel('s3cret')], { clock, sleep: async () => {} });
      expect(fixed).toMatchObject({ sent: 1 });
      expect((await listDeliveries(store)).map((d) => [d.attempt, d.status])).toEqual([
        [1, 'failed'],
        [2, 'sent'],
      ]);
    } finally {
      store.close();
    }
  });

  it('sends one digest e-mail for all pending alerts when the channel asks for it', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await syncAlerts(
        store,
        [
          {
            rule: 'volume.daily_cap',
            subject: '+33162000001',
            severity: 'warning',
            message: '182 appels',
            evidence: { attempts: 182 },
          },
          {
            rule: 'report_rate.critical',
            subject: '+33162000002',
            severity: 'critical',
            message: '6,1 %',
            evidence: { reportRate7d: 0.061 },
          },
          {
            rule: 'number.pooled',
            subject: '+33162000003',
            severity: 'warning',
            message: '2 clients',
            evidence: {},
          },
        ],
        '2026-11-22',
        { clock },
      );
      const before = sink.messages.length;
      const report = await deliverPending(store, [{ ...channel('s3cret'), name: 'digest', digest: true }], {
        clock,
      });
      expect(report).toMatchObject({ sent: 3, failed: 0, attempts: 1 });
      const received = (await sink.received(before + 1)).slice(before);
      expect(received).toHaveLength(1);
      const { headers, body } = parseMail(received[0]?.raw ?? '');
      expect(headers.subject).toBe('[Vigie] 3 alertes : 1 critique, 2 avertissements');
      expect(headers['x-vigie-alert']).toBe('1, 2, 3');
      const lines = body.split('\n');
      expect(lines[0]).toBe('Vigie : 3 alertes à traiter (1 critique, 2 avertissements)');
      // Most severe first, then by id; French before English.
      expect(lines.filter((l) => l.startsWith('n° ')).map((l) => l.slice(0, 5))).toEqual([
        'n° 2 ',
        'n° 1 ',
        'n° 3 ',
      ]);
      expect(body).toContain('  reportRate7d : 0,061');
      expect(body.indexOf('#2 · critical')).toBeGreaterThan(body.indexOf('— English below —'));
      expect((await listDeliveries(store)).map((d) => [d.alertId, d.attempt, d.status])).toEqual([
        [1, 1, 'sent'],
        [2, 1, 'sent'],
        [3, 1, 'sent'],
      ]);
      expect(
        await deliverPending(store, [{ ...channel('s3cret'), name: 'digest', digest: true }], { clock }),
      ).toMatchObject({ sent: 0, attempts: 0 });
    } finally {
      store.close();
    }
  });
});
