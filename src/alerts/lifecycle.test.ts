import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChannels } from './channels/config.ts';
import { planSync, type StoredAlertState, stableJson } from './lifecycle.ts';
import { ALERT_RULES, type AlertCondition, type AlertRule } from './model.ts';
import { renderAlertEmail, renderSlackPayload, renderWebhookPayload, RULE_LABELS } from './render.ts';

const owned = new Set<AlertRule>(ALERT_RULES);

const stored = (over: Partial<StoredAlertState> = {}): StoredAlertState => ({
  id: 7,
  rule: 'volume.daily_cap',
  subject: '+33162000000',
  severity: 'warning',
  state: 'open',
  message: 'm',
  evidenceJson: stableJson({ attempts: 170 }),
  client: null,
  provider: null,
  asOf: '2026-11-21',
  ...over,
});

const cond = (over: Partial<AlertCondition> = {}): AlertCondition => ({
  rule: 'volume.daily_cap',
  subject: '+33162000000',
  severity: 'warning',
  message: 'm',
  evidence: { attempts: 170 },
  ...over,
});

describe('planSync', () => {
  it.each([
    ['nothing stored: open', [], [cond()], [{ kind: 'open' }]],
    ['same figures: unchanged update', [stored()], [cond()], [{ kind: 'update', id: 7, changed: false }]],
    [
      'new figures: changed update',
      [stored()],
      [cond({ evidence: { attempts: 190 } })],
      [{ kind: 'update', changed: true, severityChange: null }],
    ],
    [
      'more severe: escalated',
      [stored()],
      [cond({ severity: 'critical' })],
      [{ kind: 'update', severityChange: 'escalated' }],
    ],
    [
      'less severe: de-escalated',
      [stored({ severity: 'critical' })],
      [cond()],
      [{ kind: 'update', severityChange: 'deescalated' }],
    ],
    ['acknowledged and gone: resolve', [stored({ state: 'acknowledged' })], [], [{ kind: 'resolve', id: 7 }]],
    ['resolved and back: reopen', [stored({ state: 'resolved' })], [cond()], [{ kind: 'reopen', id: 7 }]],
    ['resolved and still gone: nothing', [stored({ state: 'resolved' })], [], []],
    ['seen on a later day: stale', [stored({ asOf: '2026-11-25' })], [], [{ kind: 'stale', id: 7 }]],
    ['seen on the same day again: applies', [stored({ asOf: '2026-11-22' })], [], [{ kind: 'resolve' }]],
  ] as const)('%s', (_name, before, conditions, expected) => {
    expect(planSync(before, conditions, '2026-11-22', owned)).toMatchObject(expected);
  });

  it('does not resolve the alerts of rules other detectors own', () => {
    expect(
      planSync([stored({ rule: 'compliance.breach' })], [], '2026-11-22', new Set(['volume.daily_cap'])),
    ).toEqual([]);
  });

  it('compares evidence whatever its key order, with bigints as numbers', () => {
    expect(stableJson({ b: 1n, a: { d: [2, { f: 1, e: 0 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});

const alert = {
  id: 3,
  rule: 'number.pooled' as const,
  subject: '+33162000000',
  severity: 'warning' as const,
  state: 'open' as const,
  message: 'Numéro utilisé pour 2 clients le 22 novembre',
  evidence: { clients: ['energie-plus', 'assur-co'], share: 0.5 },
  openedAt: '2026-07-01T12:30:00.000Z',
  updatedAt: '2026-07-01T12:30:00.000Z',
  resolvedAt: null,
  acknowledgedAt: null,
  note: null,
  provider: 'atlas',
};

describe('messages', () => {
  it('writes the e-mail in French (Paris time, comma decimals) then English', () => {
    const mail = renderAlertEmail(alert, 'reopened');
    expect(mail.subject).toBe(
      '[Vigie] AVERTISSEMENT · numéro partagé entre plusieurs clients ou campagnes · 01 62 00 00 00 (alerte rouverte, alerte n° 3)',
    );
    expect(mail.text).toContain('Ouverte le mercredi 1 juillet 2026 à 14:30 (heure de Paris)');
    expect(mail.text).toContain('  - share : 0,5');
    expect(mail.text).toContain('  - clients : ["energie-plus","assur-co"]');
    expect(mail.text.indexOf('Fournisseur : atlas')).toBeLessThan(mail.text.indexOf('Provider: atlas'));
  });

  it('labels every rule in both languages', () => {
    for (const rule of ALERT_RULES) {
      expect(RULE_LABELS[rule].fr).not.toBe('');
      expect(RULE_LABELS[rule].en).not.toBe('');
    }
  });

  it('gives Slack a single text field and webhooks the alert itself', () => {
    expect(Object.keys(renderSlackPayload(alert, 'opened'))).toEqual(['text']);
    expect(renderWebhookPayload(alert, 'escalated', '2026-07-02T00:00:00.000Z')).toMatchObject({
      event: 'alert.escalated',
      sentAt: '2026-07-02T00:00:00.000Z',
      alert: { id: 3, rule: 'number.pooled', provider: 'atlas', client: null, evidence: alert.evidence },
    });
  });
});

describe('channel configuration', () => {
  it('names channels without their secrets and fills the SMTP defaults', () => {
    const channels = parseChannels({
      channels: [
        { type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/SECRET' },
        { type: 'smtp', host: 'smtp.exemple.fr', from: 'vigie@exemple.fr', to: 'ops@exemple.fr' },
        { type: 'smtp', host: 'smtp.exemple.fr', secure: true, from: 'a@b.fr', to: ['c@d.fr'], name: 'tls' },
      ],
    });
    expect(channels[0]?.name).toMatch(/^slack:hooks\.slack\.com#[0-9a-f]{8}$/);
    expect(channels[1]).toMatchObject({ port: 587, secure: false, to: ['ops@exemple.fr'] });
    expect(channels[2]).toMatchObject({ name: 'tls', port: 465, secure: true });
  });

  it('refuses two channels with the same name', () => {
    expect(() =>
      parseChannels([
        { type: 'webhook', name: 'x', url: 'http://127.0.0.1:1/a' },
        { type: 'webhook', name: 'x', url: 'http://127.0.0.1:1/b' },
      ]),
    ).toThrow(/same name/);
  });
});

describe('pure core', () => {
  it.each(['lifecycle.ts', 'render.ts', 'model.ts'])(
    '%s imports no node:* module and never reads the clock',
    (f) => {
      const text = readFileSync(join(import.meta.dirname, f), 'utf8');
      expect(text).not.toMatch(/from ['"]node:/);
      expect(text).not.toMatch(/Date\.now\(|new Date\(\)/);
    },
  );
});
